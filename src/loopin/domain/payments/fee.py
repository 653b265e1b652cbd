"""The platform fee (additive model, spec payments §1): the buyer pays the base price plus a percentage of it,
the host earns the base, the platform keeps the rest.

The charged amount follows the spec (buyer price per seat rounded half up, times the seats); the host share is
base x seats; the platform fee is what remains of the amount. So amount = host share + fee to the paisa: the
few paise the spec's per-seat and per-order roundings used to leave unattributed (its weakness W15) belong to
the platform fee, and every ledger transaction balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from loopin.domain.identity.member import Member
from loopin.domain.identity.reauthentication import require_recent_code
from loopin.domain.shared.errors import Forbidden, InvalidInput
from loopin.domain.shared.money import CENT, ZERO, in_paise, to_money

DEFAULT_PERCENTAGE = Decimal("10.00")
MIN_PERCENTAGE, MAX_PERCENTAGE = Decimal("0.00"), Decimal("100.00")
HUNDRED = Decimal(100)


def parse_percentage(raw: Decimal | int | str, field: str = "fee_percentage") -> Decimal:
    """0.00-100.00 with at most two decimals (granularity 0.01 %); anything else is a 422 on ``field``."""
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput.single(field, f"{field} must be a number", code="INVALID_FEE_PERCENTAGE") from None
    if not value.is_finite():
        raise InvalidInput.single(field, f"{field} must be a number", code="INVALID_FEE_PERCENTAGE")
    if not MIN_PERCENTAGE <= value <= MAX_PERCENTAGE:
        raise InvalidInput.single(field, f"{field} must be between 0 and 100", code="INVALID_FEE_PERCENTAGE")
    if value != value.quantize(CENT):
        raise InvalidInput.single(
            field, f"{field} must have at most two decimal places", code="INVALID_FEE_PERCENTAGE"
        )
    return value.quantize(CENT)


@dataclass(frozen=True, slots=True)
class PriceQuote:
    """What an order of ``seats`` seats at ``base_price`` costs, and who gets what of it."""

    base_price: Decimal  # per seat, as the host set it
    seats: int
    fee_percentage: Decimal
    buyer_price: Decimal  # per seat: base plus fee, rounded half up
    amount: Decimal  # charged: buyer price x seats
    host_share: Decimal  # base x seats
    platform_fee: Decimal  # amount - host share (rounding paise included)

    @property
    def fee_per_seat(self) -> Decimal:
        return self.buyer_price - self.base_price


@dataclass(frozen=True, slots=True)
class PlatformFeePolicy:
    """Pure arithmetic on ``Decimal``: 2 places, ROUND_HALF_UP, INR."""

    percentage: Decimal = DEFAULT_PERCENTAGE

    def __post_init__(self) -> None:
        object.__setattr__(self, "percentage", parse_percentage(self.percentage))

    @property
    def multiplier(self) -> Decimal:
        """``pct / 100``: exact for two-decimal percentages (at most four decimals)."""
        return self.percentage / HUNDRED

    def buyer_price(self, base_price: Decimal) -> Decimal:
        """What one seat costs the buyer: ``round2(base x (1 + pct/100))``."""
        base = _base(base_price)
        return in_paise(base * (1 + self.multiplier))

    def fee_per_seat(self, base_price: Decimal) -> Decimal:
        """The fee the app shows next to the price (``platform_fee`` on events)."""
        return self.buyer_price(base_price) - _base(base_price)

    def quote(self, base_price: Decimal, seats: int) -> PriceQuote:
        if seats < 1:
            raise ValueError("an order is for at least one seat")
        base = _base(base_price)
        buyer_price = self.buyer_price(base)
        amount = buyer_price * seats
        host_share = base * seats
        return PriceQuote(
            base_price=base,
            seats=seats,
            fee_percentage=self.percentage,
            buyer_price=buyer_price,
            amount=amount,
            host_share=host_share,
            platform_fee=amount - host_share,
        )


def _base(value: Decimal) -> Decimal:
    base = to_money(value)
    if base < ZERO:
        raise ValueError("a price is never negative")
    return base


class SuperuserOnly(Forbidden, code="SUPERUSER_ONLY", message="Only a superuser can change the platform fee."): ...


@dataclass(frozen=True, slots=True)
class FeeChange:
    """One change of the configured percentage or of its note (the description), for the audit log."""

    old: Decimal
    new: Decimal
    changed_by: int
    at: datetime
    old_description: str
    new_description: str

    @property
    def percentage_changed(self) -> bool:
        """False when only the note changed (the same percentage with a new description)."""
        return self.old != self.new


@dataclass(slots=True)
class PlatformFeeConfig:
    """The singleton the policy is read from (one row; spec payments §1.4 without its weaknesses W31)."""

    percentage: Decimal = DEFAULT_PERCENTAGE
    description: str = ""
    updated_by: int | None = None
    updated_at: datetime | None = None

    @property
    def policy(self) -> PlatformFeePolicy:
        return PlatformFeePolicy(self.percentage)

    @staticmethod
    def may_be_changed_by(member: Member) -> bool:
        """Only a superuser changes the fee (spec decision 4); other staff see it and its history."""
        return member.is_superuser

    def change(
        self,
        percentage: Decimal | int | str,
        *,
        by: Member,
        confirmed_at: datetime | None,
        now: datetime,
        description: str | None = None,
    ) -> FeeChange | None:
        """Only by a superuser who entered a code within the re-authentication window (``confirmed_at``: when
        they last did) — the spec's "re-enters their password". None when nothing changes (the same percentage
        and description again)."""
        if not self.may_be_changed_by(by):
            raise SuperuserOnly()
        require_recent_code(confirmed_at, now)
        new = parse_percentage(percentage)
        text = self.description if description is None else description.strip()
        if new == self.percentage and text == self.description:
            return None
        change = FeeChange(self.percentage, new, by.id, now, self.description, text)
        self.percentage, self.description = new, text
        self.updated_by, self.updated_at = by.id, now
        return change
