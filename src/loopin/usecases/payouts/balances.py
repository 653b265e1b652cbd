"""A host's balances, per event and in all, from the ledger (one query), and the money screen built on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.identity.member import Access
from loopin.domain.payouts.balance import EventBalance, HostBalance
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.payouts.ports import HostEarnings, PayoutRepository
from loopin.usecases.payouts.views import PayoutSummary, PayoutViews
from loopin.usecases.shared.ports import Clock


@dataclass(frozen=True, slots=True)
class HostBalances:
    """The settlement delay applied to what the ledger says (``domain/payouts/balance.py``)."""

    earnings: HostEarnings
    config: PayoutsConfig

    async def of(self, host_id: int, now: datetime) -> HostBalance:
        figures = await self.earnings.figures(host_id)
        delay = self.config.settlement_delay
        return HostBalance(host_id, tuple(EventBalance.of(f, now=now, delay=delay) for f in figures))


class GetPayoutSummary(MemberUseCase):
    """``GET /api/payouts/summary``: totals, each event's figures, and the payout in flight if any."""

    balances: HostBalances
    payouts: PayoutRepository
    views: PayoutViews
    clock: Clock
    config: PayoutsConfig

    async def __call__(self, *, member_id: int) -> PayoutSummary:
        member = await self.access.load(member_id, Access.MEMBER)
        balance = await self.balances.of(member.id, self.clock.now())
        in_flight = await self.payouts.in_flight_of(member.id)
        view = await self.views.one(in_flight) if in_flight is not None else None
        await self.uow.commit()
        return PayoutSummary(balance, balance.events, self.config.minimum, self.config.settlement_hours, view)
