"""Side effects payments leave behind after commit: refund calls, audit entries, notifications; and the names
of the scheduled sweeps.

Push ``data`` carries what the app routes on: ``type``, ``route`` (``payment_retry`` after a failure or an
expiry, ``ticket_detail`` after a payment), ``event_id``, ``payment_order_id``. Texts never carry phone numbers.
"""

from __future__ import annotations

from datetime import datetime

from loopin.domain.audit.entry import JsonValue
from loopin.domain.payments.fee import FeeChange
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import Refund
from loopin.usecases.audit.record import audited_change, facts_of
from loopin.usecases.notifications.deliver import notification_job
from loopin.usecases.payments.ports import ReleasedHold
from loopin.usecases.shared.ports import Job

EXPIRE_HOLDS = "payments.expire_holds"
RECONCILE_ORDERS = "payments.reconcile_orders"
RETRY_REFUNDS = "payments.retry_refunds"
PROCESS_REFUND = "payments.process_refund"
REFUND_EVENT = "payments.refund_event"
REFUND_ORDER = "payments.refund_order"


def process_refund(refund: Refund) -> Job:
    return process_refund_by_id(refund.id)


def process_refund_by_id(refund_id: int) -> Job:
    """One job per refund; its key dedupes it while queued, the refund's token makes a rerun harmless."""
    return Job(PROCESS_REFUND, {"refund_id": refund_id}, key=f"refund:{refund_id}", attempts=8, timeout_seconds=60)


def refund_event(event_id: int, actor_id: int | None) -> Job:
    return Job(REFUND_EVENT, {"event_id": event_id, "actor_id": actor_id}, key=f"refund-event:{event_id}")


def refund_order(reference: str, reason: str, actor_id: int | None) -> Job:
    return Job(
        REFUND_ORDER,
        {"reference": reference, "reason": reason, "actor_id": actor_id},
        key=f"refund-order:{reference}",
        attempts=8,
    )


def audited_order(action: str, o: PaymentOrder, actor_id: int | None, at: datetime, **details: JsonValue) -> Job:
    """``payment_order.created|paid|failed|expired|captured_unfulfilled|refund_opened|…`` (never the hash)."""
    facts = facts_of(o, "order_id", "event_id", "member_id", "status", "amount", "seats", "gateway", **details)
    return audited_change("payment_order", action, target_id=o.id, actor_id=actor_id, at=at, facts=facts)


def audited_notice(action: str, txnid: str, at: datetime, **details: JsonValue) -> Job:
    """``payment_notice.forged|mismatch|unknown_order``: evidence of a callback that was refused."""
    facts: dict[str, JsonValue] = {"txnid": txnid[:64], **details}
    return audited_change("payment_notice", action, target_id=None, actor_id=None, at=at, facts=facts)


def audited_refund(action: str, r: Refund, o: PaymentOrder, at: datetime, **details: JsonValue) -> Job:
    facts = facts_of(r, "amount", "reason", "status", "attempts", order_id=o.order_id, **details)
    return audited_change("refund", action, target_id=r.id, actor_id=None, at=at, facts=facts)


def audited_fee(change: FeeChange) -> Job:
    """``platform_fee.changed`` (the old and new percentage, and the note now) or, when only the note changed,
    ``platform_fee.description_changed`` (the percentage it describes, the old note and the new) — never a
    change "from 10.00 to 10.00"."""
    facts: dict[str, JsonValue]
    if change.percentage_changed:
        action = "changed"
        facts = {"old": str(change.old), "new": str(change.new), "description": change.new_description}
    else:
        action = "description_changed"
        facts = {
            "percentage": str(change.new),
            "old_description": change.old_description,
            "description": change.new_description,
        }
    return audited_change(
        "platform_fee",
        action,
        target_id=1,
        actor_id=change.changed_by,
        at=change.at,
        facts=facts,
        target_type="platform_fee_config",
    )


def _data(o: PaymentOrder) -> dict[str, str | int]:
    return {"event_id": o.event_id, "payment_order_id": o.order_id}


def audited_expiry(hold: ReleasedHold, at: datetime) -> Job:
    facts = facts_of(hold, "event_id", "member_id", order_id=hold.reference, seats_released=hold.seats)
    return audited_change("payment_order", "expired", target_id=hold.order_id, actor_id=None, at=at, facts=facts)


def payment_failed(o: PaymentOrder, event_title: str) -> Job:
    return notification_job(
        "payment_failed", recipient_id=o.member_id, values={"event_name": event_title}, data=_data(o)
    )


def payment_expired(hold: ReleasedHold, event_title: str) -> Job:
    return notification_job(
        "payment_expired",
        recipient_id=hold.member_id,
        values={"event_name": event_title},
        data={"event_id": hold.event_id, "payment_order_id": hold.reference},
    )


def refund_opened(o: PaymentOrder, r: Refund, event_title: str) -> Job:
    why = {
        "guest_cancelled": "You cancelled your ticket",
        "event_cancelled": f"{event_title} was cancelled",
        "unfulfilled": "Your payment arrived after the tickets were gone",
        "staff": f"Loopin refunded your order for {event_title}",
    }[r.reason.value]
    return notification_job(
        "refund_initiated",
        recipient_id=o.member_id,
        values={"reason": why, "amount": str(r.amount)},
        data=_data(o),
    )


def refund_completed(o: PaymentOrder, r: Refund) -> Job:
    return notification_job(
        "refund_completed",
        recipient_id=o.member_id,
        values={"amount": str(r.amount)},
        data=_data(o),
        key=f"refund-completed:{r.id}",  # one per refund, however often its completion is confirmed
    )
