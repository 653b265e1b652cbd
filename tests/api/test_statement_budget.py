"""What the outbox costs the hot paths in statements sent to PostgreSQL (issue 12 benchmarks them).

Counted on the app's own engine: every statement and every transaction begun. Jobs go to a recorder (no worker
runs here), so only the request's own work is counted. Before the outbox, confirm-attendance sent 7 statements
and verify-otp 4, each in one transaction; the outbox adds one INSERT to a transaction with jobs, none to one
without, and removes delivered messages in batches shared by many requests. Since its reads became one
statement (issue 12, the rush), confirm-attendance sends 5.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from dishka import Provider, Scope
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from loopin.adapters.jobs.dispatch import RecordingJobDispatcher
from loopin.adapters.jobs.outbox import OutboxConfig
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings
from loopin.usecases.events.ports import EventCache
from loopin.usecases.identity.jobs import SEND_OTP_SMS
from tests.api.attendance_rig import Rig, app_error, app_object
from tests.api.payments_rig import PaymentRig
from tests.integration.conftest import recording_provider
from tests.support import Fakes, fakes_provider, push_provider


@dataclass
class Statements:
    texts: list[str] = field(default_factory=list)
    transactions: int = 0

    def touching_outbox(self) -> list[str]:
        return [t.split()[0].upper() for t in self.texts if "outbox" in t]


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[Statements]:
    seen = Statements()

    def statement(conn: Any, cursor: Any, text: str, *args: Any) -> None:
        seen.texts.append(text)

    def begin(conn: Any) -> None:
        seen.transactions += 1

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    event.listen(engine.sync_engine, "begin", begin)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", statement)
        event.remove(engine.sync_engine, "begin", begin)


@dataclass
class Counted:
    rig: Rig
    recorder: RecordingJobDispatcher
    engine: AsyncEngine
    relay: OutboxRelay


@pytest.fixture
async def counted(
    service_settings: Settings, fakes: Fakes, clean_services: None, tmp_path: Path
) -> AsyncIterator[Counted]:
    recorder = RecordingJobDispatcher()
    push = RecordingPushSender()
    settings = msgspec.structs.replace(service_settings, media_root=str(tmp_path / "media"))
    slow_acknowledgements = Provider(scope=Scope.APP)  # the batching is what is measured, not the machine's speed
    slow_acknowledgements.provide(lambda: OutboxConfig(ack_delay_seconds=30), provides=OutboxConfig, override=True)
    container = make_container(
        settings,
        fakes_provider(fakes, inline_jobs=False),
        push_provider(push),
        recording_provider(recorder),
        slow_acknowledgements,
    )
    transport = httpx.ASGITransport(app=create_app(settings, container), client=("203.0.113.7", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://loopin.test", timeout=120) as client:
            engine, relay = await container.get(AsyncEngine), await container.get(OutboxRelay)
            yield Counted(Rig(client, container, fakes, push, settings), recorder, engine, relay)
    finally:
        await container.close()


async def test_confirm_attendance_pays_one_insert(counted: Counted) -> None:
    rig = counted.rig
    host, guest = await rig.members(2)
    event_ = await rig.event(host)
    await rig.accepted(host, guest, event_.id)
    await counted.relay.settle()
    with counting(counted.engine) as seen:
        confirmed = await rig.confirm(guest, event_.id)
    assert confirmed.status_code == 200, confirmed.text
    assert seen.touching_outbox() == ["INSERT"]
    # the member, the event, the member's ticket, request and invitation and the venue's name are read by one
    # statement (ConfirmationReader); the ticket goes in; the request is written after the seats (lock order)
    # by one conditional UPDATE; the outbox row goes in before the seats, so under the event's lock only the
    # request's UPDATE runs
    assert (seen.transactions, len(seen.texts)) == (1, 5), seen.texts
    assert "FROM members LEFT OUTER JOIN events" in seen.texts[0], seen.texts[0]
    assert " ".join(seen.texts[1].split()[:3]).upper() == "INSERT INTO TICKETS", seen.texts[1]
    heads = [" ".join(t.split()[:2]).upper() for t in seen.texts[-3:]]
    assert heads == ["INSERT INTO", "UPDATE EVENTS", "UPDATE JOIN_REQUESTS"], seen.texts[-3:]
    assert "outbox" in seen.texts[-3]


async def test_verify_otp_pays_one_insert(counted: Counted) -> None:
    rig = counted.rig
    # the OTP lock (which also says whether an account holds the phone) and upsert, then a new member's INSERT
    # (nothing read first) or a returning member read under its lock, and the outbox row
    for label, statements in (("new member", 4), ("returning member", 4)):
        sent = await rig.client.post("/api/auth/signup", json={"phone_number": "+919812345678"})
        assert sent.status_code == 200
        code = str(counted.recorder.named(SEND_OTP_SMS)[-1].payload["code"])
        rig.fakes.clock.advance(timedelta(seconds=60))
        await counted.relay.settle()
        with counting(counted.engine) as seen:
            verified = await rig.client.post(
                "/api/auth/verify-otp", json={"phone_number": "+919812345678", "otp_code": code}
            )
        assert verified.status_code == 200, verified.text
        assert seen.touching_outbox() == ["INSERT"], label
        assert (seen.transactions, len(seen.texts)) == (1, statements), (label, seen.texts)


async def test_a_transaction_without_jobs_does_not_touch_the_outbox(counted: Counted) -> None:
    (member,) = await counted.rig.members(1)
    with counting(counted.engine) as seen:
        response = await counted.rig.client.get("/api/auth/profile", headers=member.headers)
    assert response.status_code == 200
    assert seen.texts
    assert seen.touching_outbox() == []


async def test_delivered_messages_are_removed_in_shared_batches(counted: Counted) -> None:
    rig = counted.rig
    host, *guests = await rig.members(21)
    event_ = await rig.event(host, max_capacity=100)
    for guest in guests:
        await rig.accepted(host, guest, event_.id)
    await counted.relay.settle()
    with counting(counted.engine) as seen:
        answers = await asyncio.gather(*(rig.confirm(guest, event_.id) for guest in guests))
        await counted.relay.settle()
    assert all(a.status_code == 200 for a in answers)
    kinds = seen.touching_outbox()
    assert kinds.count("INSERT") == 20
    assert kinds.count("DELETE") == 1, kinds


async def test_cached_feeds_and_details_send_no_sql(counted: Counted) -> None:
    """The hot reads (issue 12): a hit is one Redis round trip, the bytes rendered by the miss sent as they are."""
    rig = counted.rig
    host, reader = await rig.members(2)
    event_ = await rig.event(host)
    for path in ("/api/events", "/api/events?limit=20", f"/api/events/{event_.id}"):
        first = await rig.client.get(path, headers=reader.headers)
        assert first.status_code == 200, first.text
        with counting(counted.engine) as seen:
            again = await rig.client.get(path, headers=reader.headers)
        assert again.status_code == 200
        assert again.content == first.content
        assert (seen.transactions, seen.texts) == (0, []), path


async def test_a_feed_miss_reads_its_page_in_one_statement(counted: Counted) -> None:
    """The cold page (issue 12): the events, their total and their interests in one SELECT; a page past the end
    has no row to carry the total and counts on its own."""
    rig = counted.rig
    host, reader = await rig.members(2)
    await rig.event(host)
    for path, counts in (("/api/events", 0), ("/api/events?offset=500", 1)):
        await (await rig.container.get(EventCache)).invalidate()  # a new generation: nothing kept for it
        with counting(counted.engine) as seen:
            answer = await rig.client.get(path, headers=reader.headers)
        assert answer.status_code == 200, answer.text
        pages = [t for t in seen.texts if t.startswith("SELECT events.id")]
        assert len(pages) == 1, seen.texts
        assert "count(*)" in pages[0]
        assert "json_agg" in pages[0]
        assert not [t for t in seen.texts if "event_interests" in t and t not in pages]
        assert len([t for t in seen.texts if t.startswith("SELECT count(*)")]) == counts, seen.texts


async def test_an_event_miss_reads_who_is_reading_and_the_event_in_two_statements(counted: Counted) -> None:
    """The cold detail (issue 12): the reader's standing (member, grants, hosting) in one statement, the event with
    its host, venue and interests in another, in one transaction."""
    rig = counted.rig
    host, reader = await rig.members(2)
    event_ = await rig.event(host)
    await (await rig.container.get(EventCache)).invalidate()
    with counting(counted.engine) as seen:
        answer = await rig.client.get(f"/api/events/{event_.id}", headers=reader.headers)
    assert answer.status_code == 200, answer.text
    texts = [t for t in seen.texts if "platform_fee_config" not in t]  # the fee: once per fee cache lifetime
    assert (seen.transactions, len(texts)) == (1, 2), seen.texts
    assert "array_agg" in texts[0]
    assert "json_agg" in texts[1]
    assert "venues" in texts[1]


async def test_a_cached_detail_shows_the_host_their_number_and_no_one_else(counted: Counted) -> None:
    rig = counted.rig
    host, reader = await rig.members(2)
    event_ = await rig.event(host)
    path = f"/api/events/{event_.id}"
    for guest, number in (
        (reader, None),
        (host, host.member.phone.e164),
        (reader, None),
        (host, host.member.phone.e164),
    ):
        answer = await rig.client.get(path, headers=guest.headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["host"]["username"] == number


async def test_a_cached_private_detail_is_still_404_to_those_it_is_not_opened_to(counted: Counted) -> None:
    rig = counted.rig
    host, invited, stranger = await rig.members(3)
    event_ = await rig.event(host, is_public=False)
    assert (await rig.invite(host, event_.id, [invited.id])).status_code in (200, 201)
    path = f"/api/events/{event_.id}"
    for _ in range(2):  # the miss, then the hit
        assert (await rig.client.get(path, headers=invited.headers)).status_code == 200
        assert (await rig.client.get(path, headers=stranger.headers)).status_code == 404


async def test_a_committed_change_is_in_the_next_cached_read(counted: Counted) -> None:
    rig = counted.rig
    host, guest = await rig.members(2)
    event_ = await rig.event(host, max_capacity=5)
    path = f"/api/events/{event_.id}"
    before = await rig.client.get(path, headers=guest.headers)
    feed = await rig.client.get("/api/events", headers=guest.headers)
    assert before.json()["going_count"] == 0
    assert [e["going_count"] for e in feed.json()["data"] if e["id"] == event_.id] == [0]
    await rig.accepted(host, guest, event_.id)
    assert (await rig.confirm(guest, event_.id)).status_code == 200
    after = await rig.client.get(path, headers=guest.headers)
    feed = await rig.client.get("/api/events", headers=guest.headers)
    assert after.json()["going_count"] == 1
    assert [e["going_count"] for e in feed.json()["data"] if e["id"] == event_.id] == [1]


async def test_a_members_first_read_uses_what_another_member_kept(counted: Counted) -> None:
    """Only who they are is read (member, grants, hosting: one statement): the page and the event come from the
    cache."""
    rig = counted.rig
    host, *readers = await rig.members(5)
    event_ = await rig.event(host)
    for path, first, second in (("/api/events", *readers[:2]), (f"/api/events/{event_.id}", *readers[2:])):
        kept = await rig.client.get(path, headers=first.headers)
        with counting(counted.engine) as seen:
            answer = await rig.client.get(path, headers=second.headers)
        assert answer.status_code == 200
        assert answer.content == kept.content
        assert (seen.transactions, len(seen.texts)) == (1, 1), (path, seen.texts)
        assert "array_agg" in seen.texts[0], seen.texts  # their grants, beside their status and hosting
        assert not any("venues" in text for text in seen.texts), seen.texts  # the page and the event join them


async def test_a_sold_out_refusal_sends_no_sql_and_a_freed_seat_sells_at_once(counted: Counted) -> None:
    """The rush (issue 12): once a refusal on the database path has marked the event sold out, the next
    refusals are answered from Redis alone, with the same answer; the holder's retry still gets their ticket, and
    the seat a cancellation frees is sold to the very next confirmation (its commit cleared the marker)."""
    rig = counted.rig
    host, holder, late, later, unkept = await rig.members(5)
    event_ = await rig.event(host, max_capacity=1)
    for guest in (holder, late, later, unkept):
        await rig.accepted(host, guest, event_.id)
    ticket = await rig.confirm(holder, event_.id)
    assert ticket.status_code == 200, ticket.text
    for guest in (holder, late, later):  # the app reads the profile at launch: it is kept
        assert (await rig.client.get("/api/auth/profile", headers=guest.headers)).status_code == 200
    first = await rig.confirm(late, event_.id)  # the database path, which marks the event
    assert first.status_code == 400, first.text
    assert first.json()["error_code"] == "CAPACITY_FULL"
    await counted.relay.settle()
    with counting(counted.engine) as seen:
        answers = [await rig.confirm(guest, event_.id) for guest in (late, later, late)]
    assert (seen.transactions, seen.texts) == (0, [])
    assert all((a.status_code, a.json()) == (first.status_code, first.json()) for a in answers)
    with counting(counted.engine) as seen:  # no kept profile: the database decides, the same answer
        unkept_answer = await rig.confirm(unkept, event_.id)
    assert (unkept_answer.status_code, unkept_answer.json()) == (first.status_code, first.json())
    assert seen.texts
    retried = await rig.confirm(holder, event_.id)  # a holder never gets the marker's refusal
    assert (retried.status_code, retried.json()["ticket_id"]) == (200, ticket.json()["ticket_id"])

    cancelled = await rig.client.post(f"/api/events/{event_.id}/cancel-attendance", headers=holder.headers)
    assert cancelled.status_code == 200, cancelled.text
    sold = await rig.confirm(later, event_.id)
    assert sold.status_code == 200, sold.text
    assert (await rig.stored_event(event_.id)).seats_taken == 1
    again = await rig.confirm(late, event_.id)
    assert (again.status_code, again.json()) == (first.status_code, first.json())


async def test_a_marked_sold_out_event_refuses_without_sql(counted: Counted) -> None:
    """The rush (issue 12): once a refusal has marked the event, the next refusals are answered from Redis, free
    confirmations and paid orders alike (a paid event sells out in held seats); a holder still gets their own."""
    rig = counted.rig
    host, holder, marking, late = await rig.members(4)
    free = await rig.event(host, max_capacity=1)
    paid = await rig.event(host, max_capacity=1, is_paid=True, ticket_price=Decimal("499.00"))
    for guest in (holder, marking, late):
        await rig.client.get("/api/auth/profile", headers=guest.headers)  # the app's launch: kept profiles
        for event_ in (free, paid):
            await rig.accepted(host, guest, event_.id)
    held = app_object(await rig.confirm(holder, free.id))
    body = {"event_id": paid.id, "amount": 499.0, "seats_count": 1}
    order = app_object(await rig.client.post("/api/payments/orders", json=body, headers=holder.headers), 201)
    app_error(await rig.confirm(marking, free.id), 400, "CAPACITY_FULL")  # the database path marks it
    orders = "/api/payments/orders"
    app_error(await rig.client.post(orders, json=body, headers=marking.headers), 400, "CAPACITY_FULL")
    with counting(counted.engine) as seen:
        app_error(await rig.confirm(late, free.id), 400, "CAPACITY_FULL")
        app_error(await rig.client.post(orders, json=body, headers=late.headers), 400, "CAPACITY_FULL")
    assert (seen.transactions, seen.texts) == (0, [])
    assert app_object(await rig.confirm(holder, free.id))["ticket_id"] == held["ticket_id"]
    again = app_object(await rig.client.post(orders, json=body, headers=holder.headers), 201)
    assert again["data"]["order"]["order_id"] == order["data"]["order"]["order_id"]


async def test_a_paid_callback_marks_only_the_request_under_the_seats_lock(counted: Counted) -> None:
    """The paid rush's second half: PayU's success notice is recorded and committed first, then one transaction
    settles the order. Every write but the request's goes before the held seats are converted, so the event's row
    lock (which every callback of the rush waits for) is held over one statement and the commit. A replay is
    recognised by its record and the order's state: two statements."""
    rig = counted.rig
    pay = PaymentRig(rig)
    host, guest = await rig.members(2)
    event_ = await pay.paid_event(host, capacity=5)
    await pay.eligible(host, [guest], event_)
    url, fields = await pay.press(await pay.checkout(guest, event_), "Pay")
    await counted.relay.settle()
    with counting(counted.engine) as seen:
        answer = await pay.post_back(url, fields)
    assert answer.status_code == 303, answer.text
    heads = [" ".join(t.split()[:3]).upper() for t in seen.texts]
    # the notice; the order (then locked after the gateway's verify); the event, the buyer and their request and
    # invitation in one read (ConfirmationReader); the member's ticket, locked; the order paid and its ledger
    # transaction (three entries, one statement), the ticket, the jobs
    assert heads[:2] == ["INSERT INTO PAYMENT_NOTICES", "SELECT PAYMENT_ORDERS.ID, PAYMENT_ORDERS.ORDER_ID,"]
    assert (seen.transactions, len(seen.texts)) == (2, 12), seen.texts
    assert "FOR UPDATE" in seen.texts[2]
    assert "FROM members LEFT OUTER JOIN events" in seen.texts[3], seen.texts[3]
    assert heads[-3:] == ["INSERT INTO OUTBOX", "UPDATE EVENTS SET", "UPDATE JOIN_REQUESTS SET"], heads
    assert heads.index("UPDATE PAYMENT_ORDERS SET") < heads.index("UPDATE EVENTS SET")
    with counting(counted.engine) as seen:
        replay = await pay.post_back(url, fields)
    assert (replay.status_code, replay.headers["location"]) == (303, answer.headers["location"])
    assert (seen.transactions, len(seen.texts)) == (2, 2), seen.texts
