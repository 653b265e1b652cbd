"""Job name -> use case. Shared by the SAQ worker and the in-process dispatcher of embedded mode."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from dishka import AsyncContainer

from loopin.domain.payments.refund import RefundReason
from loopin.usecases.attendance.expiry import ExpireOverdue
from loopin.usecases.attendance.jobs import EXPIRE_ATTENDANCE, SEAT_OFFER_SWEEP
from loopin.usecases.attendance.reminders import SEND_REMINDERS, SendReminders
from loopin.usecases.attendance.waitlist import PassOnSeatOffers
from loopin.usecases.audit.record import RECORD_AUDIT_ENTRY, RecordAuditEntry
from loopin.usecases.audit.summaries import SUMMARIZE_AUDIT_DAYS, SummarizeAuditDays
from loopin.usecases.events.completion import CompleteEndedEvents
from loopin.usecases.events.jobs import COMPLETE_ENDED
from loopin.usecases.identity import jobs as identity_jobs
from loopin.usecases.identity.sms import DeliverOtpSms
from loopin.usecases.identity.waitlist import PromoteDueMembers
from loopin.usecases.notifications.deliver import (
    DELIVER_NOTIFICATION,
    PUSH_DUE,
    DeliverNotification,
    PushDueNotifications,
)
from loopin.usecases.notifications.retention import PRUNE_INBOXES, PruneInboxes
from loopin.usecases.notifications.welcome import WelcomeMember
from loopin.usecases.payments import jobs as payment_jobs
from loopin.usecases.payments.holds import ExpireHolds
from loopin.usecases.payments.reconcile import ReconcileOrders
from loopin.usecases.payments.refunds import ProcessRefund, RefundEventOrders, RefundOrder, RetryRefunds
from loopin.usecases.payouts import jobs as payout_jobs
from loopin.usecases.payouts.requests import ProposePayouts
from loopin.usecases.payouts.staff import SendPayout
from loopin.usecases.platform import analytics, files
from loopin.usecases.platform.analytics import RecordAnalyticsEvent
from loopin.usecases.platform.files import DeleteStoredFiles
from loopin.usecases.privacy.erase import END_SESSIONS, EndMemberSessions
from loopin.usecases.shared.ports import Job, JsonScalar
from loopin.usecases.staff.campaigns import (
    RESUME_CAMPAIGNS,
    SEND_CAMPAIGN_BATCH,
    ResumeCampaigns,
    SendCampaignBatch,
)

Handler = Callable[[AsyncContainer, Mapping[str, JsonScalar]], Awaitable[object]]


class Sweep(Protocol):
    """A scheduled job's use case: it finds its own work."""

    async def __call__(self) -> object: ...


class PayloadJob(Protocol):
    """A use case that reads the job's payload as it is."""

    async def __call__(self, *, payload: Mapping[str, JsonScalar]) -> object: ...


def sweep(use_case: type[Sweep]) -> Handler:
    async def run(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> object:
        return await (await scope.get(use_case))()

    return run


def with_payload(use_case: type[PayloadJob]) -> Handler:
    async def run(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> object:
        return await (await scope.get(use_case))(payload=payload)

    return run


def _id(payload: Mapping[str, JsonScalar], key: str) -> int:
    """A payload holds JSON scalars: its ids are read back as ints here."""
    return int(str(payload[key]))


async def _send_otp_sms(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> bool:
    return await (await scope.get(DeliverOtpSms))(phone=str(payload["phone"]), code=str(payload["code"]))


async def _delete_files(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> None:
    keys = [k for k in str(payload.get("keys", "")).split("\n") if k]
    await (await scope.get(DeleteStoredFiles))(keys=keys)


async def _end_member_sessions(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> None:
    await (await scope.get(EndMemberSessions))(member_id=_id(payload, "member_id"))


async def _summarize_audit_days(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> int:
    return len(await (await scope.get(SummarizeAuditDays))())


# --- attendance and notifications ---


async def _welcome_member(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> None:
    await (await scope.get(WelcomeMember))(member_id=_id(payload, "member_id"))


async def _send_campaign_batch(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> int:
    return await (await scope.get(SendCampaignBatch))(campaign_id=_id(payload, "campaign_id"))


# --- payments ---


async def _process_refund(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> str:
    return await (await scope.get(ProcessRefund))(refund_id=_id(payload, "refund_id"))


async def _refund_event(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> int:
    actor = payload.get("actor_id")
    return await (await scope.get(RefundEventOrders))(
        event_id=_id(payload, "event_id"), actor_id=int(str(actor)) if actor is not None else None
    )


async def _refund_order(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> bool:
    refund = await (await scope.get(RefundOrder))(
        reference=str(payload["reference"]), reason=RefundReason(str(payload["reason"]))
    )
    return refund is not None


# --- payouts ---


async def _send_payout(scope: AsyncContainer, payload: Mapping[str, JsonScalar]) -> str:
    return await (await scope.get(SendPayout))(payout_id=_id(payload, "payout_id"))


HANDLERS: dict[str, Handler] = {
    identity_jobs.SEND_OTP_SMS: _send_otp_sms,
    files.DELETE_FILES: _delete_files,
    identity_jobs.PROMOTE_DUE_MEMBERS: sweep(PromoteDueMembers),
    analytics.CAPTURE: with_payload(RecordAnalyticsEvent),
    RECORD_AUDIT_ENTRY: with_payload(RecordAuditEntry),
    SUMMARIZE_AUDIT_DAYS: _summarize_audit_days,
    END_SESSIONS: _end_member_sessions,
    DELIVER_NOTIFICATION: with_payload(DeliverNotification),
    PUSH_DUE: sweep(PushDueNotifications),
    PRUNE_INBOXES: sweep(PruneInboxes),
    SEND_REMINDERS: sweep(SendReminders),
    SEND_CAMPAIGN_BATCH: _send_campaign_batch,
    RESUME_CAMPAIGNS: sweep(ResumeCampaigns),
    identity_jobs.MEMBER_ADMITTED: _welcome_member,
    COMPLETE_ENDED: sweep(CompleteEndedEvents),
    EXPIRE_ATTENDANCE: sweep(ExpireOverdue),
    SEAT_OFFER_SWEEP: sweep(PassOnSeatOffers),
    payment_jobs.EXPIRE_HOLDS: sweep(ExpireHolds),
    payment_jobs.RECONCILE_ORDERS: sweep(ReconcileOrders),
    payment_jobs.RETRY_REFUNDS: sweep(RetryRefunds),
    payment_jobs.PROCESS_REFUND: _process_refund,
    payment_jobs.REFUND_EVENT: _refund_event,
    payment_jobs.REFUND_ORDER: _refund_order,
    payout_jobs.SEND_PAYOUT: _send_payout,
    payout_jobs.PROPOSE_PAYOUTS: sweep(ProposePayouts),
}


async def run_job(container: AsyncContainer, job: Job) -> object:
    """Runs one job in its own request scope (its own session and transaction)."""
    handler = HANDLERS[job.name]
    async with container() as scope:
        return await handler(scope, job.payload)
