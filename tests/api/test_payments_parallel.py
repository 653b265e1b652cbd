"""Payments under parallel requests on PostgreSQL (the requests really overlap: an httpx client on the test's
loop calls the app in-process with ``asyncio.gather``, each request with its own pooled session).

- 200 buyers order at once for 50 seats: exactly 50 held, the rest a clear 400, no 5xx;
- 100 copies of one success callback at once: one ticket, one ledger capture;
- success and failure racing: the first verified outcome wins, the other is recorded and changes nothing;
- the expiry sweep, another buyer and a late success racing: never oversold, the late money refunded.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from dishka import Provider, Scope

from loopin.adapters.payments.sandbox import SandboxGateway
from loopin.entrypoints.settings import Settings
from loopin.usecases.payments.holds import ExpireHolds
from loopin.usecases.payments.ports import Outcome, PaymentGateway, PaymentNotice, PaymentVerdict
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object, open_rig, with_media
from tests.api.flows import sql
from tests.api.payments_rig import PaymentRig
from tests.support import Fakes

rig = attendance_rig.rig  # fixture

SEATS, BUYERS = 50, 200


async def state(event_id: int) -> tuple[int, int, int]:
    [(taken, held, tickets)] = await sql(
        "SELECT seats_taken, seats_held, (SELECT COALESCE(SUM(seats), 0) FROM tickets t "
        "WHERE t.event_id = e.id AND t.status <> 'cancelled') FROM events e WHERE id = :e",
        e=event_id,
    )
    return taken, held, tickets


async def test_two_hundred_buyers_at_once_hold_exactly_fifty_seats(rig: Rig) -> None:
    pay = PaymentRig(rig)
    host, *buyers = await rig.members(1 + BUYERS)
    event = await pay.paid_event(host, capacity=SEATS)
    await pay.eligible(host, buyers, event)
    answers = await asyncio.gather(*(pay.order(b, event) for b in buyers))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: SEATS, 400: BUYERS - SEATS}, statuses
    for refused in (a for a in answers if a.status_code == 400):
        app_error(refused, 400, "CAPACITY_FULL")
    assert await state(event.id) == (0, SEATS, 0)
    [(orders, open_orders, members)] = await sql(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'created'), COUNT(DISTINCT member_id) "
        "FROM payment_orders WHERE event_id = :e",
        e=event.id,
    )
    assert (orders, open_orders, members) == (SEATS, SEATS, SEATS)


async def test_a_hundred_copies_of_one_success_callback_make_one_ticket_and_one_capture(rig: Rig) -> None:
    pay = PaymentRig(rig)
    host, guest = await rig.members(2)
    event = await pay.paid_event(host, capacity=5)
    await pay.eligible(host, [guest], event)
    checkout = await pay.checkout(guest, event)
    url, fields = await pay.press(checkout, "Pay")
    answers = await asyncio.gather(*(pay.post_back(url, fields) for _ in range(100)))
    assert Counter(a.status_code for a in answers) == {303: 100}
    assert {httpx.URL(a.headers["location"]).params["status"] for a in answers} == {"paid"}
    assert await state(event.id) == (1, 0, 1)
    [(tickets,)] = await sql("SELECT COUNT(*) FROM tickets WHERE event_id = :e", e=event.id)
    [(captures, entries)] = await sql(
        "SELECT COUNT(DISTINCT t.id), COUNT(e.id) FROM ledger_transactions t JOIN ledger_entries e "
        "ON e.transaction_id = t.id WHERE t.event_id = :e",
        e=event.id,
    )
    [(notices,)] = await sql("SELECT COUNT(*) FROM payment_notices WHERE txnid = :t", t=checkout.order_id)
    assert (tickets, captures, entries, notices) == (1, 1, 3, 1)  # the same delivery is recorded once
    assert await pay.status(guest, checkout.order_id) == "paid"


@pytest.mark.parametrize("truth", ["success", "failure"])
async def test_success_and_failure_racing_settle_on_the_gateways_one_truth(rig: Rig, truth: str) -> None:
    """Both notices are correctly signed; the gateway's own record (verify) decides, and it never flips."""
    pay = PaymentRig(rig)
    host, guest = await rig.members(2)
    event = await pay.paid_event(host, capacity=5)
    await pay.eligible(host, [guest], event)
    checkout = await pay.checkout(guest, event)
    _, recorded = await pay.press(checkout, "Pay" if truth == "success" else "Fail")
    sandbox = await pay.sandbox()
    other_status = "failure" if truth == "success" else "success"
    forged_claim = {**recorded, "status": other_status}
    forged_claim["hash"] = sandbox._signer.reverse_hash(forged_claim)  # signed, yet not what happened
    surl, furl = checkout.payload["surl"], checkout.payload["furl"]
    answers = await asyncio.gather(
        *(pay.post_back(surl if n % 2 else furl, recorded if n % 2 else forged_claim) for n in range(20))
    )
    assert {a.status_code for a in answers} == {303}
    expected = "paid" if truth == "success" else "failed"
    assert await pay.status(guest, checkout.order_id) == expected
    assert await state(event.id) == ((1, 0, 1) if truth == "success" else (0, 0, 0))
    [(notices, refunds)] = await sql(
        "SELECT (SELECT COUNT(*) FROM payment_notices WHERE txnid = :t), "
        "(SELECT COUNT(*) FROM refunds r JOIN payment_orders o ON o.id = r.order_id WHERE o.order_id = :t)",
        t=checkout.order_id,
    )
    assert (notices, refunds) == (2, 0)  # each delivery recorded once (10 copies each); no money moved back


_claim: contextvars.ContextVar[Outcome] = contextvars.ContextVar("claim")


class ChangingGateway(SandboxGateway):
    """A gateway that confirms whatever each notice claims (as if PayU changed its mind between two calls):
    only the database's conditional transitions decide which outcome wins."""

    def read_notice(self, fields: Mapping[str, str]) -> PaymentNotice:
        notice = super().read_notice(fields)
        _claim.set(notice.outcome)
        return notice

    async def verify(self, txnid: str) -> PaymentVerdict:
        verdict = await super().verify(txnid)
        claim = _claim.get(verdict.outcome)
        return PaymentVerdict(
            txnid, claim, verdict.amount, verdict.gateway_payment_id or "1", verdict.bank_ref_num
        )


@pytest.fixture
async def changing_rig(
    service_settings: Settings, fakes: Fakes, clean_services: None, tmp_path: Path
) -> AsyncIterator[Rig]:
    settings = with_media(service_settings, tmp_path)
    override = Provider(scope=Scope.APP)

    def changing(sandbox: SandboxGateway) -> PaymentGateway:
        return ChangingGateway(settings.derived_key("payu-sandbox").hex()[:32], sandbox._records)

    override.provide(changing, provides=PaymentGateway, override=True)
    async with open_rig(settings, fakes, override) as opened:
        yield opened


async def test_when_both_outcomes_verify_the_first_wins_and_never_flips(changing_rig: Rig) -> None:
    pay = PaymentRig(changing_rig)
    host, *guests = await changing_rig.members(11)
    event = await pay.paid_event(host, capacity=20)
    await pay.eligible(host, guests, event)
    outcomes = Counter()
    for guest in guests:
        checkout = await pay.checkout(guest, event)
        _, paid = await pay.press(checkout, "Pay")
        sandbox = await pay.sandbox()
        failed = {**paid, "status": "failure"}
        failed["hash"] = sandbox._signer.reverse_hash(failed)
        await asyncio.gather(
            pay.post_back(checkout.payload["surl"], paid), pay.post_back(checkout.payload["furl"], failed)
        )
        status = await pay.status(guest, checkout.order_id)
        outcomes[status] += 1
        [(tickets, refunds, captures)] = await sql(
            "SELECT (SELECT COUNT(*) FROM tickets t WHERE t.event_id = o.event_id AND t.member_id = o.member_id), "
            "(SELECT COUNT(*) FROM refunds r WHERE r.order_id = o.id), "
            "(SELECT COUNT(*) FROM ledger_transactions l WHERE l.order_id = o.id) "
            "FROM payment_orders o WHERE o.order_id = :t",
            t=checkout.order_id,
        )
        if status == "paid":  # success first: the failure changed nothing
            assert (tickets, refunds, captures) == (1, 0, 1)
        else:  # failure first: the success that followed is money without a ticket, refunded
            assert status == "refunded"
            assert (tickets, refunds, captures) == (0, 1, 1)  # the capture, all of it owed back to the buyer
    assert sum(outcomes.values()) == len(guests)
    taken, held, tickets = await state(event.id)
    assert (taken, held) == (outcomes["paid"], 0)
    assert tickets == taken


async def test_the_expiry_sweep_a_new_buyer_and_a_late_success_never_oversell(rig: Rig) -> None:
    """One seat, many rounds: A's hold runs out while A's bank is slow; the sweep, B's order and A's late success
    arrive together. Whatever the order, one of them has the seat and A's money is a ticket or a refund."""
    pay = PaymentRig(rig)
    outcomes = Counter()
    people = await rig.members(24)  # tokens are issued now: the clock moves on below
    for n in range(8):
        host, late, other = people[3 * n : 3 * n + 3]
        event = await pay.paid_event(host, capacity=1)
        await pay.eligible(host, [late, other], event)
        checkout = await pay.checkout(late, event)
        url, paid = await pay.press(checkout, "Pay")  # PayU has the money; the callback is still on its way
        pay.later(minutes=16)

        async def sweep() -> int:
            async with rig.container() as scope:
                return await (await scope.get(ExpireHolds))()

        _, b_order, a_callback = await asyncio.gather(sweep(), pay.order(other, event), pay.post_back(url, paid))
        assert b_order.status_code in (201, 400), b_order.text
        assert a_callback.status_code == 303, a_callback.text
        taken, held, tickets = await state(event.id)
        assert taken + held <= 1
        assert tickets == taken
        a_status = await pay.status(late, checkout.order_id)
        if a_status == "paid":
            assert (taken, held, b_order.status_code) == (1, 0, 400)
        else:
            assert a_status == "refunded"
            assert (taken, held, b_order.status_code) == (0, 1, 201)
            [(amount, status)] = await sql(
                "SELECT r.amount, r.status FROM refunds r JOIN payment_orders o ON o.id = r.order_id "
                "WHERE o.order_id = :t",
                t=checkout.order_id,
            )
            assert (amount, status) == (Decimal("548.90"), "pending")  # its job pays it back
        outcomes[a_status] += 1
    assert sum(outcomes.values()) == 8


async def test_a_success_after_the_seat_went_to_another_buyer_is_refunded(rig: Rig) -> None:
    """The race above, in its least lucky order: the sweep, then B's order, then A's late success."""
    pay = PaymentRig(rig)
    host, late, other = await rig.members(3)
    event = await pay.paid_event(host, capacity=1)
    await pay.eligible(host, [late, other], event)
    checkout = await pay.checkout(late, event)
    url, paid = await pay.press(checkout, "Pay")
    pay.later(minutes=16)
    async with rig.container() as scope:
        assert await (await scope.get(ExpireHolds))() == 1
    assert (await pay.order(other, event)).status_code == 201
    answer = await pay.post_back(url, paid)
    assert httpx.URL(answer.headers["location"]).params["status"] == "refunded"
    assert await state(event.id) == (0, 1, 0)
    order = app_object(await pay.poll(late, checkout.order_id))["data"]
    assert (order["status"], order["refunded_amount"]) == ("refunded", "548.90")
    assert [(r["reason"], r["status"]) for r in order["refunds"]] == [("unfulfilled", "pending")]
    [(accounts,)] = await sql(
        "SELECT array_agg(e.account ORDER BY e.account) FROM ledger_entries e JOIN ledger_transactions t "
        "ON t.id = e.transaction_id JOIN payment_orders o ON o.id = t.order_id WHERE o.order_id = :t",
        t=checkout.order_id,
    )
    assert accounts == ["refunds_payable", "sandbox_receivable"]  # never the host's money
