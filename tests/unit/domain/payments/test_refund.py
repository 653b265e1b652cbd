"""Refund policy (full until 24 h before the start, nothing after) and a refund's life."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from loopin.adapters.persistence.orm.payments import RefundRow
from loopin.domain.payments.errors import RefundNotAllowed
from loopin.domain.payments.fee import PlatformFeePolicy
from loopin.domain.payments.order import Capture, PaymentOrder
from loopin.domain.payments.refund import (
    UNFINISHED_REFUND,
    Refund,
    RefundPolicy,
    RefundReason,
    RefundStatus,
    full_refund_key,
    new_refund_token,
)

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
START = NOW + timedelta(days=3)


def paid_order() -> PaymentOrder:
    o = PaymentOrder.open(
        event_id=5,
        member_id=9,
        host_id=3,
        quote=PlatformFeePolicy().quote(D("499.00"), 1),
        gateway="payu",
        expires_at=NOW + timedelta(minutes=15),
        now=NOW,
    )
    o.id = 41
    o.mark_paid(Capture("999", o.amount), NOW)
    return o


def test_a_guest_gets_everything_back_until_24_hours_before_the_start() -> None:
    policy = RefundPolicy()
    o = paid_order()
    assert policy.for_guest_cancellation(o, START, START - timedelta(hours=24)) == D("548.90")
    assert policy.for_guest_cancellation(o, START, NOW) == D("548.90")
    assert policy.for_guest_cancellation(o, START, START - timedelta(hours=23, minutes=59)) == D("0.00")
    assert policy.for_guest_cancellation(o, START, START + timedelta(hours=1)) == D("0.00")


def test_the_notice_is_a_setting() -> None:
    policy = RefundPolicy(full_refund_notice=timedelta(hours=2))
    assert policy.for_guest_cancellation(paid_order(), START, START - timedelta(hours=3)) == D("548.90")


def test_a_cancelled_event_and_an_unfulfilled_capture_refund_what_is_left() -> None:
    policy = RefundPolicy()
    o = paid_order()
    assert policy.for_event_cancellation(o) == D("548.90")
    o.add_refund(D("48.90"), NOW)
    assert policy.for_event_cancellation(o) == D("500.00")
    assert policy.for_unfulfilled_capture(o) == D("500.00")


def test_one_full_refund_key_per_order() -> None:
    o = paid_order()
    assert full_refund_key(o) == f"{o.order_id}:full"


def test_refund_tokens_fit_payu() -> None:
    tokens = {new_refund_token() for _ in range(500)}
    assert len(tokens) == 500
    assert all(len(t) == 20 <= 23 and t.isalnum() and t.startswith("LR") for t in tokens)


def test_a_refund_opens_pending_with_its_token() -> None:
    o = paid_order()
    r = Refund.open(o, o.amount, RefundReason.GUEST_CANCELLED, full_refund_key(o), NOW)
    assert (r.id, r.order_id, r.amount, r.status, r.attempts) == (0, 41, D("548.90"), RefundStatus.PENDING, 0)
    assert r.idempotency_key == f"{o.order_id}:full"
    assert len(r.token) == 20


def test_a_refund_cannot_exceed_what_was_paid_or_refund_nothing() -> None:
    o = paid_order()
    with pytest.raises(RefundNotAllowed):
        Refund.open(o, D("548.91"), RefundReason.GUEST_CANCELLED, "k", NOW)
    with pytest.raises(RefundNotAllowed):
        Refund.open(o, D("0"), RefundReason.GUEST_CANCELLED, "k", NOW)
    unpaid = PaymentOrder.open(
        event_id=5,
        member_id=9,
        host_id=3,
        quote=PlatformFeePolicy().quote(D("10"), 1),
        gateway="payu",
        expires_at=NOW + timedelta(minutes=1),
        now=NOW,
    )
    with pytest.raises(RefundNotAllowed, match="Nothing was paid"):
        Refund.open(unpaid, D("1"), RefundReason.GUEST_CANCELLED, "k", NOW)


def test_accepted_then_succeeded() -> None:
    o = paid_order()
    r = Refund.open(o, o.amount, RefundReason.EVENT_CANCELLED, "k", NOW)
    r.sent(NOW)
    r.accepted("131278422", NOW)
    assert (r.status, r.gateway_refund_id, r.attempts) == (RefundStatus.REQUESTED, "131278422", 1)
    r.accepted("", NOW)  # the same news again changes nothing
    assert r.gateway_refund_id == "131278422"
    r.succeeded("", NOW + timedelta(days=2))
    assert (r.status, r.completed_at, r.gateway_refund_id) == (
        RefundStatus.SUCCEEDED,
        NOW + timedelta(days=2),
        "131278422",
    )
    with pytest.raises(RefundNotAllowed):
        r.failed("late news", NOW)


def test_a_refused_refund_is_final() -> None:
    o = paid_order()
    r = Refund.open(o, o.amount, RefundReason.EVENT_CANCELLED, "k", NOW)
    r.failed("", NOW)
    assert (r.status, r.failure_reason) == (RefundStatus.FAILED, "The gateway refused the refund.")
    assert r.status.is_final
    with pytest.raises(RefundNotAllowed):
        r.accepted("1", NOW)


def test_the_sweep_retries_every_refund_not_final() -> None:
    """UNFINISHED_REFUND: what both stores' ``unfinished`` read, and the partial index's predicate."""
    assert {RefundStatus.PENDING, RefundStatus.REQUESTED} == UNFINISHED_REFUND
    (index,) = [i for i in RefundRow.__table__.indexes if i.name == "ix_refunds_unfinished"]
    predicate = str(index.dialect_options["postgresql"]["where"])
    values = ", ".join(f"'{v}'" for v in sorted(s.value for s in UNFINISHED_REFUND))
    assert predicate == f"status IN ({values})"
