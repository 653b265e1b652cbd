"""The console's payout screen over HTTP on PostgreSQL: the queue by state, the payout's page, and every decision
behind the CSRF token and a fresh code, through the same use cases as ``/api/staff/payouts``."""

from __future__ import annotations

from datetime import timedelta

from loopin.entrypoints.admin.session import STEP_UP_VALID
from tests.api import admin_console
from tests.api.admin_console import STAFF_PHONE, appoint, post_form, sign_in
from tests.api.attendance_rig import Rig, app_object
from tests.api.flows import sql
from tests.api.payouts_rig import ACCOUNT, PayoutRig

console = admin_console.console  # fixture


async def status_of(payout_id: int) -> str:
    [(status,)] = await sql("SELECT status FROM payout_requests WHERE id = :i", i=payout_id)
    return str(status)


async def test_approve_and_mark_paid_take_the_token_and_a_fresh_code(console: Rig) -> None:
    api, fakes = console.client, console.fakes
    p = PayoutRig(console)
    host = await console.member()
    await p.earned(host, price="250.00", seats=[2])
    payout_id = app_object(await p.ask(host), 201)["data"]["id"]
    await appoint(console.container)
    await sign_in(api, fakes)
    fakes.clock.advance(STEP_UP_VALID + timedelta(seconds=1))  # the sign-in's own code lapses
    here = f"/admin/payouts/{payout_id}"

    queue = await api.get("/admin/payouts")
    assert queue.status_code == 200
    assert f'href="{here}"' in queue.text
    assert "₹500.00" in queue.text
    assert ACCOUNT["account_number"] not in queue.text
    assert f'href="{here}"' not in (await api.get("/admin/payouts?status=paid")).text
    assert "1–1 of 1" in (await api.get("/admin/payouts?status=all")).text
    shown = await api.get(here)
    assert 'data-testid="approve"' not in shown.text  # the form waits for a fresh code
    assert "XXXXXX5501" in shown.text
    assert ACCOUNT["account_number"] not in shown.text

    forged = await api.post(f"{here}/approve", data={}, follow_redirects=False)
    assert forged.status_code == 403
    refused = await post_form(api, f"{here}/approve", here)
    assert refused.headers["location"] == f"/admin/step-up?next={here}"
    refused = await post_form(api, f"{here}/mark-paid", here, utr="SBIN426123456789")
    assert refused.headers["location"] == f"/admin/step-up?next={here}"
    refused = await post_form(api, f"{here}/transfer-details", here)
    assert refused.headers["location"] == f"/admin/step-up?next={here}"
    assert await status_of(payout_id) == "requested"

    fakes.clock.advance(timedelta(seconds=31))
    await post_form(api, "/admin/step-up/send", f"/admin/step-up?next={here}", next=here)
    code = fakes.sms.last_code_for(STAFF_PHONE)
    confirmed = await post_form(api, "/admin/step-up/", f"/admin/step-up?next={here}", otp_code=code, next=here)
    assert confirmed.headers["location"] == here

    approved = await post_form(api, f"{here}/approve", here)
    assert approved.headers["location"] == here
    assert await status_of(payout_id) == "approved"
    transfer = await post_form(api, f"{here}/transfer-details", here)
    assert transfer.status_code == 200
    assert ACCOUNT["account_number"] in transfer.text  # the whole number, for the transfer by hand
    assert f"LPPO{payout_id}" in transfer.text
    assert transfer.headers["cache-control"] == "no-store"
    typo = await post_form(api, f"{here}/mark-paid", here, utr="12 3")
    assert typo.headers["location"] == here
    assert "The UTR is 6 to 30 letters or digits" in (await api.get(here)).text
    assert await status_of(payout_id) == "approved"
    paid = await post_form(api, f"{here}/mark-paid", here, utr="sbin426123456789")
    assert paid.headers["location"] == here
    page = (await api.get(here)).text
    assert "is paid (UTR SBIN426123456789)" in page
    assert 'data-testid="mark-paid"' not in page
    late = await post_form(api, f"{here}/mark-failed", here, reason="Beneficiary account closed")
    assert late.headers["location"] == here
    assert await status_of(payout_id) == "paid"  # a paid payout stays paid
    closed = await post_form(api, f"{here}/transfer-details", here)
    assert closed.status_code == 409  # a paid payout's account is no one's business any more
    assert ACCOUNT["account_number"] not in closed.text
    actions = [
        a
        for (a,) in await sql(
            "SELECT action FROM audit_entries WHERE target_type = 'payout_request' AND target_id = :i "
            "ORDER BY seq",
            i=payout_id,
        )
    ]
    assert actions[0] == "payout.requested"
    assert {"payout.viewed", "payout.approved", "payout.account_shown", "payout.paid"} <= set(actions)
    assert actions.count("payout.account_shown") == 1
    assert "payout.failed" not in actions
    assert (await p.summary(host))["totals"]["paid_out"] == "500.00"


async def test_a_failed_transfer_from_the_console_and_bad_input(console: Rig) -> None:
    api, fakes = console.client, console.fakes
    p = PayoutRig(console)
    host = await console.member()
    await p.earned(host, price="1500.00")
    payout_id = app_object(await p.ask(host), 201)["data"]["id"]
    await appoint(console.container)
    await sign_in(api, fakes)
    assert '<strong data-testid="payouts-due">1</strong>' in (await api.get("/admin")).text
    here = f"/admin/payouts/{payout_id}"
    await post_form(api, f"{here}/approve", here)  # the sign-in's own code is fresh
    failed = await post_form(api, f"{here}/mark-failed", here, reason="Beneficiary account closed")
    assert failed.headers["location"] == here
    assert await status_of(payout_id) == "failed"
    shown = (await api.get(here)).text
    assert "₹1,500.00 is back in the host&#39;s balance" in shown  # as the page shows the amount
    assert (await p.summary(host))["totals"]["available"] == "1500.00"
    assert '<strong data-testid="payouts-due">0</strong>' in (await api.get("/admin")).text

    assert (await api.get(f"/admin/payouts/{2**63}")).status_code == 404
    assert (await api.get("/admin/payouts/424242")).status_code == 404
    lost = await api.get("/admin/payouts?status=lost")
    assert lost.status_code == 422
    assert "The status is one of requested, approved, paid, failed, cancelled, all<" in lost.text  # as every list
    assert (await api.get("/admin/payouts?offset=-1")).status_code == 400
    nul = await post_form(api, f"{here}/mark-paid", here, utr="SBIN\x00426")
    assert nul.status_code in (303, 400, 422)
    assert await status_of(payout_id) == "failed"
