"""Ledger transactions balance to the paisa, per transaction and per event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.payments import ledger
from loopin.domain.payments.fee import PlatformFeePolicy
from loopin.domain.payments.ledger import LedgerEntry, LedgerKind, LedgerTransaction, UnbalancedTransaction
from loopin.domain.payments.order import Capture, OrderStatus, PaymentOrder
from loopin.domain.payments.refund import Refund, RefundReason, full_refund_key

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)


def order(base: str = "99.95", seats: int = 3, pct: str = "10.00") -> PaymentOrder:
    o = PaymentOrder.open(
        event_id=5,
        member_id=9,
        host_id=3,
        quote=PlatformFeePolicy(D(pct)).quote(D(base), seats),
        gateway="payu",
        expires_at=NOW + timedelta(minutes=15),
        now=NOW,
    )
    o.id = 17
    return o


def test_a_payment_splits_the_amount_between_host_and_platform_to_the_paisa() -> None:
    o = order()
    o.mark_paid(Capture("1", o.amount), NOW)
    txn = ledger.payment_captured(o, NOW)
    assert txn.kind is LedgerKind.PAYMENT
    assert txn.key == f"order:{o.order_id}:capture"
    assert (txn.event_id, txn.order_id, txn.currency) == (5, 17, "INR")
    assert txn.total("payu_receivable") == D("329.85")
    assert txn.total("host_payable:3") == D("-299.85")
    assert txn.total("platform_fee_revenue") == D("-30.00")  # 29.985 rounded per order + 0.015 residue


def test_a_zero_fee_leaves_no_empty_entry() -> None:
    o = order("100.00", 1, "0.00")
    o.mark_paid(Capture("1", o.amount), NOW)
    txn = ledger.payment_captured(o, NOW)
    assert [e.account for e in txn.entries] == ["payu_receivable", "host_payable:3"]


def test_a_full_refund_exactly_reverses_the_split_then_leaves_the_gateway() -> None:
    o = order("1.15", 7)
    o.mark_paid(Capture("1", o.amount), NOW)
    refund = Refund.open(o, o.amount, RefundReason.GUEST_CANCELLED, full_refund_key(o), NOW)
    o.add_refund(refund.amount, NOW)
    txns = [ledger.payment_captured(o, NOW)]
    owed = ledger.refund_owed(o, refund, NOW)
    assert owed is not None
    txns += [owed, ledger.refund_paid(o, refund, NOW)]
    assert {t.key for t in txns} == {
        f"order:{o.order_id}:capture",
        f"refund:{o.order_id}:full:owed",
        f"refund:{o.order_id}:full:paid",
    }
    assert o.status is OrderStatus.REFUNDED
    assert all(v == D("0.00") for v in ledger.balances(txns).values())


def test_a_partial_refund_splits_in_proportion_and_still_balances() -> None:
    o = order("99.95", 3)
    o.mark_paid(Capture("1", o.amount), NOW)
    refund = Refund.open(o, D("109.95"), RefundReason.GUEST_CANCELLED, "partial-1", NOW)
    owed = ledger.refund_owed(o, refund, NOW)
    assert owed is not None
    assert owed.total("platform_fee_revenue") == D("10.00")  # 30.00 x 109.95 / 329.85
    assert owed.total("host_payable:3") == D("99.95")
    assert owed.total("refunds_payable") == D("-109.95")


def test_an_unfulfilled_capture_owes_everything_back_and_never_touches_the_host() -> None:
    o = order("499.00", 1)
    o.expire(NOW)
    o.record_unfulfilled_capture(Capture("1", o.amount), NOW)
    capture = ledger.unfulfilled_capture(o, NOW)
    assert capture.key == f"order:{o.order_id}:capture"  # one capture per order, whichever way it went
    refund = Refund.open(o, o.amount, RefundReason.UNFULFILLED, full_refund_key(o), NOW)
    assert ledger.refund_owed(o, refund, NOW) is None
    paid = ledger.refund_paid(o, refund, NOW)
    totals = ledger.balances([capture, paid])
    assert all(v == D("0.00") for v in totals.values())
    assert not any(a.startswith("host_payable") for a in totals)


def test_per_event_sums_balance_and_the_host_share_is_a_simple_sum() -> None:
    txns = []
    for base, seats in [("499.00", 1), ("499.00", 2), ("99.95", 3), ("1.15", 7)]:
        o = order(base, seats)
        o.mark_paid(Capture("1", o.amount), NOW)
        txns.append(ledger.payment_captured(o, NOW))
    totals = ledger.balances(txns)
    assert sum(totals.values()) == D("0.00")
    host_share = -totals["host_payable:3"]
    fee = -totals["platform_fee_revenue"]
    assert totals["payu_receivable"] == host_share + fee
    assert host_share == D("499.00") + D("998.00") + D("299.85") + D("8.05")


def test_an_unbalanced_or_degenerate_transaction_cannot_exist() -> None:
    with pytest.raises(UnbalancedTransaction, match="sum to"):
        LedgerTransaction(
            "k", LedgerKind.PAYMENT, 1, 1, (LedgerEntry("a", D("1.00")), LedgerEntry("b", D("-0.99"))), NOW
        )
    with pytest.raises(UnbalancedTransaction, match="two accounts"):
        LedgerTransaction("k", LedgerKind.PAYMENT, 1, 1, (LedgerEntry("a", D("1.00")),), NOW)
    for amount in (D("0.00"), D("0.001"), D("NaN")):
        with pytest.raises(UnbalancedTransaction):
            LedgerEntry("a", amount)
    with pytest.raises(UnbalancedTransaction):
        LedgerEntry("", D("1.00"))
