"""What happens to a payout once it is decided, whoever decides (staff, or a payout API's answer through the
send job): the state move, its ledger transaction, the audit entry, the host's notification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.payouts import ledger
from loopin.domain.payouts.payout import PayoutRequest, PayoutStatus
from loopin.usecases.payments.ports import Ledger
from loopin.usecases.payouts import jobs
from loopin.usecases.payouts.ports import PayoutRepository
from loopin.usecases.shared.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class PayoutSettlement:
    """Call on a locked payout, in the caller's transaction."""

    payouts: PayoutRepository
    book: Ledger
    uow: UnitOfWork

    async def paid(self, payout: PayoutRequest, utr: str, by: int | None, now: datetime) -> bool:
        """False when it was already paid with this very UTR (a retried call): nothing changes."""
        if payout.status is PayoutStatus.PAID and payout.utr == utr:
            return False
        payout.mark_paid(utr, by, now)
        await self.payouts.save(payout)
        await self.book.record(ledger.payout_paid(payout, now))
        self.uow.enqueue(jobs.audited_payout("paid", payout, by, now, utr=utr))
        self.uow.enqueue(jobs.payout_paid(payout))
        return True

    async def failed(self, payout: PayoutRequest, reason: str, by: int | None, now: datetime) -> None:
        payout.mark_failed(reason, by, now)
        await self._returned(payout, by, now, "failed")
        self.uow.enqueue(jobs.payout_failed(payout))

    async def cancelled(self, payout: PayoutRequest, reason: str, by: int, now: datetime) -> None:
        payout.cancel(by, now, reason)
        await self._returned(payout, by, now, "cancelled")

    async def _returned(self, payout: PayoutRequest, by: int | None, now: datetime, action: str) -> None:
        await self.payouts.save(payout)
        await self.book.record(ledger.payout_returned(payout, now))
        self.uow.enqueue(jobs.audited_payout(action, payout, by, now, reason=payout.failure_reason))
