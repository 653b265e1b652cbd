"""Tunable numbers of the payouts context, filled from settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PayoutsConfig:
    settlement_delay: timedelta = field(default_factory=lambda: timedelta(days=2))  # after an event ends
    minimum: Decimal = Decimal("100.00")  # smaller amounts wait for the next payout
    max_accounts: int = 10  # active bank accounts per host
    proposal_batch: int = 200
