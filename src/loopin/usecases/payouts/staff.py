"""Staff work the payout queue: list by state, approve, record the bank transfer (UTR) or its failure.

JSON routes now (``routes/staff/payouts.py``); the web admin will call these same use cases. Each decision
locks the payout's row, so two staff (or a retried click) racing on one payout end in one outcome: the first
wins, the other is a 409 — except the same UTR recorded twice, which answers the paid payout unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.member import Access
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.errors import PayoutNotFound
from loopin.domain.payouts.payout import PayoutRequest, PayoutStatus, read_reason, read_utr
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.audit.record import audit_entry
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.payouts import jobs
from loopin.usecases.payouts.ports import (
    AccountNumberVault,
    BankAccountRepository,
    PayoutInstruction,
    PayoutRepository,
    PayoutSender,
    SendOutcome,
)
from loopin.usecases.payouts.requests import MAX_PAGE
from loopin.usecases.payouts.settlement import PayoutSettlement
from loopin.usecases.payouts.views import PayoutListView, PayoutView
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


@dataclass(frozen=True, slots=True)
class ListPayouts:
    """Oldest first, optionally of one state (the queue). Staff reading hosts' payouts is audited."""

    access: MemberAccess
    payouts: PayoutRepository
    accounts: BankAccountRepository
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def __call__(
        self, *, member_id: int, status: PayoutStatus | None, offset: int, limit: int
    ) -> PayoutListView:
        staff = await self.access.load(member_id, Access.STAFF)
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput.single("limit", f"The page size is between 1 and {MAX_PAGE}")
        page = await self.payouts.by_status(status, offset=offset, limit=limit)
        accounts = await self.accounts.by_ids([p.bank_account_id for p in page.payouts])
        self.jobs.enqueue(
            audit_entry(
                "payouts.viewed",
                actor_id=staff.id,
                target_type="payout_request",
                target_id=None,
                at=self.clock.now(),
                details={"status": status.value if status else None, "offset": offset, "shown": len(page.payouts)},
            )
        )
        await self.uow.commit()
        return PayoutListView(
            page.total, [PayoutView.of(p, accounts.get(p.bank_account_id)) for p in page.payouts]
        )


@dataclass(frozen=True, slots=True)
class ViewPayout:
    """One payout for staff (the console's payout page), its account masked; the look is audited."""

    access: MemberAccess
    payouts: PayoutRepository
    accounts: BankAccountRepository
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, payout_id: int) -> PayoutView:
        staff = await self.access.load(member_id, Access.STAFF)
        payout = await self.payouts.get(payout_id)
        if payout is None:
            raise PayoutNotFound()
        account = (await self.accounts.by_ids([payout.bank_account_id])).get(payout.bank_account_id)
        self.jobs.enqueue(
            audit_entry(
                "payout.viewed",
                actor_id=staff.id,
                target_type="payout_request",
                target_id=payout.id,
                at=self.clock.now(),
                details={"status": payout.status.value},
            )
        )
        await self.uow.commit()
        return PayoutView.of(payout, account)


@dataclass(frozen=True, slots=True)
class StaffPayouts:
    """The staff check and the locked payout with its account, shared by the decisions below."""

    access: MemberAccess
    payouts: PayoutRepository
    accounts: BankAccountRepository

    async def locked(self, member_id: int, payout_id: int) -> tuple[int, PayoutRequest]:
        staff = await self.access.load(member_id, Access.STAFF)
        payout = await self.payouts.lock(payout_id)
        if payout is None:
            raise PayoutNotFound()
        return staff.id, payout

    async def view(self, payout: PayoutRequest) -> PayoutView:
        account: BankAccount | None = (await self.accounts.by_ids([payout.bank_account_id])).get(
            payout.bank_account_id
        )
        return PayoutView.of(payout, account)


@dataclass(frozen=True, slots=True)
class ApprovePayout:
    """Approved, the payout goes to its sender (a job after the commit): the manual sender leaves it to staff."""

    staff: StaffPayouts
    payouts: PayoutRepository
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, payout_id: int) -> PayoutView:
        staff_id, payout = await self.staff.locked(member_id, payout_id)
        now = self.clock.now()
        payout.approve(staff_id, now)
        await self.payouts.save(payout)
        self.jobs.enqueue(jobs.audited_payout("approved", payout, staff_id, now))
        self.jobs.enqueue(jobs.send_payout(payout.id))
        await self.uow.commit()
        return await self.staff.view(payout)


@dataclass(frozen=True, slots=True)
class MarkPayoutPaid:
    staff: StaffPayouts
    settlement: PayoutSettlement
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, payout_id: int, utr: str) -> PayoutView:
        reference = read_utr(utr)
        staff_id, payout = await self.staff.locked(member_id, payout_id)
        await self.settlement.paid(payout, reference, staff_id, self.clock.now())
        await self.uow.commit()
        return await self.staff.view(payout)


@dataclass(frozen=True, slots=True)
class MarkPayoutFailed:
    """The transfer bounced (closed account, wrong IFSC...): the money returns to the host's balance."""

    staff: StaffPayouts
    settlement: PayoutSettlement
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, payout_id: int, reason: str) -> PayoutView:
        why = read_reason(reason)
        staff_id, payout = await self.staff.locked(member_id, payout_id)
        await self.settlement.failed(payout, why, staff_id, self.clock.now())
        await self.uow.commit()
        return await self.staff.view(payout)


@dataclass(frozen=True, slots=True)
class SendPayout:
    """The ``payouts.send`` job: an approved payout handed to the ``PayoutSender`` once (its reference is the
    sender's idempotency key, so a retried job is recognised by a payout API). The manual sender answers
    MANUAL and nothing changes; an API's PAID/FAILED settle the payout as staff would."""

    payouts: PayoutRepository
    accounts: BankAccountRepository
    vault: AccountNumberVault
    sender: PayoutSender
    settlement: PayoutSettlement
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, payout_id: int) -> str:
        payout = await self.payouts.lock(payout_id)
        if payout is None or payout.status is not PayoutStatus.APPROVED or payout.sender_reference:
            await self.uow.commit()
            return "skipped"
        account = (await self.accounts.by_ids([payout.bank_account_id]))[payout.bank_account_id]
        instruction = PayoutInstruction(
            reference=f"LPPO{payout.id}",
            amount=payout.amount,
            account_number=self.vault.open(account.sealed_number, host_id=account.host_id),
            ifsc_code=account.ifsc_code,
            account_holder_name=account.account_holder_name,
        )
        receipt = await self.sender.send(instruction)
        now = self.clock.now()
        if receipt.outcome is SendOutcome.SUBMITTED:
            payout.sender_reference = receipt.reference
            await self.payouts.save(payout)
            self.jobs.enqueue(jobs.audited_payout("submitted", payout, None, now, reference=receipt.reference))
        elif receipt.outcome is SendOutcome.PAID:
            await self.settlement.paid(payout, read_utr(receipt.utr), None, now)
        elif receipt.outcome is SendOutcome.FAILED:
            await self.settlement.failed(payout, receipt.message or "The bank refused the transfer.", None, now)
        await self.uow.commit()
        return receipt.outcome.value
