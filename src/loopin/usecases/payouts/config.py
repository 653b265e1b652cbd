"""Tunable numbers of the payouts context, filled from settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from loopin.domain.shared.money import ZERO


@dataclass(frozen=True, slots=True)
class PayoutsConfig:
    settlement_delay: timedelta = field(default_factory=lambda: timedelta(days=2))  # after an event ends
    minimum: Decimal = Decimal("100.00")  # smaller amounts wait for the next payout
    max_accounts: int = 10  # active bank accounts per host
    proposal_batch: int = 200

    @property
    def settlement_hours(self) -> int:
        """The delay as hosts are told it (the summary, the refusal of a payout too small)."""
        return int(self.settlement_delay.total_seconds() // 3600)

    def pays_out(self, amount: Decimal) -> bool:
        """Whether ``amount`` is enough for a payout: something, and at least the minimum (which may be set to
        nothing). The host's request and the weekly proposal's reminder decide it here alike."""
        return amount > ZERO and amount >= self.minimum
