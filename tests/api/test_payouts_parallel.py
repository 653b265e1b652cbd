"""Payouts under parallel requests on PostgreSQL (httpx on the test's loop calls the app in-process with
``asyncio.gather``, each request with its own pooled session):

- 20 payout requests at once for one host's balance: one 201, nineteen clear 409s, the paid total = the balance;
- staff approving at once, recording different UTRs at once, paid racing failed: one outcome each, one ledger
  transaction per outcome.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal

from loopin.domain.identity.member import Role
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object
from tests.api.flows import sql
from tests.api.payouts_rig import PayoutRig

rig = attendance_rig.rig  # fixture


async def ledger_kinds(payout_id: int) -> list[str]:
    rows = await sql("SELECT kind FROM ledger_transactions WHERE payout_id = :p ORDER BY id", p=payout_id)
    return [k for (k,) in rows]


async def test_twenty_requests_at_once_pay_the_balance_once(rig: Rig) -> None:
    p = PayoutRig(rig)
    host, staff = await rig.member(), await p.staff()  # tokens minted before the clock moves on
    await p.earned(host, seats=[2, 3, 1])  # 6 seats at 100.00: 600.00
    balance = await p.available(host)
    assert balance == Decimal("600.00")
    answers = await asyncio.gather(*(p.ask(host) for _ in range(20)))
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 19}, [a.text for a in answers]
    for refused in (a for a in answers if a.status_code == 409):
        app_error(refused, 409, "PAYOUT_IN_PROGRESS")
    [won] = [app_object(a, 201)["data"] for a in answers if a.status_code == 201]
    app_object(await p.decide(staff, won["id"], "approve"))
    app_object(await p.decide(staff, won["id"], "mark-paid", utr="UTR20PARALLEL01"))
    [(paid, count)] = await sql("SELECT SUM(amount), COUNT(*) FROM payout_requests WHERE host_id = :h", h=host.id)
    assert (paid, count) == (balance, 1)
    assert await p.available(host) == Decimal("0.00")
    assert await ledger_kinds(won["id"]) == ["payout_drawn", "payout_paid"]


async def test_staff_racing_on_one_payout_get_one_outcome(rig: Rig) -> None:
    p = PayoutRig(rig)
    host = await rig.member()
    staff = await rig.members(10, role=Role.STAFF)
    await p.earned(host, seats=[4])
    payout_id = app_object(await p.ask(host), 201)["data"]["id"]
    approvals = await asyncio.gather(*(p.decide(s, payout_id, "approve") for s in staff))
    assert Counter(a.status_code for a in approvals) == {200: 1, 409: 9}
    utrs = await asyncio.gather(
        *(p.decide(s, payout_id, "mark-paid", utr=f"UTRRACE{n:06d}") for n, s in enumerate(staff))
    )
    assert Counter(a.status_code for a in utrs) == {200: 1, 409: 9}
    [(status, utr)] = await sql("SELECT status, utr FROM payout_requests WHERE id = :p", p=payout_id)
    winner = next(app_object(a)["data"]["utr"] for a in utrs if a.status_code == 200)
    assert (status, utr) == ("paid", winner)
    assert await ledger_kinds(payout_id) == ["payout_drawn", "payout_paid"]


async def test_paid_racing_failed_is_one_or_the_other(rig: Rig) -> None:
    p = PayoutRig(rig)
    host = await rig.member()
    a, b = await rig.members(2, role=Role.STAFF)
    await p.earned(host, seats=[2])
    payout_id = app_object(await p.ask(host), 201)["data"]["id"]
    app_object(await p.decide(a, payout_id, "approve"))
    answers = await asyncio.gather(
        *(
            p.decide(a, payout_id, "mark-paid", utr=f"UTRMIX{n:06d}")
            if n % 2
            else p.decide(b, payout_id, "mark-failed", reason="Bounced")
            for n in range(10)
        )
    )
    assert Counter(x.status_code for x in answers) == {200: 1, 409: 9}
    [(status,)] = await sql("SELECT status FROM payout_requests WHERE id = :p", p=payout_id)
    kinds = await ledger_kinds(payout_id)
    if status == "paid":
        assert (kinds, await p.available(host)) == (["payout_drawn", "payout_paid"], Decimal("0.00"))
    else:
        assert (kinds, await p.available(host)) == (["payout_drawn", "payout_returned"], Decimal("200.00"))
