"""What stands in the way of deleting an account: commitments to others, and money owed to the member, that an
erasure would break silently. Each is refused with what to do first, rather than undone behind anyone's back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.attendance.ticket import PaymentStatus
from loopin.domain.events.event import EventStatus
from loopin.domain.identity.member import Member
from loopin.domain.shared.errors import Conflict
from loopin.usecases.attendance.ports import AttendanceReader
from loopin.usecases.payments.ports import PaymentOrderRepository
from loopin.usecases.payouts.balances import HostBalances
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.payouts.ports import PayoutRepository
from loopin.usecases.privacy.ports import PersonalData

LIVE_EVENT = (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.POSTPONED)


class AccountHasCommitments(Conflict, code="ACCOUNT_HAS_COMMITMENTS"): ...


@dataclass(frozen=True, slots=True)
class ErasureCommitments:
    """Read inside the erasure's transaction, after the member's row is locked.

    Money: a payout on its way to the member's bank, earnings still settling, or an available balance a payout
    could carry are the member's; deleting would forfeit them, so they come first. A balance below the payout
    minimum cannot be withdrawn and does not block (the audit entry records what was left).
    """

    personal: PersonalData
    attendance: AttendanceReader
    orders: PaymentOrderRepository
    payouts: PayoutRepository
    balances: HostBalances
    config: PayoutsConfig

    async def broken_by_erasure(self, member: Member, now: datetime) -> AccountHasCommitments | None:
        """The refusal to raise, naming what to do first; None when nothing stands in the way."""
        reasons = await self._to_others(member, now) + await self._money_owed(member, now)
        if not reasons:
            return None
        return AccountHasCommitments("Before your account can be deleted, please " + " and ".join(reasons) + ".")

    async def _to_others(self, member: Member, now: datetime) -> list[str]:
        hosting = [
            e.id
            for e in await self.personal.hosted_events(member.id)
            if not e.deleted
            and EventStatus(e.status) in LIVE_EVENT
            and e.end_time > now
            and e.seats_taken + e.seats_held > 0
        ]
        paid = [
            c.event.id
            for c in await self.attendance.member_tickets(member.id)
            if c.ticket.is_live and c.ticket.payment_status is PaymentStatus.PAID and c.event.start_time > now
        ]
        paying = [r.order.event_id for r in await self.orders.of_member(member.id) if r.order.holds_seats]
        reasons = []
        if hosting:
            reasons.append(f"cancel the events you host that have guests ({_ids(hosting)}), so they are told")
        if paid:
            reasons.append(f"cancel your paid tickets ({_ids(paid)}) for a refund")
        if paying:
            reasons.append(
                f"finish or abandon your payment in progress ({_ids(paying)}); it closes by itself soon"
            )
        return reasons

    async def _money_owed(self, member: Member, now: datetime) -> list[str]:
        reasons = []
        in_flight = await self.payouts.in_flight_of(member.id)
        if in_flight is not None:
            reasons.append(f"wait for your payout #{in_flight.id} (₹{in_flight.amount}) to reach your bank")
        balance = await self.balances.of(member.id, now)
        if balance.pending > 0:
            reasons.append(f"wait for your earnings still settling (₹{balance.pending}) and withdraw them")
        elif balance.available >= self.config.minimum:
            reasons.append(f"withdraw your balance (₹{balance.available}) with a payout")
        return reasons


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids)
