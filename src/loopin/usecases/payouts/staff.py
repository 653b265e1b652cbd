"""Staff work the payout queue: list by state, approve, record the bank transfer (UTR) or its failure.

The JSON routes (``routes/staff/payouts.py``) and the web console call these same use cases. Each decision
locks the payout's row, so two staff (or a retried click) racing on one payout end in one outcome: the first
wins, the other is a 409 — except the same UTR recorded twice, which answers the paid payout unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from loopin.domain.audit.entry import JsonValue
from loopin.domain.identity.member import Access
from loopin.domain.payouts.errors import AccountNotShown, PayoutNotFound
from loopin.domain.payouts.payout import PayoutRequest, PayoutStatus, read_reason, read_utr
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
from loopin.usecases.payouts.settlement import PayoutSettlement
from loopin.usecases.payouts.views import PayoutView, PayoutViews
from loopin.usecases.shared.paging import Page, page_offset, page_size
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.shared.use_case import UseCase

Decision = Callable[[PayoutRequest, int, datetime], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class StaffPayouts:
    """What staff work on payouts shares: the staff check, the looks recorded (staff reading hosts' payouts),
    one path for every decision (the payout locked, so two staff racing on one payout end in one outcome; the
    decision at the service's time; the commit), and the payouts as they are then, accounts masked."""

    access: MemberAccess
    payouts: PayoutRepository
    views: PayoutViews
    uow: UnitOfWork
    clock: Clock

    async def staff_id(self, member_id: int) -> int:
        return (await self.access.load(member_id, Access.STAFF)).id

    def looked(self, action: str, staff_id: int, payout_id: int | None, **details: JsonValue) -> None:
        self.uow.enqueue(
            audit_entry(
                action,
                actor_id=staff_id,
                target_type="payout_request",
                target_id=payout_id,
                at=self.clock.now(),
                details=details,
            )
        )

    async def found(self, payout_id: int) -> PayoutRequest:
        payout = await self.payouts.get(payout_id)
        if payout is None:
            raise PayoutNotFound()
        return payout

    async def decide(self, member_id: int, payout_id: int, decision: Decision) -> PayoutView:
        staff_id = await self.staff_id(member_id)
        payout = await self.payouts.lock(payout_id)
        if payout is None:
            raise PayoutNotFound()
        await decision(payout, staff_id, self.clock.now())
        return await self.one(payout)

    async def one(self, payout: PayoutRequest) -> PayoutView:
        """Commits, then the payout as staff see it."""
        await self.uow.commit()
        return await self.views.one(payout)

    async def page(self, page: Page[PayoutRequest]) -> Page[PayoutView]:
        """Commits, then the page as staff see it."""
        await self.uow.commit()
        return await self.views.page(page)


@dataclass(frozen=True, slots=True)
class ListPayouts:
    """Oldest first, optionally of one state (the queue). Staff reading hosts' payouts is audited."""

    staff: StaffPayouts
    payouts: PayoutRepository

    async def __call__(
        self, *, member_id: int, status: PayoutStatus | None, offset: int, limit: int
    ) -> Page[PayoutView]:
        staff_id = await self.staff.staff_id(member_id)
        page_size(limit)
        page_offset(offset)
        page = await self.payouts.by_status(status, offset=offset, limit=limit)
        shown = len(page.rows)
        self.staff.looked(
            "payouts.viewed", staff_id, None, status=status and status.value, offset=offset, shown=shown
        )
        return await self.staff.page(page)


@dataclass(frozen=True, slots=True)
class ViewPayout:
    """One payout for staff (the console's payout page), its account masked; the look is audited."""

    staff: StaffPayouts

    async def __call__(self, *, member_id: int, payout_id: int) -> PayoutView:
        staff_id = await self.staff.staff_id(member_id)
        payout = await self.staff.found(payout_id)
        self.staff.looked("payout.viewed", staff_id, payout.id, status=payout.status.value)
        return await self.staff.one(payout)


@dataclass(frozen=True, slots=True, repr=False)  # the instruction's repr: never the whole number
class TransferDetails(PayoutInstruction):
    """A payout's instruction as a person at the bank's web form reads it: with the payout and the bank's name."""

    payout_id: int
    bank_name: str


@dataclass(frozen=True, slots=True)
class ShowTransferDetails:
    """The account number of an approved payout, opened from the vault for the staff member who makes the
    transfer by hand (the manual sender). Not before approval (nobody needs it) nor after (nobody may). Each
    showing is audited (``payout.account_shown``) and committed before the number leaves the use case."""

    staff: StaffPayouts
    accounts: BankAccountRepository
    vault: AccountNumberVault

    async def __call__(self, *, member_id: int, payout_id: int) -> TransferDetails:
        staff_id = await self.staff.staff_id(member_id)
        payout = await self.staff.found(payout_id)
        if payout.status is not PayoutStatus.APPROVED:
            raise AccountNotShown()
        account = (await self.accounts.by_ids([payout.bank_account_id]))[payout.bank_account_id]
        self.staff.looked("payout.account_shown", staff_id, payout.id, bank_account_id=account.id)
        await self.staff.uow.commit()
        number = self.vault.open(account.sealed_number, host_id=account.host_id)
        instruction = PayoutInstruction.for_payout(payout, account, number)
        return TransferDetails(**asdict(instruction), payout_id=payout.id, bank_name=account.bank_name)


class ApprovePayout(UseCase):
    """Approved, the payout goes to its sender (a job after the commit): the manual sender leaves it to staff."""

    staff: StaffPayouts
    payouts: PayoutRepository

    async def __call__(self, *, member_id: int, payout_id: int) -> PayoutView:
        return await self.staff.decide(member_id, payout_id, self._approve)

    async def _approve(self, payout: PayoutRequest, staff_id: int, now: datetime) -> None:
        payout.approve(staff_id, now)
        await self.payouts.save(payout)
        self.uow.enqueue(jobs.audited_payout("approved", payout, staff_id, now))
        self.uow.enqueue(jobs.send_payout(payout.id))


@dataclass(frozen=True, slots=True)
class MarkPayoutPaid:
    staff: StaffPayouts
    settlement: PayoutSettlement

    async def __call__(self, *, member_id: int, payout_id: int, utr: str) -> PayoutView:
        reference = read_utr(utr)
        return await self.staff.decide(
            member_id, payout_id, lambda payout, by, now: self.settlement.paid(payout, reference, by, now)
        )


@dataclass(frozen=True, slots=True)
class MarkPayoutFailed:
    """The transfer bounced (closed account, wrong IFSC...): the money returns to the host's balance."""

    staff: StaffPayouts
    settlement: PayoutSettlement

    async def __call__(self, *, member_id: int, payout_id: int, reason: str) -> PayoutView:
        why = read_reason(reason)
        return await self.staff.decide(
            member_id, payout_id, lambda payout, by, now: self.settlement.failed(payout, why, by, now)
        )


class SendPayout(UseCase):
    """The ``payouts.send`` job: an approved payout handed to the ``PayoutSender`` once (its reference is the
    sender's idempotency key, so a retried job is recognised by a payout API). The manual sender answers
    MANUAL and nothing changes; an API's PAID/FAILED settle the payout as staff would."""

    payouts: PayoutRepository
    accounts: BankAccountRepository
    vault: AccountNumberVault
    sender: PayoutSender
    settlement: PayoutSettlement
    clock: Clock

    async def __call__(self, *, payout_id: int) -> str:
        payout = await self.payouts.lock(payout_id)
        if payout is None or payout.status is not PayoutStatus.APPROVED or payout.sender_reference:
            await self.uow.commit()
            return "skipped"
        account = (await self.accounts.by_ids([payout.bank_account_id]))[payout.bank_account_id]
        number = self.vault.open(account.sealed_number, host_id=account.host_id)
        instruction = PayoutInstruction.for_payout(payout, account, number)
        receipt = await self.sender.send(instruction)
        now = self.clock.now()
        if receipt.outcome is SendOutcome.SUBMITTED:
            payout.sender_reference = receipt.reference
            await self.payouts.save(payout)
            self.uow.enqueue(jobs.audited_payout("submitted", payout, None, now, reference=receipt.reference))
        elif receipt.outcome is SendOutcome.PAID:
            await self.settlement.paid(payout, read_utr(receipt.utr), None, now)
        elif receipt.outcome is SendOutcome.FAILED:
            await self.settlement.failed(payout, receipt.message or "The bank refused the transfer.", None, now)
        await self.uow.commit()
        return receipt.outcome.value
