"""Events and attendance data of ``bench/run.sh``: the feed/detail data set, the rush events, the door events.

    python bench/seed_events.py --out bench/results/events   # after ``bench/seed.py seed`` (the members)

Rows are written by the project's own code: domain objects (``Venue.new``, ``Event.new``, ``Invitation.send`` +
``answer``, ``JoinRequest.open`` + ``accept``, ``Ticket.issue``), stored through the SQL repositories taken from
the dishka container (``SqlVenueRepository.find_or_add``, ``SqlEventRepository.add``/``save``,
``SqlInvitationRepository.add``) or, for the bulk (thousands of rush requests and invitations, tens of thousands
of door tickets), mapped to rows by the adapters' own functions (``copy_to_row``, ``_copy_invitation``) and
flushed in batches instead of one INSERT each. Door tickets are issued as for an accepted invitation, without
the invitation rows (the door never reads them), and each door event's ``seats_taken`` is raised to the seats
they hold. Data-set events hold no seats (``going_count`` 0, as no tickets exist for them).

The members are the ones ``bench/seed.py`` stored (``+91 97900 00000`` + i, in id order), split by index:

* ``[0, HOSTS)``: hosts of the data set (10 events each by default) and of the door events;
* ``[HOSTS, HOSTS + FEED)``: the feed/detail readers; the last ``FEED_INVITED`` of them hold pending invitations
  to private events (so their visibility, and their cache class, is their own). The feed rotation is these
  readers plus the first ``FEED_HOSTS`` hosts (hosts see their own events in every status, pinned in);
* ``[RUSH_FROM, RUSH_FROM + RUSH)``: the rush guests: 3 in 4 with an accepted join request, 1 in 4 with an
  accepted invitation, for each rush event; 1 in 5 confirms 2 seats (plus-ones allowed), the rest 1;
* the members after them: door guests, one live ticket per door event each.

Files written to ``--out``: ``feed_tokens.txt``, ``feed_prime_tokens.txt`` (one reader per feed cache class),
``detail_ids.txt`` (the ``--detail-ids`` soonest upcoming events
a member may open, shuffled), ``rush.<name>.txt`` (``token seats``), ``pay.<name>.txt`` (the paid rush: every rush
guest with an accepted request for one seat of a paid event; ``token 1``),
``door.txt`` (``event_id token secret``, shuffled across the door events), ``env.sh`` (ids for ``run.sh``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
from dishka import AsyncContainer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.attendance import _copy_invitation
from loopin.adapters.persistence.orm import InvitationRow, JoinRequestRow, TicketRow
from loopin.adapters.persistence.rows import copy_to_row
from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.domain.attendance.invitation import Invitation
from loopin.domain.attendance.request import JoinRequest
from loopin.domain.attendance.rules import answer_deadline
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import Ticket, TicketSource
from loopin.domain.events.event import AllowedGenders, Event, EventStatus, RsvpExpiryPolicy
from loopin.domain.events.venue import Venue, VenueType
from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import load_settings
from loopin.usecases.attendance.ports import InvitationRepository
from loopin.usecases.events.ports import EventRepository, SeatInventory, VenueRepository
from loopin.usecases.shared.ports import UnitOfWork

MEMBER_PREFIX = "+919790"  # bench/seed.py MEMBER_PHONE_BASE
PAY_PRICE = Decimal("499.00")  # the paid rush's base price (the buyers send it; the fee comes on top)
CITIES = [
    ("Bengaluru", 12.9716, 77.5946, "Karnataka 560001"),
    ("Mumbai", 19.0760, 72.8777, "Maharashtra 400001"),
    ("Delhi", 28.6139, 77.2090, "Delhi 110001"),
    ("Pune", 18.5204, 73.8567, "Maharashtra 411001"),
    ("Hyderabad", 17.3850, 78.4867, "Telangana 500001"),
]
WORDS = [
    "Sunset", "Jam", "Board", "Games", "Night", "Run", "Club", "Pottery", "Brunch", "Salsa", "Social", "Trivia",
    "Open", "Mic", "Book", "Circle", "Street", "Food", "Walk", "Acoustic", "Sessions", "Sketch", "Meetup",
    "Rooftop", "Cinema", "Chess", "Coffee", "Crawl", "Yoga", "Morning", "Improv", "Comedy", "Jazz",
]  # fmt: skip
DESCRIPTION = (
    "Come along, meet people who like the same things, and leave with a few new friends. We keep the group "
    "small enough to talk, the music low enough to hear each other, and the plan loose enough to enjoy it. "
)


@dataclass(frozen=True)
class Plan:
    hosts: int
    events_per_host: int
    venues: int
    feed: int
    feed_hosts: int
    feed_invited: int
    rush: int
    rush_seats: int
    rush_warm: int
    rush_warm_seats: int
    pay_seats: int
    door_events: int
    door_guests: int
    detail_ids: int

    @property
    def rush_from(self) -> int:
        return self.hosts + self.feed

    @property
    def door_from(self) -> int:
        return self.rush_from + self.rush


_STARTED = time.perf_counter()


def log(what: str) -> None:
    print(f"seed_events: {what} ({time.perf_counter() - _STARTED:.1f}s)", flush=True)


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _members() -> list[Member]:
    settings = load_settings()
    conn = await asyncpg.connect(_asyncpg_dsn(settings.database_url or ""))
    try:
        rows = await conn.fetch(
            "SELECT id, phone_number FROM members WHERE phone_number LIKE $1 ORDER BY id", MEMBER_PREFIX + "%"
        )
    finally:
        await conn.close()
    return [Member(id=r["id"], phone=PhoneNumber(r["phone_number"])) for r in rows]


async def _interest_ids(session: AsyncSession) -> list[int]:
    return list((await session.scalars(text("SELECT id FROM event_interests WHERE is_active ORDER BY id"))).all())


def _event(rng: random.Random, host_id: int, venue_id: int | None, interests: list[int], now: datetime) -> Event:
    """One data-set event: mostly public, published and upcoming; some private, draft, postponed, past, paid."""
    past = rng.random() < 0.15
    start = now - timedelta(days=rng.uniform(1, 60)) if past else now + timedelta(hours=rng.uniform(3, 24 * 90))
    start = start.replace(minute=(start.minute // 15) * 15, second=0, microsecond=0)
    roll = rng.random()
    if past:
        status = EventStatus.COMPLETED if roll < 0.6 else EventStatus.PUBLISHED
    else:
        status = (
            EventStatus.PUBLISHED
            if roll < 0.84
            else EventStatus.DRAFT
            if roll < 0.92
            else EventStatus.POSTPONED
            if roll < 0.96
            else EventStatus.CANCELLED
        )
    paid = rng.random() < 0.3
    capacity = rng.choice((0, 0, 20, 40, 60, 100, 200))
    title = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
    return Event.new(
        host_id=host_id,
        title=title,
        start_time=start,
        end_time=start + timedelta(hours=rng.choice((2, 3, 4, 5))),
        timezone="Asia/Kolkata",
        now=now - timedelta(days=rng.uniform(0, 30)),
        description=DESCRIPTION * rng.randint(1, 3),
        venue_id=venue_id,
        max_capacity=capacity,
        is_paid=paid,
        ticket_price=Decimal(rng.choice((199, 299, 499, 999))) if paid else Decimal(0),
        allow_plus_one=rng.random() < 0.7,
        allowed_genders=AllowedGenders.ALL if rng.random() < 0.9 else AllowedGenders.FEMALE,
        rsvp_expiry_policy=rng.choice(list(RsvpExpiryPolicy)),
        status=status,
        is_public=rng.random() < 0.85,
        interest_ids=tuple(rng.sample(interests, rng.randint(1, 3))),
        cover_image_keys=tuple(f"events/bench/{rng.randint(1, 500)}-{k}.jpg" for k in range(rng.randint(0, 3))),
    )


async def seed(out: Path, plan: Plan) -> None:
    started = time.perf_counter()
    settings = load_settings()
    members = await _members()
    need = plan.door_from + plan.door_guests
    if len(members) < need:
        sys.exit(f"seed_events.py: {need} members needed, {len(members)} seeded: raise BENCH_MEMBERS")
    tokens = JwtSessionTokens(
        settings.session_secret, algorithm=settings.jwt_algorithm, lifetime=settings.jwt_lifetime
    )
    codes = TicketCodes(settings.derived_key("ticket"))
    rng = random.Random(20261130)
    now = datetime.now(UTC)
    hosts = members[: plan.hosts]
    readers = members[plan.hosts : plan.hosts + plan.feed]
    rush_guests = members[plan.rush_from : plan.rush_from + plan.rush]
    door_guests = members[plan.door_from : plan.door_from + plan.door_guests]
    container: AsyncContainer = make_container(settings)
    env: dict[str, str] = {}
    try:
        # 1. venues and the data-set events
        async with container() as scope:
            session = await scope.get(AsyncSession)
            interests = await _interest_ids(session)
            venues_repo = await scope.get(VenueRepository)
            venue_ids = []
            for n in range(plan.venues):
                city, lat, lng, tail = CITIES[n % len(CITIES)]
                venue, _ = await venues_repo.find_or_add(
                    Venue.new(
                        name=f"Bench Venue {n}",
                        address=f"{n + 1} Bench Road, {city}, {tail}, India",
                        city=city,
                        now=now,
                        latitude=round(lat + rng.uniform(-0.05, 0.05), 6),
                        longitude=round(lng + rng.uniform(-0.05, 0.05), 6),
                        place_id=f"bench-place-{n}",
                        venue_type=rng.choice(list(VenueType)),
                        capacity=rng.choice((0, 50, 150, 400)),
                        metadata={"parking": rng.choice(("yes", "no"))},
                        created_by=hosts[n % len(hosts)].id,
                    )
                )
                venue_ids.append(venue.id)
            events_repo = await scope.get(EventRepository)
            data_set: list[Event] = []
            for host in hosts:
                for _ in range(plan.events_per_host):
                    venue_id = rng.choice(venue_ids) if rng.random() < 0.95 else None
                    event = await events_repo.add(_event(rng, host.id, venue_id, interests, now))
                    if rng.random() < 0.03:
                        event.soft_delete(now)
                        await events_repo.save(event)
                    data_set.append(event)

            # special events: rush (API, floor, and a warm-up one for each) and the door events
            def special(title: str, host: Member, start: datetime, capacity: int, public: bool) -> Event:
                return Event.new(
                    host_id=host.id,
                    title=title,
                    start_time=start,
                    end_time=start + timedelta(hours=4),
                    timezone="Asia/Kolkata",
                    now=now,
                    description=DESCRIPTION,
                    venue_id=venue_ids[0],
                    max_capacity=capacity,
                    allow_plus_one=True,
                    rsvp_expiry_policy=RsvpExpiryPolicy.EVENT_START,
                    status=EventStatus.PUBLISHED,
                    is_public=public,
                    interest_ids=tuple(interests[:2]),
                )

            rush_start = now + timedelta(hours=6)
            rush_events: dict[str, Event] = {}
            for name, capacity in (
                ("warm-api", plan.rush_warm_seats),
                ("warm-floor", plan.rush_warm_seats),
                ("api", plan.rush_seats),
                ("floor", plan.rush_seats),
            ):
                rush_events[name] = await events_repo.add(
                    special(f"Bench Rush {name}", hosts[-1], rush_start, capacity, True)
                )
            door_events = [
                await events_repo.add(special(f"Bench Door {n}", hosts[n], now + timedelta(hours=1), 0, False))
                for n in range(plan.door_events)
            ]
            await (await scope.get(UnitOfWork)).commit()
        log(f"venues and events: {len(data_set)} + {len(rush_events) + len(door_events)}")

        # 2. feed readers invited to private events (pending): their own visibility class
        private_upcoming = [
            e
            for e in data_set
            if not e.is_public and not e.is_deleted and e.status is EventStatus.PUBLISHED and e.start_time > now
        ]
        async with container() as scope:
            invitations = await scope.get(InvitationRepository)
            for reader in readers[len(readers) - plan.feed_invited :]:
                for event in rng.sample(private_upcoming, min(len(private_upcoming), rng.randint(1, 3))):
                    await invitations.add(
                        Invitation.send(
                            event.id,
                            reader.id,
                            event.host_id,
                            policy=RsvpExpiryPolicy.DAYS_7,
                            expires_at=min(now + timedelta(days=7), event.start_time),
                            message="Come along!",
                            now=now,
                        )
                    )
            await (await scope.get(UnitOfWork)).commit()

        # 3. rush guests: accepted requests (3 in 4) or accepted invitations (1 in 4), seats 1 or 2; mapped to rows
        #    by the adapter's own functions and flushed in bulk (thousands of rows)
        seats_of = {m.id: (2 if rng.random() < 0.2 else 1) for m in rush_guests}
        async with container() as scope:
            session = await scope.get(AsyncSession)
            for name, event in rush_events.items():
                guests = rush_guests[: plan.rush_warm] if name.startswith("warm") else rush_guests
                deadline = answer_deadline(event.rsvp_expiry_policy, now, event.start_time)
                rows: list[JoinRequestRow | InvitationRow] = []
                for n, guest in enumerate(guests):
                    if n % 4 == 3:
                        invitation = Invitation.send(
                            event.id,
                            guest.id,
                            event.host_id,
                            policy=event.rsvp_expiry_policy,
                            expires_at=deadline,
                            message="",
                            now=now,
                        )
                        invitation.answer(True, now, has_ticket=False)
                        invitation_row = InvitationRow(created_at=now)
                        _copy_invitation(invitation, invitation_row)
                        rows.append(invitation_row)
                    else:
                        request = JoinRequest.open(event.id, guest.id, seats_of[guest.id], "", now)
                        request.accept(now, "", deadline)  # opened then accepted: requests_count back to 0
                        request_row = JoinRequestRow(created_at=now)
                        copy_to_row(request, request_row)
                        rows.append(request_row)
                session.add_all(rows)
                await session.flush()
                lines = [f"{tokens.issue(g, now=now).token} {seats_of[g.id]}" for g in guests]
                (out / f"rush.{name}.txt").write_text("\n".join(lines) + "\n", encoding="ascii")
                env[f"RUSH_EVENT_{name.upper().replace('-', '_')}"] = str(event.id)
                env[f"RUSH_GUESTS_{name.upper().replace('-', '_')}"] = str(len(guests))
            await (await scope.get(UnitOfWork)).commit()
        log(f"rush guests: {len(rush_guests)}")

        # 3b. the paid rush: paid events (API, floor, a warm-up one each), every rush guest with an accepted
        #     request for one seat; they order through POST /api/payments/orders (bench/lua/rush.lua "order")
        async with container() as scope:
            session = await scope.get(AsyncSession)
            events_repo = await scope.get(EventRepository)
            for name, capacity in (
                ("warm-api", plan.rush_warm_seats),
                ("warm-floor", plan.rush_warm_seats),
                ("api", plan.pay_seats),
                ("floor", plan.pay_seats),
            ):
                start = now + timedelta(days=2)
                event = await events_repo.add(
                    Event.new(
                        host_id=hosts[-2].id,
                        title=f"Bench Paid Rush {name}",
                        start_time=start,
                        end_time=start + timedelta(hours=4),
                        timezone="Asia/Kolkata",
                        now=now,
                        description=DESCRIPTION,
                        venue_id=venue_ids[0],
                        max_capacity=capacity,
                        is_paid=True,
                        ticket_price=PAY_PRICE,
                        rsvp_expiry_policy=RsvpExpiryPolicy.EVENT_START,
                        status=EventStatus.PUBLISHED,
                        interest_ids=tuple(interests[:2]),
                    )
                )
                guests = rush_guests[: plan.rush_warm] if name.startswith("warm") else rush_guests
                deadline = answer_deadline(event.rsvp_expiry_policy, now, event.start_time)
                rows = []
                for guest in guests:
                    request = JoinRequest.open(event.id, guest.id, 1, "", now)
                    request.accept(now, "", deadline)
                    request_row = JoinRequestRow(created_at=now)
                    copy_to_row(request, request_row)
                    rows.append(request_row)
                session.add_all(rows)
                await session.flush()
                lines = [f"{tokens.issue(g, now=now).token} 1" for g in guests]
                (out / f"pay.{name}.txt").write_text("\n".join(lines) + "\n", encoding="ascii")
                env[f"PAY_EVENT_{name.upper().replace('-', '_')}"] = str(event.id)
            env["PAY_PRICE"] = str(PAY_PRICE)
            await (await scope.get(UnitOfWork)).commit()
        log(f"paid rush: {len(rush_guests)} buyers for {plan.pay_seats} seats")

        # 4. door tickets: one per guest and door event, issued as a confirmation issues them
        door_lines = []
        async with container() as scope:
            session = await scope.get(AsyncSession)
            seats = await scope.get(SeatInventory)
            for event in door_events:
                rows = []
                host_token = tokens.issue(next(h for h in hosts if h.id == event.host_id), now=now).token
                for guest in door_guests:
                    ticket = Ticket.issue(
                        event.id, guest.id, 1, source=TicketSource.INVITATION, codes=codes, now=now
                    )
                    ticket_row = TicketRow(created_at=now)
                    copy_to_row(ticket, ticket_row)
                    rows.append(ticket_row)
                    door_lines.append(f"{event.id} {host_token} {ticket.secret(codes)}")
                session.add_all(rows)
                await session.flush()
                assert await seats.take(event.id, len(rows))  # going_count = seats held
            await (await scope.get(UnitOfWork)).commit()
        log(f"door tickets: {len(door_lines)}")
        rng.shuffle(door_lines)
        (out / "door.txt").write_text("\n".join(door_lines) + "\n", encoding="ascii")
        env["DOOR_TICKETS"] = str(len(door_lines))
        env["DOOR_EVENTS"] = ",".join(str(e.id) for e in door_events)
    finally:
        await container.close()

    # 5. the readers' files
    feed_members = hosts[: plan.feed_hosts] + readers
    feed_tokens = {m.id: tokens.issue(m, now=now).token for m in feed_members}
    # one page per cache class: the hosts' and the invited readers' own, and the one every other member shares
    own_class = hosts[: plan.feed_hosts] + readers[len(readers) - plan.feed_invited :]
    (out / "feed_prime_tokens.txt").write_text(
        "\n".join(feed_tokens[m.id] for m in [readers[0], *own_class]) + "\n", encoding="ascii"
    )
    rng.shuffle(feed_members)
    feed_lines = [feed_tokens[m.id] for m in feed_members]
    (out / "feed_tokens.txt").write_text("\n".join(feed_lines) + "\n", encoding="ascii")
    # Details are read where the feed sends members: the soonest upcoming events any member may see by id
    # (public, not draft, not deleted: cancelled and postponed ones too); the same hot set cold and cached.
    visible = [e for e in data_set if e.is_public and not e.is_deleted and e.status is not EventStatus.DRAFT]
    hot = [e.id for e in sorted(visible, key=lambda e: (e.end_time <= now, e.start_time))[: plan.detail_ids]]
    rng.shuffle(hot)
    (out / "detail_ids.txt").write_text("\n".join(map(str, hot)) + "\n", encoding="ascii")
    listed = sum(
        1
        for e in data_set
        if e.is_public
        and not e.is_deleted
        and e.status in (EventStatus.PUBLISHED, EventStatus.POSTPONED)
        and e.end_time > now
    )
    env.update(
        DATASET_EVENTS=str(len(data_set)),
        DATASET_HOSTS=str(len(hosts)),
        DATASET_VENUES=str(plan.venues),
        DATASET_LISTED=str(listed),
        DATASET_VISIBLE=str(len(visible)),
        DETAIL_IDS=str(len(hot)),
        DATASET_DELETED=str(sum(1 for e in data_set if e.is_deleted)),
        DATASET_PRIVATE=str(sum(1 for e in data_set if not e.is_public)),
        DATASET_DRAFT=str(sum(1 for e in data_set if e.status is EventStatus.DRAFT)),
        DATASET_PAST=str(sum(1 for e in data_set if e.end_time <= now)),
        FEED_MEMBERS=str(len(feed_members)),
        FEED_HOSTS=str(plan.feed_hosts),
        FEED_INVITED=str(plan.feed_invited),
    )
    (out / "env.sh").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()), encoding="ascii")
    await _analyze()
    print(
        f"seed_events: {len(data_set)} events ({listed} in a member's feed, {len(visible)} visible by id) by "
        f"{len(hosts)} hosts at {plan.venues} venues; rush events {[e.id for e in rush_events.values()]} "
        f"({plan.rush} guests, {plan.rush_seats} seats); {len(door_lines)} door tickets over "
        f"{len(door_events)} events; in {time.perf_counter() - started:.1f}s"
    )


async def _analyze() -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(os.environ["DATABASE_URL"]))
    try:
        for table in ("venues", "events", "join_requests", "invitations", "tickets"):
            await conn.execute(f"VACUUM ANALYZE {table}")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("bench/results/events"))
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--events-per-host", type=int, default=10)
    parser.add_argument("--venues", type=int, default=50)
    parser.add_argument("--feed", type=int, default=1000, help="feed/detail readers (hosts included)")
    parser.add_argument("--feed-hosts", type=int, default=50)
    parser.add_argument("--feed-invited", type=int, default=100)
    parser.add_argument("--rush", type=int, default=2000)
    parser.add_argument("--rush-seats", type=int, default=500)
    parser.add_argument("--rush-warm", type=int, default=100, help="guests of the warm-up burst")
    parser.add_argument("--rush-warm-seats", type=int, default=30)
    parser.add_argument("--pay-seats", type=int, default=500, help="seats of the paid rush events")
    parser.add_argument("--door-events", type=int, default=6)
    parser.add_argument("--door-guests", type=int, default=2000, help="tickets per door event")
    parser.add_argument("--detail-ids", type=int, default=300, help="events the detail scenarios read")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    plan = Plan(
        hosts=args.hosts,
        events_per_host=args.events_per_host,
        venues=args.venues,
        feed=args.feed - args.feed_hosts,
        feed_hosts=args.feed_hosts,
        feed_invited=args.feed_invited,
        rush=args.rush,
        rush_seats=args.rush_seats,
        rush_warm=args.rush_warm,
        rush_warm_seats=args.rush_warm_seats,
        pay_seats=args.pay_seats,
        door_events=args.door_events,
        door_guests=args.door_guests,
        detail_ids=args.detail_ids,
    )
    asyncio.run(seed(args.out, plan))


if __name__ == "__main__":
    main()
