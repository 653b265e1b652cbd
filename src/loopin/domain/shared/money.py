"""Money: ``Decimal`` with 2 places, rounded half up, in Indian rupees (spec README, decision 4)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCY = "INR"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 15  # whole-rupee digits: far above any price or payout, far below Decimal's 28-digit precision


def to_money(value: Decimal | int | str) -> Decimal:
    """Rounds to paise (half up). Raises ``ValueError`` for text that is not a finite number."""
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    if amount.adjusted() >= MAX_DIGITS:
        raise ValueError(f"not a plausible amount: {value!r}")
    return in_paise(amount)


def in_paise(amount: Decimal) -> Decimal:
    """The one rounding of money: to the paisa, half up (prices with the fee, a refund's platform part)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
