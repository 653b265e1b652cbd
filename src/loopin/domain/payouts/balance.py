"""What a host has earned, per event and in all, read from the ledger; and which events a payout draws on.

Per event (signs as a host reads them, rupees to the paisa)::

    gross_sales   captured amounts of the event's paid orders (base + fee)
    platform_fee  the fee the platform keeps (net of the fee part of refunds)
    refunds       what was refunded to guests (host part + fee part)
    host_share    gross_sales - platform_fee - refunds
    in_flight     drawn by payouts requested or approved
    paid_out      drawn by payouts paid
    balance       host_share - in_flight - paid_out      (what the platform still owes for the event)
    available     balance once the event is settled, else 0

An event settles ``settlement_delay`` after it ends (refunds usually come before: a late one makes ``balance``
negative, a debt the host's other events cover, see ``allocate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from loopin.domain.payouts.payout import Allocation
from loopin.domain.shared.money import ZERO


@dataclass(frozen=True, slots=True)
class EventFigures:
    """The ledger's sums for one event of the host (what the one query per screen returns)."""

    event_id: int
    title: str
    ends_at: datetime
    gross_sales: Decimal
    platform_fee: Decimal
    refunds: Decimal
    host_share: Decimal
    in_flight: Decimal
    paid_out: Decimal


@dataclass(frozen=True, slots=True)
class EventBalance(EventFigures):
    """An event's figures and where its settlement stands."""

    settles_at: datetime
    settled: bool
    balance: Decimal
    available: Decimal

    @classmethod
    def of(cls, f: EventFigures, *, now: datetime, delay: timedelta) -> EventBalance:
        settles_at = f.ends_at + delay
        settled = settles_at <= now
        balance = f.host_share - f.in_flight - f.paid_out
        return cls(
            f.event_id, f.title, f.ends_at, f.gross_sales, f.platform_fee, f.refunds, f.host_share, f.in_flight,
            f.paid_out, settles_at, settled, balance, balance if settled else ZERO,
        )  # fmt: skip


# The ledger's money figures: per event (``EventFigures``, ``EventBalance``), summed in ``HostBalance``.
MONEY_FIGURES = ("gross_sales", "platform_fee", "refunds", "host_share", "in_flight", "paid_out")


@dataclass(frozen=True, slots=True)
class HostBalance:
    """The host's events and the sums of their figures, folded once when it is made."""

    host_id: int
    events: tuple[EventBalance, ...]  # the host's events with money, earliest end first
    gross_sales: Decimal = field(init=False)
    platform_fee: Decimal = field(init=False)
    refunds: Decimal = field(init=False)
    host_share: Decimal = field(init=False)
    in_flight: Decimal = field(init=False)
    paid_out: Decimal = field(init=False)

    def __post_init__(self) -> None:
        for name in MONEY_FIGURES:
            object.__setattr__(self, name, sum((getattr(e, name) for e in self.events), ZERO))

    @property
    def pending(self) -> Decimal:
        """Earned on events not settled yet."""
        return sum((e.balance for e in self.events if not e.settled), ZERO)

    @property
    def available(self) -> Decimal:
        """What can be paid out now: settled balances, a debt on one event netted against the others."""
        return max(ZERO, sum((e.available for e in self.events), ZERO))

    def allocate(self, amount: Decimal | None) -> tuple[Allocation, ...]:
        """Which settled events a payout of ``amount`` (None: all that is available) draws on: every debt
        first (so it is settled by this payout), then credits, earliest event first. Empty when nothing can
        be drawn. ``amount`` must not exceed ``available``."""
        target = self.available if amount is None else amount
        if target <= ZERO or target > self.available:
            return ()
        settled = [e for e in self.events if e.settled and e.balance != ZERO]
        drawn = [Allocation(e.event_id, e.balance) for e in settled if e.balance < ZERO]
        left = target - sum((a.amount for a in drawn), ZERO)
        for e in settled:
            if e.balance > ZERO and left > ZERO:
                part = min(e.balance, left)
                drawn.append(Allocation(e.event_id, part))
                left -= part
        return tuple(drawn)
