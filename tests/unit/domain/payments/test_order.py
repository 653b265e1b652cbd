"""The order state machine: every transition allowed or refused, the hold, captures and refunds."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.payments.errors import InvalidOrderTransition
from loopin.domain.payments.fee import PlatformFeePolicy
from loopin.domain.payments.order import (
    OPEN_STATUSES,
    Capture,
    OrderStatus,
    PaymentOrder,
    is_order_id,
    new_order_id,
    sources_of,
)

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
S = OrderStatus
ALLOWED = {
    (S.CREATED, S.PENDING),
    (S.CREATED, S.PAID),
    (S.CREATED, S.FAILED),
    (S.CREATED, S.EXPIRED),
    (S.PENDING, S.PAID),
    (S.PENDING, S.FAILED),
    (S.PENDING, S.EXPIRED),
    (S.PAID, S.REFUNDED),
    (S.FAILED, S.REFUNDED),
    (S.EXPIRED, S.PAID),
    (S.EXPIRED, S.REFUNDED),
}


def order(status: OrderStatus = S.CREATED, seats: int = 2) -> PaymentOrder:
    o = PaymentOrder.open(
        event_id=5,
        member_id=9,
        host_id=3,
        quote=PlatformFeePolicy().quote(D("499.00"), seats),
        gateway="payu",
        expires_at=NOW + timedelta(minutes=15),
        now=NOW,
    )
    o.status = status
    return o


def capture(o: PaymentOrder, amount: D | None = None) -> Capture:
    return Capture("403993715521889530", amount if amount is not None else o.amount, "721522")


def test_the_app_vocabulary_exactly() -> None:
    assert [s.value for s in S] == ["created", "pending", "paid", "failed", "expired", "refunded"]


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)))
def test_every_transition_is_allowed_or_refused(source: OrderStatus, target: OrderStatus) -> None:
    o = order(source)
    assert o.can_become(target) is ((source, target) in ALLOWED)
    assert (source in sources_of(target)) is ((source, target) in ALLOWED)
    moves = {
        S.PENDING: lambda: o.mark_pending(NOW, NOW),
        S.PAID: lambda: o.mark_paid(capture(o), NOW),
        S.FAILED: lambda: o.mark_failed("bank said no", NOW),
        S.EXPIRED: lambda: o.expire(NOW),
    }
    if target not in moves:
        return  # refunded is reached through add_refund (below)
    if (source, target) in ALLOWED:
        moves[target]()
        assert o.status is target
    else:
        with pytest.raises(InvalidOrderTransition):
            moves[target]()
        assert o.status is source


def test_a_new_order_holds_its_seats_until_its_window_ends() -> None:
    o = order()
    assert (o.id, o.status, o.seats, o.amount, o.currency) == (0, S.CREATED, 2, D("1097.80"), "INR")
    assert o.holds_seats
    assert not o.is_overdue(NOW + timedelta(minutes=14, seconds=59))
    assert o.is_overdue(NOW + timedelta(minutes=15))
    assert not o.is_captured
    assert o.refundable_amount == D("0.00")


def test_only_created_and_pending_hold_seats() -> None:
    assert {S.CREATED, S.PENDING} == OPEN_STATUSES
    assert [s for s in S if s.holds_seats] == [S.CREATED, S.PENDING]
    o = order()
    o.expire(NOW + timedelta(minutes=15))
    assert not o.holds_seats
    assert not o.is_overdue(NOW + timedelta(days=1))
    assert o.closed_at == NOW + timedelta(minutes=15)


def test_order_ids_are_short_unique_and_safe_in_a_payu_hash() -> None:
    ids = {new_order_id(NOW) for _ in range(1000)}
    assert len(ids) == 1000
    for reference in ids:
        assert reference.startswith("LP300101")
        assert len(reference) == 20 <= 25
        assert reference.isascii()
        assert reference.isalnum()
        assert is_order_id(reference)


@pytest.mark.parametrize("reference", ["", "A|B", "A" * 26, "ORDER-1", "LP\u0661\u0662"])
def test_what_is_not_an_order_id(reference: str) -> None:
    """Neither opened nor looked up: not ASCII letters and digits, or longer than PayU's txnid."""
    assert not is_order_id(reference)


def test_an_order_refuses_a_bad_id_a_past_window_or_nothing_to_charge() -> None:
    quote = PlatformFeePolicy().quote(D("100"), 1)
    base = {"event_id": 1, "member_id": 2, "host_id": 3, "gateway": "payu", "now": NOW}
    with pytest.raises(ValueError, match="25 ASCII"):
        PaymentOrder.open(quote=quote, expires_at=NOW + timedelta(minutes=1), order_id="A|B", **base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="25 ASCII"):
        PaymentOrder.open(quote=quote, expires_at=NOW + timedelta(minutes=1), order_id="A" * 26, **base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="future"):
        PaymentOrder.open(quote=quote, expires_at=NOW, **base)  # type: ignore[arg-type]
    free = PlatformFeePolicy().quote(D("0"), 1)
    with pytest.raises(ValueError, match="charges something"):
        PaymentOrder.open(quote=free, expires_at=NOW + timedelta(minutes=1), **base)  # type: ignore[arg-type]


def test_paid_records_the_capture() -> None:
    o = order()
    o.mark_paid(capture(o), NOW + timedelta(minutes=3))
    assert o.status is S.PAID
    assert (o.gateway_payment_id, o.bank_ref_num, o.captured_amount) == ("403993715521889530", "721522", o.amount)
    assert o.captured_at == o.closed_at == NOW + timedelta(minutes=3)
    assert o.refundable_amount == o.amount


def test_a_capture_of_another_amount_is_refused() -> None:
    o = order()
    with pytest.raises(InvalidOrderTransition, match="order is for"):
        o.mark_paid(capture(o, D("1.00")), NOW)
    assert o.status is S.CREATED
    assert not o.is_captured


def test_a_late_capture_on_an_expired_order_may_still_pay_it() -> None:
    o = order()
    o.expire(NOW + timedelta(minutes=15))
    o.mark_paid(capture(o), NOW + timedelta(minutes=20))
    assert o.status is S.PAID


@pytest.mark.parametrize("status", [S.FAILED, S.EXPIRED])
def test_an_unfulfilled_capture_is_kept_then_refunded_in_full(status: OrderStatus) -> None:
    o = order(status)
    o.record_unfulfilled_capture(capture(o), NOW)
    assert o.status is status
    assert o.refundable_amount == o.amount
    with pytest.raises(InvalidOrderTransition, match="already recorded"):
        o.record_unfulfilled_capture(capture(o), NOW)
    o.add_refund(o.amount, NOW)
    assert o.status is S.REFUNDED
    assert o.refundable_amount == D("0.00")


@pytest.mark.parametrize("status", [S.CREATED, S.PENDING, S.PAID, S.REFUNDED])
def test_only_released_orders_take_an_unfulfilled_capture(status: OrderStatus) -> None:
    o = order(status)
    with pytest.raises(InvalidOrderTransition):
        o.record_unfulfilled_capture(capture(o), NOW)


def test_refunds_count_until_the_whole_amount_makes_it_refunded() -> None:
    o = order()
    o.mark_paid(capture(o), NOW)
    o.add_refund(D("100.00"), NOW)
    assert (o.status, o.refunded_amount, o.refundable_amount) == (S.PAID, D("100.00"), D("997.80"))
    with pytest.raises(InvalidOrderTransition, match=r"997\.80 is refundable"):
        o.add_refund(D("997.81"), NOW)
    with pytest.raises(InvalidOrderTransition):
        o.add_refund(D("0.00"), NOW)
    o.add_refund(D("997.80"), NOW)
    assert o.status is S.REFUNDED
    with pytest.raises(InvalidOrderTransition):
        o.add_refund(D("0.01"), NOW)


def test_nothing_captured_means_nothing_to_refund() -> None:
    o = order()
    with pytest.raises(InvalidOrderTransition):
        o.add_refund(D("1.00"), NOW)


def test_pending_keeps_the_hold_at_least_as_long_again() -> None:
    o = order()
    o.mark_pending(NOW + timedelta(minutes=14), NOW + timedelta(minutes=29))
    assert (o.status, o.expires_at) == (S.PENDING, NOW + timedelta(minutes=29))
    assert o.holds_seats
    early = order()
    early.mark_pending(NOW, NOW + timedelta(minutes=5))
    assert early.expires_at == NOW + timedelta(minutes=15)  # never shortened


def test_a_failure_keeps_a_reason() -> None:
    o = order()
    o.mark_failed("  ", NOW)
    assert o.failure_reason == "Payment failed"
    other = order()
    other.mark_failed("x" * 900, NOW)
    assert len(other.failure_reason) == 500
