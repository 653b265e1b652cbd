"""The payout flow through HTTP on PostgreSQL: the money screen, a request, staff approve and record the UTR
(or the failure), the host notified in-app; every change audited; answers never unmask the number; hostile
input a clear 4xx."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object
from tests.api.flows import sql
from tests.api.payouts_rig import ACCOUNT, PayoutRig

inline_rig = attendance_rig.inline_rig  # fixture


async def test_from_a_guests_payment_to_the_hosts_bank(inline_rig: Rig) -> None:
    p = PayoutRig(inline_rig)
    host, staff = await inline_rig.member(), await p.staff()  # tokens minted before the clock moves on
    event = await p.earned(host, price="499.00", seats=[2, 1])  # 3 x round2(499 x 1.1) = 3 x 548.90
    s = await p.summary(host)
    assert s["totals"] == {
        "gross_sales": "1646.70",
        "platform_fee": "149.70",
        "refunds": "0.00",
        "host_share": "1497.00",
        "in_flight": "0.00",
        "paid_out": "0.00",
        "pending": "0.00",
        "available": "1497.00",
    }
    [e] = s["events"]
    assert (e["event_id"], e["settled"], e["available"]) == (event.id, True, "1497.00")
    assert (s["currency"], s["minimum_payout"], s["settlement_delay_hours"]) == ("INR", "100.00", 48)
    asked = app_object(await p.ask(host), 201)["data"]
    assert (asked["amount"], asked["status"], asked["bank_account"]["masked_account_number"]) == (
        "1497.00",
        "requested",
        "XXXXXX5501",
    )
    assert asked["allocations"] == [{"event_id": event.id, "amount": "1497.00"}]
    mine = app_object(await inline_rig.client.get("/api/payouts/requests", headers=host.headers))
    assert ([x["id"] for x in mine["data"]], mine["pagination"]) == (
        [asked["id"]],
        {"offset": 0, "limit": 20, "total": 1},
    )
    queue = app_object(await inline_rig.client.get("/api/staff/payouts?status=requested", headers=staff.headers))
    assert [x["id"] for x in queue["data"]] == [asked["id"]]
    approved = app_object(await p.decide(staff, asked["id"], "approve"))["data"]
    assert (approved["status"], approved["approved_by"]) == ("approved", staff.id)
    paid = app_object(await p.decide(staff, asked["id"], "mark-paid", utr="SBIN426123456789"))["data"]
    assert (paid["status"], paid["utr"]) == ("paid", "SBIN426123456789")
    s = await p.summary(host)
    assert (s["totals"]["paid_out"], s["totals"]["available"], s["in_flight"]) == ("1497.00", "0.00", None)
    [(paid_total,)] = await sql("SELECT SUM(amount) FROM payout_requests WHERE status = 'paid'")
    assert paid_total == Decimal("1497.00")
    actions = [
        a
        for (a,) in await sql("SELECT action FROM audit_entries WHERE target_type = 'payout_request' ORDER BY seq")
    ]
    assert actions == ["payout.requested", "payouts.viewed", "payout.approved", "payout.paid"]
    [(template,)] = await sql(
        "SELECT template FROM notifications WHERE recipient_id = :h AND template LIKE 'payout%'", h=host.id
    )
    assert template == "payout_paid"
    for body in (str(asked), str(mine), str(queue), str(paid), str(s)):
        assert ACCOUNT["account_number"] not in body


async def test_a_failed_transfer_puts_the_money_back(inline_rig: Rig) -> None:
    p = PayoutRig(inline_rig)
    host, staff = await inline_rig.member(), await p.staff()
    await p.earned(host, seats=[3])
    asked = app_object(await p.ask(host), 201)["data"]
    app_error(
        await p.decide(staff, asked["id"], "mark-failed", reason="Account closed"), 409, "PAYOUT_STATE_CHANGED"
    )
    app_object(await p.decide(staff, asked["id"], "approve"))
    failed = app_object(await p.decide(staff, asked["id"], "mark-failed", reason="Beneficiary account closed"))
    assert failed["data"]["status"] == "failed"
    assert await p.available(host) == Decimal("300.00")
    [(template,)] = await sql(
        "SELECT template FROM notifications WHERE recipient_id = :h AND template LIKE 'payout%'", h=host.id
    )
    assert template == "payout_failed"
    [(balance,)] = await sql(
        "SELECT -SUM(amount) FROM ledger_entries WHERE account = :a", a=f"host_payable:{host.id}"
    )
    assert balance == Decimal("300.00")


async def test_staff_routes_are_staff_only_and_others_payouts_invisible(inline_rig: Rig) -> None:
    p = PayoutRig(inline_rig)
    host, stranger = await inline_rig.members(2)
    await p.earned(host, seats=[2])
    asked = app_object(await p.ask(host), 201)["data"]
    app_error(await inline_rig.client.get("/api/staff/payouts", headers=host.headers), 403)
    app_error(await p.decide(host, asked["id"], "approve"), 403)
    app_error(
        await inline_rig.client.post(f"/api/payouts/requests/{asked['id']}/cancel", headers=stranger.headers),
        404,
        "PAYOUT_NOT_FOUND",
    )
    assert app_object(await inline_rig.client.get("/api/payouts/requests", headers=stranger.headers))["data"] == []
    cancelled = app_object(
        await inline_rig.client.post(f"/api/payouts/requests/{asked['id']}/cancel", headers=host.headers)
    )
    assert cancelled["data"]["status"] == "cancelled"
    assert await p.available(host) == Decimal("200.00")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"amount": 1e308}, 422),
        ({"amount": "1e9999"}, 422),
        ({"amount": "NaN"}, 422),
        ({"amount": "Infinity"}, 422),
        ({"amount": -100}, 422),
        ({"amount": 0}, 422),
        ({"amount": "12.345"}, 422),
        ({"amount": True}, 422),
        ({"amount": "1\u0000"}, 422),
        ({"amount": [1]}, 422),
        ({"amount": 99999999}, 400),  # a plausible number above what is available
        ({"bank_account_id": 2**63}, 422),
        ({"bank_account_id": 2**63 - 1}, 404),
        ({"bank_account_id": -1}, 422),
        ({"bank_account_id": 1.5}, 422),
    ],
)
async def test_hostile_requests_are_4xx_and_draw_nothing(
    inline_rig: Rig, body: dict[str, Any], status: int
) -> None:
    p = PayoutRig(inline_rig)
    host = await inline_rig.member()
    await p.earned(host, seats=[2])
    answer = await p.ask(host, **body)
    app_error(answer, status)
    assert await sql("SELECT id FROM payout_requests") == []
    assert await p.available(host) == Decimal("200.00")


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("mark-paid", {"utr": "UTR\u0000123456"}),
        ("mark-paid", {"utr": "x" * 5000}),
        ("mark-paid", {"utr": "<script>"}),
        ("mark-paid", {}),
        ("mark-failed", {"reason": ""}),
        ("mark-failed", {"reason": 5}),
    ],
)
async def test_hostile_staff_decisions_are_4xx(inline_rig: Rig, action: str, body: dict[str, Any]) -> None:
    p = PayoutRig(inline_rig)
    host, staff = await inline_rig.member(), await p.staff()
    await p.earned(host, seats=[2])
    asked = app_object(await p.ask(host), 201)["data"]
    app_object(await p.decide(staff, asked["id"], "approve"))
    answer = await p.decide(staff, asked["id"], action, **body)
    assert answer.status_code == 422, answer.text
    for payout_id in ("0", str(2**63), "99999"):
        assert (await p.decide(staff, payout_id, "approve")).status_code == 404  # type: ignore[arg-type]
    [(status,)] = await sql("SELECT status FROM payout_requests")
    assert status == "approved"
