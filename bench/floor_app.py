"""The floor of ``bench/run.sh``: a bare Litestar app doing the same database and Redis work as the API's
routes, without our layers (no dishka, no use cases, no repositories/ORM, no unit of work, no middleware).

    uvicorn --app-dir bench --factory floor_app:create_app

Same wire paths and JSON bodies as the API, so one wrk script drives both. Reads DATABASE_URL, REDIS_URL,
SECRET_KEY, DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT and REDIS_MAX_CONNECTIONS like the API; keys are
derived the same way (HMAC of the master secret), so the seeded OTP digests and the minted tokens are valid here
too.

* ``GET /api/auth/profile``: JWT check (PyJWT, same claims), Redis ``EXISTS`` of the revocation key,
  ``SELECT`` of the member row by id, ``SELECT`` of the chosen interests by ids, in one transaction.
* ``POST /api/auth/verify-otp``: ``SELECT ... FOR UPDATE`` of the OTP row, digest check, ``UPDATE`` (consumed),
  ``INSERT`` of the member ``RETURNING id``, ``INSERT`` of the sign-in's three jobs' outbox rows (one
  executemany), ``COMMIT``; then the jobs into SAQ's queue (SAQ's enqueue script per job, one pipelined round
  trip, as the API's dispatcher), the delivered rows removed with the check-in's (one ``DELETE`` per half
  second), and a session JWT.

* ``GET /api/events`` (the feed, default page) and ``GET /api/events/{id}`` (the detail): JWT check and
  revocation ``EXISTS`` as above, then in one transaction the statements the API runs: the member row; for the
  feed the access grants (one ``UNION``) and, without grants, whether the member hosts anything (their cache
  class: ``public`` or ``m<id>``); with ``EVENT_CACHE_TTL_SECONDS`` > 0, Redis ``GET`` of the cache generation
  and of the page/detail key; on a miss (or with the cache off: no Redis then, as the API) the count, the page
  (events joined with host and venue) and the interests it mentions (for a host whose own upcoming events fall
  beyond the page, their own page and its interests too), then ``SET ... EX``; for a private event not the
  caller's, the grants. The cached value is the wire object itself (decoded into its msgspec struct on a hit,
  encoded by Litestar).
* ``POST /api/events/{id}/confirm-attendance`` (as the API since issue 12's session 7): one Redis script, the
  event's sold-out marker with the session's two revocation keys (no ``EXISTS`` of its own); a standing marker
  (the caller not among its holders, not the host, before the start) refuses after one ``MGET`` of the caller's
  revocation keys and kept profile, with no SQL. Otherwise one statement reads the member, the event, the
  member's ticket, request and invitation and the venue's name; a sold-out event refuses on that snapshot (the
  ticket holders and the mark script when it is now full); a winner ``INSERT``s the ticket and its two jobs'
  outbox rows (audit, notification), takes the seats by one conditional ``UPDATE``, marks the request by one
  conditional ``UPDATE``, ``COMMIT``s, then hands both jobs to SAQ (one ``EVALSHA`` each), ``INCR``s the cache
  generation and ``DEL``s the marker; its outbox rows go with the next ``DELETE``.
* ``POST /api/events/{id}/check-in``: member row, event row, ticket ``FOR UPDATE`` by the keyed digest of the
  code, ``UPDATE`` of the ticket and ``INSERT`` of its audit job's outbox row (a repeated scan changes nothing
  and writes neither), the guest's card, ``COMMIT``; then the job into SAQ's queue (SAQ's enqueue script, one
  ``EVALSHA``) and the delivered outbox rows removed in one ``DELETE`` per half second, as the API does.
* ``POST /api/payments/orders`` (as the API since issue 12's session 7): the sold-out check with the
  revocation as above (a paid event's marker also carries its price and plus-ones rule), then the member row,
  the event row, the member's open order, the latest waitlist place when seats are held, on a sold-out snapshot
  the overdue holds' release (one conditional ``UPDATE``) and, with none, the open holds and the mark script;
  else the member's ticket and request (unlocked), Redis ``GET`` of the fee, ``INSERT`` of the order and of its
  audit job's outbox row, the conditional hold, ``COMMIT``; then the job to SAQ, ``INCR``, the marker's ``DEL``,
  and the signed PayU form (SHA-512).
* ``POST /api/payments/payu/success``: the form, the reverse hash (SHA-512, constant-time compare), ``INSERT … ON
  CONFLICT DO NOTHING`` of the notice and ``COMMIT``, the order row, Redis ``GET`` of the sandbox's record (its
  verify), then in one transaction the order ``FOR UPDATE``, ``UPDATE`` to paid, the ticket and request ``FOR
  UPDATE``, ``INSERT`` of the ticket, ``UPDATE`` of the request, ``INSERT`` of the ledger transaction and its
  three entries, the hold converted last (the event row's lock held only to the commit, as the API's);
  ``COMMIT``, Redis ``INCR``; a 303 to the result page.

Deliberately absent (the API does them; the difference is what the ratio measures): phone parsing/validation,
the ``SELECT`` of an existing member by phone, the outbox rows and SAQ enqueue of analytics, audit and
notification jobs after commit (except the check-in's, the confirmation's, the order's and the sign-in's, which
do both since issue 12's session 7), the OTP wrong-code limiter's Redis call, the pool's pre-ping,
request-id/access-log middleware, dependency injection and entity mapping, and statements whose result the API
throws away (a second read of a row it already holds before writing it, the count of a host's own events when
they are pinned into the feed).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import jwt
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import NoScriptError
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.types import BigInteger

# The API's own Redis scripts, imported rather than copied: the floor sends exactly what the API sends.
from loopin.adapters.jobs.saq_dispatch import ENQUEUE_SCRIPT as SAQ_ENQUEUE
from loopin.adapters.redis.sold_out import CHECK_SCRIPT as SOLD_OUT_CHECK
from loopin.adapters.redis.sold_out import MARK_SCRIPT as SOLD_OUT_MARK

SECRET_KEY = os.environ["SECRET_KEY"]


def _derived_key(purpose: str) -> bytes:
    return hmac.new(SECRET_KEY.encode(), f"loopin/{purpose}".encode(), hashlib.sha256).digest()


DIGEST_KEY = _derived_key("digest")
JWT_KEY = os.environ.get("JWT_SECRET") or _derived_key("jwt").hex()
JWT_LIFETIME = timedelta(days=30)
MEDIA_PREFIX = "/api/media"
TICKET_KEY = _derived_key("ticket")
TICKET_LOOKUP_KEY = hashlib.sha256(b"ticket-lookup\x1f" + TICKET_KEY).digest()
CACHE_TTL = int(os.environ.get("EVENT_CACHE_TTL_SECONDS") or "60")
SITE_URL = os.environ.get("SITE_URL") or "https://loopinsocial.in"
FEED_LIMIT = 50
PINNED_OWN = 100
CACHE = "floor:events"

SELECT_MEMBER = text(
    "SELECT id, phone_number, role, status, name, birth_date, gender, bio, location, interest_ids, "
    "picture_keys, promote_at, created_at, updated_at FROM members WHERE id = :id"
)
SELECT_INTERESTS = text(
    "SELECT id, name, slug, is_active, created_at, updated_at FROM event_interests WHERE id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
LOCK_OTP = text(
    "SELECT code_digest, expires_at, attempts, consumed_at FROM otp_challenges "
    "WHERE phone_number = :phone FOR UPDATE"
)
CONSUME_OTP = text("UPDATE otp_challenges SET consumed_at = :now WHERE phone_number = :phone")
MEMBER_ROW = text(
    "SELECT id, phone_number, role, status, name, birth_date, gender, bio, location, interest_ids, picture_keys, "
    "waitlisted_at, promote_at, password_hash, created_at, updated_at FROM members WHERE id = :id"
)
GRANTS = text(
    "SELECT event_id FROM invitations WHERE invitee_id = :m AND status IN ('pending', 'accepted') "
    "UNION SELECT event_id FROM join_requests WHERE requester_id = :m AND status = 'accepted' "
    "UNION SELECT event_id FROM tickets WHERE member_id = :m AND status != 'cancelled'"
)
HOSTS_ANY = text("SELECT EXISTS (SELECT * FROM events WHERE host_id = :m AND deleted_at IS NULL)")
EVENT_COLUMNS = (
    "events.id, events.uuid, events.canonical_id, events.host_id, events.title, events.description, "
    "events.venue_id, events.start_time, events.end_time, events.timezone, events.max_capacity, "
    "events.seats_taken, events.requests_count, events.is_paid, events.ticket_price, events.allow_plus_one, "
    "events.gst_number, events.allowed_genders, events.rsvp_expiry_policy, events.status, events.is_public, "
    "events.interest_ids, events.cover_image_keys, events.deleted_at, events.created_at, events.updated_at"
)
VENUE_COLUMNS = (
    "venues.id AS v_id, venues.uuid AS v_uuid, venues.name AS v_name, venues.address AS v_address, "
    "venues.city AS v_city, venues.city_slug AS v_city_slug, venues.country_code AS v_country_code, "
    "venues.latitude AS v_latitude, venues.longitude AS v_longitude, venues.place_id AS v_place_id, "
    "venues.match_key AS v_match_key, venues.venue_type AS v_venue_type, venues.capacity AS v_capacity, "
    "venues.metadata AS v_metadata, venues.is_active AS v_is_active, venues.created_by AS v_created_by, "
    "venues.created_at AS v_created_at, venues.updated_at AS v_updated_at"
)
RECORDS = (  # the constant column lists above: no input is ever formatted into SQL here
    f"SELECT {EVENT_COLUMNS}, members.name AS host_name, members.picture_keys AS host_pictures, "  # noqa: S608
    f"{VENUE_COLUMNS} FROM events JOIN members ON members.id = events.host_id "
    "LEFT OUTER JOIN venues ON venues.id = events.venue_id "
)
# visibility.is_listed for a member (not staff): their own events, or listed statuses and public or granted
LISTED = (
    "events.deleted_at IS NULL AND (events.host_id = :m OR events.status IN ('postponed', 'published') "
    "AND (events.is_public IS true OR events.id = ANY(:granted))) AND events.end_time > :now"
)
FEED_COUNT = text(f"SELECT count(*) FROM events WHERE {LISTED}").bindparams(  # noqa: S608
    bindparam("granted", type_=ARRAY(BigInteger))
)
FEED_PAGE = text(
    f"{RECORDS} WHERE {LISTED} ORDER BY events.start_time, events.id LIMIT :limit OFFSET :offset"
).bindparams(bindparam("granted", type_=ARRAY(BigInteger)))
OWN_PAGE = text(
    f"{RECORDS} WHERE {LISTED} AND events.host_id = :m ORDER BY events.start_time, events.id LIMIT :limit"
).bindparams(bindparam("granted", type_=ARRAY(BigInteger)))
EVENT_RECORD = text(f"{RECORDS} WHERE events.id = :id")
EVENT_ROW = text(f"SELECT {EVENT_COLUMNS} FROM events WHERE events.id = :id")  # noqa: S608
TICKET_COLUMNS = (
    "id, uuid, event_id, member_id, seats, source, nonce, secret_digest, status, payment_status, "
    "payment_order_id, request_id, invitation_id, issued_at, checked_in_at, checked_out_at, cancelled_at, "
    "created_at, updated_at"
)
TICKETS = f"SELECT {TICKET_COLUMNS} FROM tickets"  # noqa: S608
LOCK_TICKET = text(f"{TICKETS} WHERE event_id = :e AND member_id = :m FOR UPDATE")
LOCK_TICKET_BY_DIGEST = text(f"{TICKETS} WHERE secret_digest = :d FOR UPDATE")
LOCK_REQUEST = text(
    "SELECT id, uuid, event_id, requester_id, status, message, host_message, seats_requested, confirm_by, "
    "decided_at, created_at, updated_at FROM join_requests WHERE event_id = :e AND requester_id = :m FOR UPDATE"
)
INSERT_TICKET = text(
    "INSERT INTO tickets (uuid, event_id, member_id, seats, source, nonce, secret_digest, status, payment_status, "
    "payment_order_id, request_id, invitation_id, issued_at, checked_in_at, checked_out_at, cancelled_at, "
    "created_at, updated_at) VALUES (:uuid, :e, :m, :seats, :source, :nonce, :digest, 'going', 'unpaid', NULL, "
    ":request_id, :invitation_id, :now, NULL, NULL, NULL, :now, :now) RETURNING id"
)
REQUEST_TICKETED = text("UPDATE join_requests SET confirm_by = NULL, updated_at = :now WHERE id = :id")
CHECK_IN = text(
    "UPDATE tickets SET status = 'checked_in', checked_in_at = :checked_in_at, checked_out_at = NULL, "
    "updated_at = :now WHERE id = :id"
)
MEMBER_CARD = text("SELECT id, name, picture_keys[1] AS picture, status FROM members WHERE id = :id")
INSERT_MEMBER = text(
    "INSERT INTO members (phone_number, status, created_at, updated_at) "
    "VALUES (:phone, 'onboarding', :now, :now) RETURNING id"
)


class Infra:
    engine: AsyncEngine
    redis: Redis


infra = Infra()


class VerifyOtpIn(msgspec.Struct):
    phone_number: str
    otp_code: str


class InterestOut(msgspec.Struct):
    id: int
    name: str
    slug: str
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None


class ProfileOut(msgspec.Struct):
    success: bool
    id: int
    user_id: int
    name: str
    phone_number: str
    gender: str
    bio: str
    location: str
    birth_date: date | None
    event_interests: list[InterestOut]
    profile_pictures: list[str]
    is_verified: bool
    is_active: bool
    status: str
    role: str
    profile_complete: bool
    waitlist_promote_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


class SessionData(msgspec.Struct):
    user_id: int
    phone_number: str
    name: str
    needs_profile_completion: bool
    is_verified: bool
    is_new_user: bool


class SessionOut(msgspec.Struct):
    success: bool
    message: str
    token: str
    needs_profile_completion: bool
    is_verified: bool
    data: SessionData


class HostOut(msgspec.Struct):
    id: int
    user_id: int
    name: str
    username: str | None
    profile_image: str | None


class LocationOut(msgspec.Struct):
    venue_id: int
    venue_name: str
    name: str
    address: str
    city: str
    city_slug: str
    country_code: str
    latitude: float | None
    longitude: float | None
    place_id: str | None


class VenueRefOut(msgspec.Struct):
    id: int
    uuid: str
    name: str
    city: str
    venue_type: str
    address: str


class InterestRefOut(msgspec.Struct):
    id: int
    name: str
    slug: str


class EventOut(msgspec.Struct):
    id: int
    uuid: str
    canonical_id: str
    title: str
    slug: str
    canonical_url: str
    canonical_path: str
    description: str
    host: HostOut
    location: LocationOut | None
    venue: VenueRefOut | None
    venue_text: str
    start_time: str
    end_time: str
    start_time_utc: datetime
    end_time_utc: datetime
    timezone: str
    duration_hours: float
    max_capacity: int
    going_count: int
    requests_count: int
    seats_left: int | None
    is_full: bool
    is_paid: bool
    ticket_price: str
    currency: str
    allow_plus_one: bool
    gst_number: str
    allowed_genders: str
    rsvp_expiry_policy: str
    cover_images: list[str]
    status: str
    is_public: bool
    is_active: bool
    event_interests: list[InterestRefOut]
    payout_status: str | None
    created_at: datetime | None
    updated_at: datetime | None


class FeedOut(msgspec.Struct):
    success: bool
    total: int
    offset: int
    limit: int
    data: list[EventOut]


class ConfirmIn(msgspec.Struct):
    seats: int = 1


class TicketOut(msgspec.Struct):
    success: bool
    ticket_id: int
    event_id: int
    event_title: str
    event_start_time: str
    event_end_time: str
    timezone: str
    venue_name: str | None
    cover_image_url: str | None
    ticket_secret: str
    qr_code_data: str
    seats: int
    is_paid: bool
    payment_status: str
    status: str
    checked_in: bool
    checked_in_at: datetime | None
    created_at: datetime | None


class CheckInIn(msgspec.Struct):
    ticket_secret: str


class AttendeeOut(msgspec.Struct):
    user_id: int
    full_name: str
    username: str | None
    profile_picture_url: str | None
    ticket_id: int
    ticket_secret: str
    seats: int
    status: str
    payment_status: str
    checked_in: bool
    is_checked_in: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None


class DoorOut(msgspec.Struct):
    success: bool
    message: str
    already_checked_in: bool
    attendance: AttendeeOut


class Refused(Exception):
    """A business rule said no: the app's envelope with this status and code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def refused(_: Request[Any, Any, Any], exc: Refused) -> Response[dict[str, Any]]:
    body = {"success": False, "detail": exc.message, "message": exc.message, "error_code": exc.code}
    return Response(body, status_code=exc.status)


# --- helpers: the same rules and derivations the API applies ---------------------------------------------


async def session_claims(request: Request[Any, Any, Any], *, check_revocation: bool = True) -> dict[str, Any]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthorizedException("Authentication required.")
    try:
        claims: dict[str, Any] = jwt.decode(
            token.strip(),
            JWT_KEY,
            algorithms=["HS256"],
            issuer="loopin",
            leeway=30,
            options={"require": ["exp", "iat", "jti", "user_id", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise NotAuthorizedException("Invalid session.") from exc
    if check_revocation and await infra.redis.exists(f"loopin:revoked:{claims['jti']}"):
        raise NotAuthorizedException("Logged out.")
    return claims


async def active_member(conn: Any, member_id: int) -> Any:
    m = (await conn.execute(MEMBER_ROW, {"id": member_id})).mappings().one_or_none()
    if m is None:
        raise NotAuthorizedException("Account not found.")
    if m["status"] != "active":
        raise PermissionDeniedException("Members only.")
    return m


def _slug(text_: str, max_length: int = 70) -> str:
    ascii_text = unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()
    slug = re.sub(r"[\s_]+", "-", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9-]", "", slug)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        boundary = cut.rfind("-")
        slug = (cut[:boundary] if boundary > max_length * 0.6 else cut).strip("-")
    return slug or "event"


def _wall_clock(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def event_out(r: Any, interests: dict[int, Any], phone: str | None, viewer_id: int) -> EventOut:
    """One wire event from a ``RECORDS`` row (``phone`` is shown back to the host only)."""
    slug = _slug(r["title"])
    has_venue = r["v_id"] is not None
    country = (r["v_country_code"] if has_venue else "in") or "in"
    city = (r["v_city_slug"] if has_venue else "") or "unknown"
    path = f"/{country}/{city}/events/{slug}--{r['canonical_id']}"
    lat = float(r["v_latitude"]) if has_venue and r["v_latitude"] is not None else None
    lng = float(r["v_longitude"]) if has_venue and r["v_longitude"] is not None else None
    chosen = sorted((interests[i] for i in r["interest_ids"] or () if i in interests), key=lambda i: (i[1], i[0]))
    capacity, taken = r["max_capacity"], r["seats_taken"]
    pictures = r["host_pictures"]
    return EventOut(
        id=r["id"],
        uuid=str(r["uuid"]),
        canonical_id=r["canonical_id"],
        title=r["title"],
        slug=slug,
        canonical_url=SITE_URL + path,
        canonical_path=path,
        description=r["description"],
        host=HostOut(
            r["host_id"],
            r["host_id"],
            r["host_name"],
            phone if viewer_id == r["host_id"] else None,
            f"{MEDIA_PREFIX}/{pictures[0]}" if pictures else None,
        ),
        location=LocationOut(
            r["v_id"],
            r["v_name"],
            r["v_name"],
            r["v_address"],
            r["v_city"],
            r["v_city_slug"],
            r["v_country_code"],
            lat,
            lng,
            r["v_place_id"],
        )
        if has_venue
        else None,
        venue=VenueRefOut(r["v_id"], str(r["v_uuid"]), r["v_name"], r["v_city"], r["v_venue_type"], r["v_address"])
        if has_venue
        else None,
        venue_text=r["v_name"] if has_venue else "",
        start_time=_wall_clock(r["start_time"], r["timezone"]),
        end_time=_wall_clock(r["end_time"], r["timezone"]),
        start_time_utc=r["start_time"],
        end_time_utc=r["end_time"],
        timezone=r["timezone"],
        duration_hours=round((r["end_time"] - r["start_time"]).total_seconds() / 3600, 2),
        max_capacity=capacity,
        going_count=taken,
        requests_count=r["requests_count"],
        seats_left=None if capacity == 0 else max(0, capacity - taken),
        is_full=capacity != 0 and taken >= capacity,
        is_paid=r["is_paid"],
        ticket_price=str(r["ticket_price"]),
        currency="INR",
        allow_plus_one=r["allow_plus_one"],
        gst_number=r["gst_number"],
        allowed_genders=r["allowed_genders"],
        rsvp_expiry_policy=r["rsvp_expiry_policy"],
        cover_images=[f"{MEDIA_PREFIX}/{k}" for k in r["cover_image_keys"] or ()],
        status=r["status"],
        is_public=r["is_public"],
        is_active=r["deleted_at"] is None,
        event_interests=[InterestRefOut(i[0], i[1], i[2]) for i in chosen],
        payout_status=None,
        created_at=r["created_at"],
        updated_at=r["updated_at"],
    )


async def interests_of(conn: Any, rows: list[Any]) -> dict[int, Any]:
    ids = sorted({i for r in rows for i in r["interest_ids"] or ()})
    if not ids:
        return {}
    found = (await conn.execute(SELECT_INTERESTS, {"ids": ids})).all()
    return {r[0]: r for r in found}


async def cache_get(key: str) -> tuple[str, bytes | None]:
    """The key under the current generation and its value; no Redis at all when caching is off (as the API)."""
    if CACHE_TTL <= 0:
        return "", None
    generation = int(await infra.redis.get(f"{CACHE}:generation") or 0)
    full = f"{CACHE}:{key.format(generation=generation)}"
    return full, await infra.redis.get(full)


async def cache_put(key: str, value: object) -> None:
    if CACHE_TTL > 0:
        await infra.redis.set(key, msgspec.json.encode(value), ex=CACHE_TTL)


def ticket_secret(ticket_uuid: UUID, nonce: str) -> str:
    mac = hmac.new(TICKET_KEY, f"ticket\x1f{ticket_uuid}\x1f{nonce}".encode(), hashlib.sha256).digest()
    number, digits = int.from_bytes(mac, "big"), []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits)).rjust(43, "0")[-32:]


def lookup_digest(secret: str) -> str:
    return hmac.new(TICKET_LOOKUP_KEY, f"ticket\x1f{secret}".encode(), hashlib.sha256).hexdigest()


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CODE = re.compile(r"^(?:EVENT:(\d+):TICKET:)?([0-9A-Za-z]{32})$")


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready")
async def ready() -> Response[dict[str, str]]:
    try:
        async with infra.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        await infra.redis.ping()
    except Exception as exc:
        return Response({"status": f"unavailable: {type(exc).__name__}"}, status_code=503)
    return Response({"status": "ready"})


@get("/api/auth/profile")
async def profile(request: Request[Any, Any, Any]) -> ProfileOut:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthorizedException("Authentication required.")
    try:
        claims = jwt.decode(
            token.strip(),
            JWT_KEY,
            algorithms=["HS256"],
            issuer="loopin",
            options={"require": ["exp", "iat", "jti", "user_id", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise NotAuthorizedException("Invalid session.") from exc
    if await infra.redis.exists(f"loopin:revoked:{claims['jti']}"):
        raise NotAuthorizedException("Logged out.")
    async with infra.engine.connect() as conn:
        m = (await conn.execute(SELECT_MEMBER, {"id": claims["user_id"]})).mappings().one_or_none()
        if m is None:
            raise NotAuthorizedException("Account not found.")
        ids = list(m["interest_ids"] or ())
        rows = (await conn.execute(SELECT_INTERESTS, {"ids": ids})).mappings().all() if ids else []
        await conn.commit()
    by_id = {r["id"]: r for r in rows if r["is_active"]}
    chosen = sorted((by_id[i] for i in ids if i in by_id), key=lambda r: r["name"])
    active = m["status"] == "active"
    return ProfileOut(
        success=True,
        id=m["id"],
        user_id=m["id"],
        name=m["name"],
        phone_number=m["phone_number"],
        gender=m["gender"] or "",
        bio=m["bio"],
        location=m["location"],
        birth_date=m["birth_date"],
        event_interests=[
            InterestOut(r["id"], r["name"], r["slug"], r["is_active"], r["created_at"], r["updated_at"])
            for r in chosen
        ],
        profile_pictures=[f"{MEDIA_PREFIX}/{k}" for k in m["picture_keys"] or ()],
        is_verified=active,
        is_active=active,
        status=m["status"],
        role=m["role"],
        profile_complete=bool(m["name"]) and bool(m["picture_keys"]),
        waitlist_promote_at=m["promote_at"] if m["status"] == "waitlisted" else None,
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def sign_in_jobs(member_id: int, now: datetime) -> list[tuple[str, dict[str, Any], str | None, int]]:
    """The jobs a first sign-in leaves, as the API's VerifyOtp builds them: (name, kwargs, key, attempts)."""
    entry_id = str(uuid4())
    audit = {
        "entry_id": entry_id,
        "actor_id": member_id,
        "action": "member.signed_in",
        "target_type": "member",
        "target_id": member_id,
        "at": now.isoformat(),
        "details": json.dumps({"new_account": True}, sort_keys=True),
    }
    signed_up = {"event": "member_signed_up", "member_id": member_id, "capture_id": str(uuid4())}
    verified = {"event": "otp_verified", "member_id": member_id, "capture_id": str(uuid4()), "new_account": True}
    return [
        ("platform.capture_analytics", signed_up, None, 3),
        ("platform.capture_analytics", verified, None, 3),
        (AUDIT_JOB, audit, f"audit:{entry_id}", 8),
    ]


async def enqueue_jobs(jobs: list[tuple[str, dict[str, Any], str, int]]) -> None:
    """A commit's jobs as the API's dispatcher sends them: SAQ's enqueue script per job (EVALSHA), all in one
    pipelined round trip; the script is loaded when Redis does not have it."""
    sha = hashlib.sha1(SAQ_ENQUEUE.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1
    pipe = infra.redis.pipeline(transaction=False)
    for name, kwargs, key, attempts in jobs:
        job = {  # SAQ's Job.to_dict of the API's job, as Queue.serialize writes it
            "function": name,
            "kwargs": kwargs,
            "queue": QUEUE,
            "key": key,
            "timeout": 30,
            "retries": attempts,
            "retry_delay": 1.0,
            "retry_backoff": 60,
            "queued": int(time.time() * 1000),
            "status": "queued",
        }
        keys = (f"saq:{QUEUE}:incomplete", f"saq:job:{QUEUE}:{key}", f"saq:{QUEUE}:queued", f"saq:abort:{key}")
        pipe.evalsha(sha, 4, *keys, json.dumps(job), 0)
    try:
        await pipe.execute()
    except NoScriptError:
        await infra.redis.script_load(SAQ_ENQUEUE)
        await pipe.execute()


@post("/api/auth/verify-otp", status_code=200)
async def verify_otp(data: VerifyOtpIn) -> SessionOut:
    phone, code = data.phone_number, data.otp_code.strip()
    if len(code) != 4 or not code.isdigit():
        raise ValidationException("The code must be exactly 4 digits")
    now = datetime.now(UTC)
    async with infra.engine.connect() as conn:
        otp = (await conn.execute(LOCK_OTP, {"phone": phone})).one_or_none()
        if otp is None:
            raise NotFoundException("No code was requested for this number.")
        expected = hmac.new(DIGEST_KEY, f"otp:{phone}\x1f{code}".encode(), hashlib.sha256).hexdigest()
        if otp.consumed_at is not None or now >= otp.expires_at or otp.attempts >= 3:
            raise ValidationException("This code can no longer be used.")
        if not hmac.compare_digest(expected, otp.code_digest):
            raise ValidationException("Invalid code.")
        await conn.execute(CONSUME_OTP, {"phone": phone, "now": now})
        member_id = (await conn.execute(INSERT_MEMBER, {"phone": phone, "now": now})).scalar_one()
        jobs, rows = [], []
        for name, kwargs, key, attempts in sign_in_jobs(member_id, now):
            row_id = uuid4()
            key = key or f"job:{row_id.hex}"  # the outbox keys a keyless job by its row
            jobs.append((name, kwargs, key, attempts))
            body = msgspec.json.encode([kwargs, key, attempts, 30, True])  # the API's outbox envelope
            rows.append({"id": row_id, "name": name, "body": body, "now": now, "available_at": now + OUTBOX_HOLD})
        await conn.execute(OUTBOX_ROW, rows)  # one executemany, as the API's outbox INSERT of a commit's jobs
        await conn.commit()
    await enqueue_jobs(jobs)
    for row in rows:
        await acknowledge_soon(row["id"])
    claims = {
        "user_id": member_id,
        "phone_number": phone,
        "sub": str(member_id),
        "iss": "loopin",
        "iat": int(now.timestamp()),
        "exp": int((now + JWT_LIFETIME).timestamp()),
        "jti": secrets.token_urlsafe(16),
    }
    token = jwt.encode(claims, JWT_KEY, algorithm="HS256")
    data_out = SessionData(member_id, phone, "", True, False, True)
    return SessionOut(
        True, "Code verified. Please complete your profile to continue.", token, True, False, data_out
    )


@get("/api/events")
async def feed(request: Request[Any, Any, Any], limit: int | None = None) -> FeedOut:
    """The app's call: no parameters, the default page (50 upcoming events, soonest first, the host's own
    pinned in); with ``limit`` that many, nothing pinned (``bench/run.sh``'s ``feed20`` scenarios)."""
    pin = limit is None
    size = FEED_LIMIT if limit is None else limit
    if not 1 <= size <= 100:
        raise ValidationException("limit must be between 1 and 100")
    claims = await session_claims(request)
    me = int(claims["user_id"])
    now = datetime.now(UTC)
    async with infra.engine.connect() as conn:
        m = await active_member(conn, me)
        staff = m["role"] in ("staff", "superuser")
        granted = [] if staff else list((await conn.execute(GRANTS, {"m": me})).scalars())
        if staff:
            cache_class = "staff"
        elif granted or (await conn.execute(HOSTS_ANY, {"m": me})).scalar():
            cache_class = f"m{me}"
        else:
            cache_class = "public"
        key, raw = await cache_get(f"feed:{{generation}}:{cache_class}:0:{size}:{int(pin)}")
        if raw is not None:
            await conn.commit()
            return msgspec.json.decode(raw, type=FeedOut)
        params = {"m": me, "granted": granted, "now": now}
        total = (await conn.execute(FEED_COUNT, params)).scalar_one()
        rows = list((await conn.execute(FEED_PAGE, {**params, "limit": size, "offset": 0})).mappings())
        interests = await interests_of(conn, rows)
        if pin and cache_class != "public" and total > len(rows):
            seen = {r["id"] for r in rows}
            own = [
                r
                for r in (await conn.execute(OWN_PAGE, {**params, "limit": PINNED_OWN})).mappings()
                if r["id"] not in seen
            ]
            if own:
                interests |= await interests_of(conn, own)
                rows = sorted(rows + own, key=lambda r: (r["start_time"], r["id"]))
        page = FeedOut(True, total, 0, size, [event_out(r, interests, m["phone_number"], me) for r in rows])
        await cache_put(key, page)
        await conn.commit()
    return page


@get("/api/events/{event_id:int}")
async def detail(request: Request[Any, Any, Any], event_id: int) -> EventOut:
    claims = await session_claims(request)
    me = int(claims["user_id"])
    async with infra.engine.connect() as conn:
        m = await active_member(conn, me)
        key, raw = await cache_get(f"event:{{generation}}:{event_id}")
        if raw is not None:
            event = msgspec.json.decode(raw, type=EventOut)
        else:
            r = (await conn.execute(EVENT_RECORD, {"id": event_id})).mappings().one_or_none()
            if r is None:
                raise NotFoundException("Event not found.")
            event = event_out(r, await interests_of(conn, [r]), None, 0)
            await cache_put(key, event)
        own = event.host.id == me
        staff = m["role"] in ("staff", "superuser")
        visible = event.is_active and (
            own
            or staff
            or (
                event.status != "draft"
                and (event.is_public or event_id in set((await conn.execute(GRANTS, {"m": me})).scalars()))
            )
        )
        await conn.commit()
    if not visible:
        raise NotFoundException("Event not found.")
    if own:
        host = msgspec.structs.replace(event.host, username=m["phone_number"])
        event = msgspec.structs.replace(event, host=host)
    return event


# The check-in's audit job, as the API sends it (issue 12, session 7: the same-work floor does the outbox and
# queue work of the API's check-in): one outbox row INSERTed in the transaction; after COMMIT the SAQ job handed
# to Redis with SAQ's own enqueue script (one EVALSHA, the same keys and job fields); the delivered rows removed
# in one DELETE per half second, as the API's relay acknowledges them.
OUTBOX_ROW = text(
    "INSERT INTO outbox (id, name, body, sealed, created_at, available_at) "
    "VALUES (:id, :name, :body, false, :now, :available_at)"
)
OUTBOX_DELIVERED = text("DELETE FROM outbox WHERE id = ANY(:ids)").bindparams(
    bindparam("ids", type_=ARRAY(PG_UUID()))
)
OUTBOX_HOLD = timedelta(seconds=15)
AUDIT_JOB = "audit.record_audit_entry"
QUEUE = os.environ.get("QUEUE_NAME") or "loopin"


class Outbox:
    """The floor's share of the API's outbox relay: the enqueue script and the ids waiting for their DELETE."""

    def __init__(self) -> None:
        self.enqueue: Any = None
        self.delivered: list[UUID] = []
        self.flushing: asyncio.Task[None] | None = None


outbox = Outbox()


async def enqueue_job(name: str, kwargs: dict[str, Any], key: str) -> None:
    if outbox.enqueue is None:
        outbox.enqueue = infra.redis.register_script(SAQ_ENQUEUE)
    job = {  # SAQ's Job.to_dict of the API's job: the fields that differ from SAQ's defaults
        "function": name,
        "kwargs": kwargs,
        "queue": QUEUE,
        "key": key,
        "timeout": 30,
        "retries": 8,
        "retry_delay": 1.0,
        "retry_backoff": 60,
        "queued": int(time.time() * 1000),
        "status": "queued",
    }
    keys = [f"saq:{QUEUE}:incomplete", f"saq:job:{QUEUE}:{key}", f"saq:{QUEUE}:queued", f"saq:abort:{key}"]
    await outbox.enqueue(keys=keys, args=[msgspec.json.encode(job), 0])


async def acknowledge_soon(message_id: UUID) -> None:
    outbox.delivered.append(message_id)
    if outbox.flushing is None or outbox.flushing.done():
        outbox.flushing = asyncio.create_task(_acknowledge())


async def _acknowledge() -> None:
    while outbox.delivered:
        await asyncio.sleep(0.5)
        ids, outbox.delivered = outbox.delivered, []
        async with infra.engine.begin() as conn:
            await conn.execute(OUTBOX_DELIVERED, {"ids": ids})


# The confirmation as the API does it since issue 12's session 7 (the lead's decision: the same SQL and Redis
# work as the API's route). One Redis script before any SQL: the event's sold-out marker and the session's two
# revocation keys. A standing marker (the caller not among its ticket holders, not the host, the event not
# started) refuses after one MGET of the caller's revocation keys and kept profile, with no SQL. Otherwise one
# statement reads the member, the event, the member's ticket, request and invitation and the venue's name; a
# sold-out event refuses on that snapshot (and marks itself: the ticket holders, the mark script); a winner
# inserts the ticket and its two jobs' outbox rows, takes the seats by one conditional UPDATE, marks the request
# by one conditional UPDATE, COMMITs, then hands both jobs to SAQ (one EVALSHA each), bumps the cache
# generation, clears the marker, and has its outbox rows removed with the next DELETE.
SOLD_OUT = "floor:sold-out"
SOLD_OUT_TTL = int(os.environ.get("SOLD_OUT_TTL_SECONDS") or "10")


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c} AS {alias}_{c}" for c in columns.split(", "))


MEMBER_COLUMNS = (
    "id, phone_number, role, status, name, birth_date, gender, bio, location, interest_ids, picture_keys, "
    "waitlisted_at, promote_at, password_hash, created_at, updated_at"
)
REQUEST_COLUMNS = (
    "id, uuid, event_id, requester_id, status, message, host_message, seats_requested, confirm_by, decided_at, "
    "created_at, updated_at"
)
INVITATION_COLUMNS = (
    "id, uuid, event_id, invitee_id, host_id, status, message, expires_at, expiry_policy, answered_at, "
    "created_at, updated_at"
)
CONFIRMATION_FACTS = text(  # the constant column lists above: no input is ever formatted into SQL here
    f"SELECT {_prefixed('m', MEMBER_COLUMNS)}, {_prefixed('e', EVENT_COLUMNS.replace('events.', ''))}, "  # noqa: S608
    f"e.seats_held AS e_seats_held, {_prefixed('t', TICKET_COLUMNS)}, {_prefixed('r', REQUEST_COLUMNS)}, "
    f"{_prefixed('i', INVITATION_COLUMNS)}, v.name AS v_name "
    "FROM members m LEFT JOIN events e ON e.id = :e "
    "LEFT JOIN tickets t ON t.event_id = e.id AND t.member_id = m.id "
    "LEFT JOIN join_requests r ON r.event_id = e.id AND r.requester_id = m.id "
    "LEFT JOIN invitations i ON i.event_id = e.id AND i.invitee_id = m.id "
    "LEFT JOIN venues v ON v.id = e.venue_id WHERE m.id = :m"
)
TAKE_IF_FITS = text(
    "UPDATE events SET seats_taken = seats_taken + :n, updated_at = :now WHERE id = :id "
    "AND deleted_at IS NULL AND status IN ('published', 'postponed') "
    "AND (max_capacity = 0 OR seats_taken + seats_held + :n <= max_capacity) RETURNING id"
)
REQUEST_TICKETED_IF_ACCEPTED = text(
    "UPDATE join_requests SET confirm_by = NULL, updated_at = :now WHERE id = :id AND status = 'accepted' "
    "AND confirm_by IS NOT DISTINCT FROM :was RETURNING id"
)
TICKET_HOLDERS = text("SELECT member_id FROM tickets WHERE event_id = :e")
NOTIFY_JOB = "notifications.deliver_notification"


class SoldOutScripts:
    check: Any = None
    mark: Any = None


sold_out = SoldOutScripts()


def _sold_out_keys(event_id: int) -> list[str]:
    tag = f"{SOLD_OUT}:{{{event_id}}}"
    return [f"{tag}:open", f"{tag}:full", f"{tag}:holders"]


def _confirm_jobs(ticket_id: int, me: int, e: Any, seats: int, source: str, now: datetime) -> list[Any]:
    """The API's two jobs of an issued ticket (its audit entry, the guest's notification) and their outbox
    rows, in the API's envelope."""
    entry_id = str(uuid4())
    facts = {"event_id": e["e_id"], "member_id": me, "seats": seats, "status": "going", "source": source}
    audit = {
        "entry_id": entry_id,
        "actor_id": me,
        "action": "ticket.issued",
        "target_type": "ticket",
        "target_id": ticket_id,
        "at": now.isoformat(),
        "details": json.dumps(facts | {"paid": False}, sort_keys=True, default=str),
    }
    seats_text = f"{seats} seat{'s' if seats != 1 else ''}"
    key = f"notification:{uuid4()}"
    wire = {"type": "reminder", "route": "ticket_detail", "event_id": e["e_id"], "ticket_id": ticket_id}
    notify = {
        "key": key,
        "template": "ticket_confirmed",
        "recipient_id": me,
        "sender_id": None,
        "kind": "reminder",
        "title": f"You're going: {e['e_title']}",
        "body": f"Your ticket for {seats_text} is confirmed. Show it at the door.",
        "urgent": True,
        "data": json.dumps({k: str(v) for k, v in wire.items()}, sort_keys=True),
    }
    return [
        (uuid4(), AUDIT_JOB, audit, f"audit:{entry_id}", 8),
        (uuid4(), NOTIFY_JOB, notify, key, 5),
    ]


async def _refused_on_marker(
    event_id: int, me: int, jti: str, seats: int, now: datetime, *, price: Decimal | None = None
) -> Any:
    """The sold-out check (with the session's revocation); a refusal when a marker stands for the caller."""
    if sold_out.check is None:
        sold_out.check = infra.redis.register_script(SOLD_OUT_CHECK)
    keys = [*_sold_out_keys(event_id), f"loopin:revoked:{jti}", f"loopin:revoked:member:{me}"]
    opening, full, held, revoked = await sold_out.check(keys=keys, args=[me, secrets.token_hex(8), 24 * 3600])
    if revoked:
        raise NotAuthorizedException("Logged out.")
    if not 1 <= seats <= 10:
        raise ValidationException("seats must be between 1 and 10")
    marker = msgspec.msgpack.decode(full) if full is not None else None
    if marker is None or marker[0] != opening.decode() or held:
        return opening.decode()
    if marker[1] == me or now.timestamp() >= marker[2]:
        return opening.decode()
    kind = None if marker[3] is None else Decimal(marker[3])
    if kind != price or (price is not None and seats > 1 and not marker[4]):  # a marker of the caller's kind
        return opening.decode()
    names = [f"loopin:revoked:{jti}", f"loopin:revoked:member:{me}"]
    names += [f"loopin:profile:version:{me}", f"loopin:profile:{me}"]
    token_revoked, member_revoked, _, kept = await infra.redis.mget(names)
    if token_revoked is not None or member_revoked is not None:
        raise NotAuthorizedException("Logged out.")
    if kept is not None:
        msgspec.msgpack.decode(kept)  # the API decodes the kept entry to compare its version
    raise Refused(400, "CAPACITY_FULL", "This event is full.")


async def _mark_sold_out(
    conn: Any, e: Any, opening: str, holders: list[int], *, ttl: int = SOLD_OUT_TTL, price: Decimal | None = None
) -> None:
    if sold_out.mark is None:
        sold_out.mark = infra.redis.register_script(SOLD_OUT_MARK)
    if ttl <= 0:
        return
    p = "" if "id" in e else "e_"  # the order's event row, or the confirmation's joined one
    facts = [opening, e[f"{p}host_id"], e[f"{p}start_time"].timestamp()]
    full = msgspec.msgpack.encode([*facts, None if price is None else str(price), e[f"{p}allow_plus_one"]])
    await sold_out.mark(keys=_sold_out_keys(e[f"{p}id"]), args=[opening, full, ttl, 1000, *holders])


@post("/api/events/{event_id:int}/confirm-attendance", status_code=200)
async def confirm_attendance(request: Request[Any, Any, Any], event_id: int, data: ConfirmIn) -> TicketOut:
    claims = await session_claims(request, check_revocation=False)  # read in the sold-out check's round trip
    me, seats = int(claims["user_id"]), data.seats
    now = datetime.now(UTC)
    opening = await _refused_on_marker(event_id, me, claims["jti"], seats, now)
    async with infra.engine.connect() as conn:
        f = (await conn.execute(CONFIRMATION_FACTS, {"e": event_id, "m": me})).mappings().one_or_none()
        if f is None:
            raise NotAuthorizedException("Account not found.")
        if f["m_status"] != "active":
            raise PermissionDeniedException("Members only.")
        if f["e_id"] is None or f["e_deleted_at"] is not None:
            raise NotFoundException("Event not found.")
        host_id, status = f["e_host_id"], f["e_status"]
        hidden = host_id != me and (status == "draft" or not f["e_is_public"])
        if hidden and (
            status == "draft" or event_id not in set((await conn.execute(GRANTS, {"m": me})).scalars())
        ):
            raise NotFoundException("Event not found.")
        if f["t_id"] is not None and f["t_status"] != "cancelled":
            raise Refused(409, "ALREADY_CONFIRMED", "You already hold a ticket.")  # (never in the rush)
        if host_id == me:
            raise Refused(400, "HOST_CANNOT_JOIN", "You host this event.")
        if status != "published" or now >= f["e_start_time"]:
            raise Refused(400, "EVENT_NOT_OPEN", "This event does not take guests right now.")
        if f["t_id"] is not None or (f["e_seats_held"] and not f["e_is_paid"]):
            raise Refused(409, "UNDER_LOCK", "(never in the bench: the API's event-locked path)")
        capacity, taken, held = f["e_max_capacity"], f["e_seats_taken"], f["e_seats_held"]
        if not f["e_is_paid"] and capacity and taken + held + seats > capacity:
            if taken >= capacity and not held and f["e_is_public"] and SOLD_OUT_TTL > 0:
                await _mark_sold_out(
                    conn, f, opening, list((await conn.execute(TICKET_HOLDERS, {"e": event_id})).scalars())
                )
            left = max(0, capacity - taken - held)
            raise Refused(400, "CAPACITY_FULL", f"Only {left} seats left; you asked for {seats}.")
        request_id = invitation_id = None
        confirm_by = f["r_confirm_by"]
        if f["r_id"] is not None and f["r_status"] == "accepted" and (confirm_by is None or now < confirm_by):
            request_id = f["r_id"]
        elif f["i_id"] is not None and f["i_status"] == "accepted":
            invitation_id = f["i_id"]
        else:
            raise Refused(400, "NO_ACCEPTED_REQUEST", "You need an accepted request or invitation.")
        if seats > 1 and not f["e_allow_plus_one"]:
            raise Refused(400, "PLUS_ONES_NOT_ALLOWED", "This event does not allow plus-ones.")
        if f["e_is_paid"]:
            raise Refused(400, "PAYMENT_REQUIRED", "This is a paid event.")
        ticket_uuid, nonce = uuid4(), secrets.token_hex(16)
        secret = ticket_secret(ticket_uuid, nonce)
        source = "request" if request_id else "invitation"
        ticket_id = (
            await conn.execute(
                INSERT_TICKET,
                {
                    "uuid": ticket_uuid,
                    "e": event_id,
                    "m": me,
                    "seats": seats,
                    "source": source,
                    "nonce": nonce,
                    "digest": lookup_digest(secret),
                    "request_id": request_id,
                    "invitation_id": invitation_id,
                    "now": now,
                },
            )
        ).scalar_one()
        jobs = _confirm_jobs(ticket_id, me, f, seats, source, now)
        rows = [
            {
                "id": job_id,
                "name": name,
                "body": msgspec.json.encode([payload, key, attempts, 30, True]),
                "now": now,
                "available_at": now + OUTBOX_HOLD,
            }
            for job_id, name, payload, key, attempts in jobs
        ]
        await conn.execute(OUTBOX_ROW, rows)
        if (await conn.execute(TAKE_IF_FITS, {"n": seats, "now": now, "id": event_id})).first() is None:
            raise Refused(400, "CAPACITY_FULL", "This event is full.")  # rolled back as the connection closes
        if request_id is not None:
            marked = await conn.execute(
                REQUEST_TICKETED_IF_ACCEPTED, {"now": now, "id": request_id, "was": confirm_by}
            )
            if marked.first() is None:
                raise Refused(409, "REQUEST_CHANGED", "(never in the bench: the API locks and checks again)")
        await conn.commit()
    for job_id, name, payload, key, _ in jobs:
        await enqueue_job(name, payload, key)
        await acknowledge_soon(job_id)
    await infra.redis.incr(f"{CACHE}:generation")
    await infra.redis.delete(*_sold_out_keys(event_id))
    covers = f["e_cover_image_keys"] or ()
    return TicketOut(
        success=True,
        ticket_id=ticket_id,
        event_id=event_id,
        event_title=f["e_title"],
        event_start_time=_wall_clock(f["e_start_time"], f["e_timezone"]),
        event_end_time=_wall_clock(f["e_end_time"], f["e_timezone"]),
        timezone=f["e_timezone"],
        venue_name=f["v_name"],
        cover_image_url=f"{MEDIA_PREFIX}/{covers[0]}" if covers else None,
        ticket_secret=secret,
        qr_code_data=f"EVENT:{event_id}:TICKET:{secret}",
        seats=seats,
        is_paid=False,
        payment_status="unpaid",
        status="going",
        checked_in=False,
        checked_in_at=None,
        created_at=now,
    )


@post("/api/events/{event_id:int}/check-in", status_code=200)
async def check_in(request: Request[Any, Any, Any], event_id: int, data: CheckInIn) -> DoorOut:
    claims = await session_claims(request)
    me = int(claims["user_id"])
    now = datetime.now(UTC)
    job: tuple[UUID, dict[str, Any], str] | None = None
    async with infra.engine.connect() as conn:
        m = await active_member(conn, me)
        e = (await conn.execute(EVENT_ROW, {"id": event_id})).mappings().one_or_none()
        if e is None or e["deleted_at"] is not None:
            raise NotFoundException("Event not found.")
        if e["host_id"] != me and m["role"] not in ("staff", "superuser"):
            raise PermissionDeniedException("Only the host of this event can do this.")
        if e["status"] not in ("published", "postponed", "completed"):
            raise Refused(409, "CHECK_IN_CLOSED", "The door is closed.")
        if not e["start_time"] - timedelta(hours=12) <= now <= e["end_time"] + timedelta(hours=12):
            raise Refused(409, "CHECK_IN_CLOSED", "Check-in is not open.")
        code = CODE.match(data.ticket_secret.strip())
        if code is None:
            raise Refused(404, "TICKET_NOT_FOUND", "This is not a valid ticket code.")
        digest = lookup_digest(code.group(2))
        t = (await conn.execute(LOCK_TICKET_BY_DIGEST, {"d": digest})).mappings().one_or_none()
        if t is None or t["event_id"] != event_id:
            raise Refused(404, "TICKET_NOT_FOUND", "No ticket for this event has this code.")
        if t["status"] == "cancelled":
            raise Refused(409, "TICKET_CANCELLED", "This ticket was cancelled.")
        already = t["status"] == "checked_in"
        checked_in_at = t["checked_in_at"]
        if not already:
            checked_in_at = checked_in_at or now
            await conn.execute(CHECK_IN, {"checked_in_at": checked_in_at, "now": now, "id": t["id"]})
            entry_id = str(uuid4())
            facts = {"event_id": event_id, "member_id": t["member_id"], "seats": t["seats"]}
            facts |= {"status": "checked_in", "source": t["source"], "by_code": True}
            payload = {
                "entry_id": entry_id,
                "actor_id": me,
                "action": "ticket.checked_in",
                "target_type": "ticket",
                "target_id": t["id"],
                "at": now.isoformat(),
                "details": json.dumps(facts, sort_keys=True, default=str),
            }
            job = (uuid4(), payload, f"audit:{entry_id}")
            body = msgspec.json.encode([payload, job[2], 8, 30, True])  # the API's outbox envelope
            await conn.execute(
                OUTBOX_ROW,
                {"id": job[0], "name": AUDIT_JOB, "body": body, "now": now, "available_at": now + OUTBOX_HOLD},
            )
        card = (await conn.execute(MEMBER_CARD, {"id": t["member_id"]})).mappings().one_or_none()
        await conn.commit()
    if job is not None:
        await enqueue_job(AUDIT_JOB, job[1], job[2])
        await acknowledge_soon(job[0])
    name = (card["name"] if card else "") or "Guest"
    return DoorOut(
        True,
        f"{name} was already checked in." if already else f"{name} checked in.",
        already,
        AttendeeOut(
            user_id=t["member_id"],
            full_name=card["name"] if card else "",
            username=None,
            profile_picture_url=f"{MEDIA_PREFIX}/{card['picture']}" if card and card["picture"] else None,
            ticket_id=t["id"],
            ticket_secret=ticket_secret(t["uuid"], t["nonce"]),
            seats=t["seats"],
            status="checked_in",
            payment_status=t["payment_status"],
            checked_in=True,
            is_checked_in=True,
            checked_in_at=checked_in_at,
            checked_out_at=None,
        ),
    )


# --- payments --------------------------------------------------------------------------------------------------

PAY_SALT = _derived_key("payu-sandbox").hex()[:32]
PAY_KEY = "SANDBOX"
EMAIL_DOMAIN = os.environ.get("PAYU_EMAIL_DOMAIN") or "guests.loopinsocial.in"
ORDER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
OPEN_ORDER = text(
    "SELECT order_id FROM payment_orders WHERE event_id = :e AND member_id = :m "
    "AND status IN ('created', 'pending')"
)
HOLD = text(
    "UPDATE events SET seats_held = seats_held + :n, updated_at = now() WHERE id = :id AND deleted_at IS NULL "
    "AND status IN ('published', 'postponed') "
    "AND (max_capacity = 0 OR seats_taken + seats_held + :n <= max_capacity) RETURNING id"
)
EVENT_ROW_HELD = text(f"SELECT {EVENT_COLUMNS}, events.seats_held FROM events WHERE events.id = :id")  # noqa: S608
LATEST_PLACE = text(
    "SELECT id, status, seats FROM waitlist_places WHERE event_id = :e AND member_id = :m ORDER BY id DESC LIMIT 1"
)
EXPIRE_OVERDUE = text(
    "UPDATE payment_orders SET status = 'expired', updated_at = :now WHERE event_id = :e "
    "AND status IN ('created', 'pending') AND expires_at <= :now RETURNING id, seats"
)
OPEN_HOLDS = text(
    "SELECT member_id, seats, expires_at FROM payment_orders WHERE event_id = :e "
    "AND status IN ('created', 'pending')"
)
MEMBER_TICKET = text(f"{TICKETS} WHERE event_id = :e AND member_id = :m")
MEMBER_REQUEST = text(
    "SELECT id, uuid, event_id, requester_id, status, message, host_message, seats_requested, confirm_by, "
    "decided_at, created_at, updated_at FROM join_requests WHERE event_id = :e AND requester_id = :m"
)
INSERT_ORDER = text(
    "INSERT INTO payment_orders (order_id, uuid, event_id, member_id, host_id, seats, base_price, fee_percentage, "
    "buyer_price, amount, host_share, platform_fee, currency, status, gateway, expires_at, bank_ref_num, "
    "failure_reason, captured_amount, refunded_amount, created_at, updated_at) "
    "VALUES (:ref, :uuid, :e, :m, :host, :seats, :base, :pct, :buyer, :amount, :host_share, :fee, 'INR', "
    "'created', 'sandbox', :expires, '', '', 0, 0, :now, :now) RETURNING id"
)
INSERT_NOTICE = text(
    "INSERT INTO payment_notices (key, source, txnid, verified, outcome, details, received_at) "
    "VALUES (:key, 'surl', :txnid, true, :outcome, '{}', :now) ON CONFLICT (key) DO NOTHING"
)
ORDER_ROW = text("SELECT id, status, amount, event_id, member_id FROM payment_orders WHERE order_id = :ref")
LOCK_ORDER = text(
    "SELECT id, status, amount, event_id, member_id, host_id, seats, host_share, platform_fee "
    "FROM payment_orders WHERE order_id = :ref FOR UPDATE"
)
ORDER_PAID = text(
    "UPDATE payment_orders SET status = 'paid', gateway_payment_id = :pid, bank_ref_num = :bank, "
    "captured_amount = amount, captured_at = :now, closed_at = :now, checked_at = :now, updated_at = :now "
    "WHERE id = :id"
)
CONVERT = text(
    "UPDATE events SET seats_held = seats_held - :n, seats_taken = seats_taken + :n WHERE id = :id "
    "AND seats_held >= :n"
)
INSERT_PAID_TICKET = text(
    "INSERT INTO tickets (uuid, event_id, member_id, seats, source, nonce, secret_digest, status, payment_status, "
    "payment_order_id, request_id, invitation_id, issued_at, created_at, updated_at) "
    "VALUES (:uuid, :e, :m, :seats, 'request', :nonce, :digest, 'going', 'paid', :ref, :request_id, NULL, "
    ":now, :now, :now) RETURNING id"
)
INSERT_LEDGER_TXN = text(
    "INSERT INTO ledger_transactions (key, kind, event_id, order_id, currency, at) "
    "VALUES (:key, 'payment', :e, :o, 'INR', :now) ON CONFLICT (key) DO NOTHING RETURNING id"
)
INSERT_LEDGER_ENTRY = text(
    "INSERT INTO ledger_entries (transaction_id, account, amount, event_id) VALUES (:t, :account, :amount, :e)"
)


def _sha512(*parts: str) -> str:
    return hashlib.sha512("|".join(parts).encode()).hexdigest()


class OrderIn(msgspec.Struct):
    event_id: int
    amount: float
    seats_count: int = 1


class OrderOut(msgspec.Struct):
    success: bool
    data: dict[str, Any]


@post("/api/payments/orders", status_code=201)
async def create_order(request: Request[Any, Any, Any], data: OrderIn) -> OrderOut:
    claims = await session_claims(request, check_revocation=False)  # read in the sold-out check's round trip
    me, seats, now = int(claims["user_id"]), data.seats_count, datetime.now(UTC)
    price = Decimal(str(data.amount)).quantize(Decimal("0.01"))
    opening = await _refused_on_marker(data.event_id, me, claims["jti"], seats, now, price=price)
    async with infra.engine.connect() as conn:
        member = await active_member(conn, me)
        e = (await conn.execute(EVENT_ROW_HELD, {"id": data.event_id})).mappings().one_or_none()
        if e is None or e["deleted_at"] is not None or (e["status"] == "draft" and e["host_id"] != me):
            raise NotFoundException("Event not found.")
        if not e["is_paid"]:
            raise Refused(400, "PAYMENT_NOT_REQUIRED", "This event is free: it does not require payment.")
        if e["host_id"] == me or e["status"] != "published" or now >= e["start_time"]:
            raise Refused(400, "EVENT_NOT_OPEN", "This event does not take guests right now.")
        if seats > 1 and not e["allow_plus_one"]:
            raise Refused(400, "PLUS_ONES_NOT_ALLOWED", "This event does not allow plus-ones.")
        base = e["ticket_price"]
        if price != base:
            raise Refused(400, "PRICE_CHANGED", f"The price is now {base}.")
        if (await conn.execute(OPEN_ORDER, {"e": data.event_id, "m": me})).first() is not None:
            raise Refused(409, "ORDER_OPEN", "(never in the bench)")
        if e["seats_held"] and (await conn.execute(LATEST_PLACE, {"e": data.event_id, "m": me})).first():
            raise Refused(409, "SEAT_OFFER", "(never in the bench: the API's seat offer path)")
        capacity, spoken_for = e["max_capacity"], e["seats_taken"] + e["seats_held"]
        if capacity and spoken_for + seats > capacity:
            released = (await conn.execute(EXPIRE_OVERDUE, {"e": data.event_id, "now": now})).all()
            if not released:  # the API's refusal: marks the event when every held seat is an open order's
                if spoken_for >= capacity and e["is_public"] and SOLD_OUT_TTL > 0:
                    holds = (await conn.execute(OPEN_HOLDS, {"e": data.event_id})).all()
                    if sum(h.seats for h in holds) == e["seats_held"]:
                        first = min((h.expires_at for h in holds), default=None)
                        ttl = (
                            SOLD_OUT_TTL
                            if first is None
                            else min(SOLD_OUT_TTL, int((first - now).total_seconds()))
                        )
                        await _mark_sold_out(conn, e, opening, [h.member_id for h in holds], ttl=ttl, price=base)
                raise Refused(400, "CAPACITY_FULL", "This event is full.")
            raise Refused(409, "RELEASED", "(never in the bench: overdue holds released)")
        t = (await conn.execute(MEMBER_TICKET, {"e": data.event_id, "m": me})).first()
        if t is not None and t.status != "cancelled":
            raise Refused(409, "ALREADY_CONFIRMED", "You already have a ticket for this event.")
        r = (await conn.execute(MEMBER_REQUEST, {"e": data.event_id, "m": me})).mappings().one_or_none()
        if r is None or r["status"] != "accepted":
            raise Refused(400, "NO_ACCEPTED_REQUEST", "You need an accepted request or invitation.")
        pct = Decimal(((await infra.redis.get("floor:fee")) or b"10.00").decode())
        buyer = (base * (1 + pct / 100)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        amount, host_share = buyer * seats, base * seats
        reference = f"LP{now:%y%m%d}" + "".join(secrets.choice(ORDER_ALPHABET) for _ in range(12))
        order_id = (
            await conn.execute(
                INSERT_ORDER,
                {
                    "ref": reference,
                    "uuid": uuid4(),
                    "e": data.event_id,
                    "m": me,
                    "host": e["host_id"],
                    "seats": seats,
                    "base": base,
                    "pct": pct,
                    "buyer": buyer,
                    "amount": amount,
                    "host_share": host_share,
                    "fee": amount - host_share,
                    "expires": now + timedelta(minutes=15),
                    "now": now,
                },
            )
        ).scalar_one()
        entry_id = str(uuid4())
        facts = {"order_id": reference, "event_id": data.event_id, "member_id": me, "status": "created"}
        facts |= {"amount": str(amount), "seats": seats, "gateway": "payu"}
        audit = {
            "entry_id": entry_id,
            "actor_id": me,
            "action": "payment_order.created",
            "target_type": "payment_order",
            "target_id": order_id,
            "at": now.isoformat(),
            "details": json.dumps(facts, sort_keys=True, default=str),
        }
        job = (uuid4(), audit, f"audit:{entry_id}")
        body = msgspec.json.encode([audit, job[2], 8, 30, True])  # the API's outbox envelope
        await conn.execute(
            OUTBOX_ROW,
            {"id": job[0], "name": AUDIT_JOB, "body": body, "now": now, "available_at": now + OUTBOX_HOLD},
        )
        if (await conn.execute(HOLD, {"n": seats, "id": data.event_id})).first() is None:
            raise Refused(400, "CAPACITY_FULL", "This event is full.")  # rolled back as the connection closes
        await conn.commit()
    await enqueue_job(AUDIT_JOB, job[1], job[2])
    await acknowledge_soon(job[0])
    await infra.redis.incr(f"{CACHE}:generation")
    await infra.redis.delete(*_sold_out_keys(data.event_id))
    origin = str(request.base_url).rstrip("/")
    payload = {
        "key": PAY_KEY,
        "txnid": reference,
        "amount": str(amount),
        "productinfo": f"Event Ticket: {e['title']}",
        "firstname": member["name"] or "Guest",
        "email": f"member-{me}@{EMAIL_DOMAIN}",
        "phone": member["phone_number"].lstrip("+"),
        "surl": origin + "/api/payments/payu/success",
        "furl": origin + "/api/payments/payu/failure",
    }
    p = payload
    payload["hash"] = _sha512(
        PAY_KEY, p["txnid"], p["amount"], p["productinfo"], p["firstname"], p["email"], *[""] * 10, PAY_SALT
    )
    order = {"id": order_id, "order_id": reference, "event_id": data.event_id, "amount": str(amount)}
    order |= {"currency": "INR", "status": "created"}
    return OrderOut(True, {"order": order, "payu_redirect": {"payu_url": origin + "/sandbox", "payload": payload}})


@post("/api/payments/payu/success", status_code=303)
async def payment_success(request: Request[Any, Any, Any]) -> Response[str]:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    f, now = form, datetime.now(UTC)
    expected = _sha512(
        PAY_SALT,
        f["status"],
        *[""] * 10,
        f["email"],
        f["firstname"],
        f["productinfo"],
        f["amount"],
        f["txnid"],
        PAY_KEY,
    )
    if f.get("key") != PAY_KEY or not hmac.compare_digest(expected, f.get("hash", "")):
        raise Refused(400, "INVALID_PAYMENT_SIGNATURE", "The payment response could not be verified.")
    reference = f["txnid"]
    async with infra.engine.connect() as conn:
        key = hashlib.sha256(repr(sorted(form.items())).encode()).hexdigest()
        await conn.execute(INSERT_NOTICE, {"key": key, "txnid": reference, "outcome": f["status"], "now": now})
        await conn.commit()
        o = (await conn.execute(ORDER_ROW, {"ref": reference})).mappings().one_or_none()
        if o is None or str(o["amount"]) != f["amount"]:
            raise Refused(400, "PAYMENT_MISMATCH", "The payment response does not match the order.")
        record = await infra.redis.get(f"loopin:sandbox:payment:{reference}")  # the sandbox's verify
        verdict = msgspec.json.decode(record) if record else {}
        if verdict.get("status") == "success":
            o = (await conn.execute(LOCK_ORDER, {"ref": reference})).mappings().one()
            if o["status"] == "created":
                await conn.execute(
                    ORDER_PAID,
                    {"pid": verdict["mihpayid"], "bank": verdict["bank_ref_num"], "now": now, "id": o["id"]},
                )
                await conn.execute(LOCK_TICKET, {"e": o["event_id"], "m": o["member_id"]})
                r = (await conn.execute(LOCK_REQUEST, {"e": o["event_id"], "m": o["member_id"]})).mappings().one()
                ticket_uuid, nonce = uuid4(), secrets.token_hex(16)
                await conn.execute(
                    INSERT_PAID_TICKET,
                    {
                        "uuid": ticket_uuid,
                        "e": o["event_id"],
                        "m": o["member_id"],
                        "seats": o["seats"],
                        "nonce": nonce,
                        "digest": lookup_digest(ticket_secret(ticket_uuid, nonce)),
                        "ref": reference,
                        "request_id": r["id"],
                        "now": now,
                    },
                )
                await conn.execute(REQUEST_TICKETED, {"now": now, "id": r["id"]})
                txn = (
                    await conn.execute(
                        INSERT_LEDGER_TXN,
                        {"key": f"order:{reference}:capture", "e": o["event_id"], "o": o["id"], "now": now},
                    )
                ).scalar_one()
                await conn.execute(
                    INSERT_LEDGER_ENTRY,
                    [
                        {"t": txn, "account": "sandbox_receivable", "amount": o["amount"], "e": o["event_id"]},
                        {
                            "t": txn,
                            "account": f"host_payable:{o['host_id']}",
                            "amount": -o["host_share"],
                            "e": o["event_id"],
                        },
                        {
                            "t": txn,
                            "account": "platform_fee_revenue",
                            "amount": -o["platform_fee"],
                            "e": o["event_id"],
                        },
                    ],
                )
                # last, as the API does: the event row's lock is held from here to the commit only
                await conn.execute(CONVERT, {"n": o["seats"], "id": o["event_id"]})
            status = "paid"
        else:
            status = o["status"]
        await conn.commit()
    await infra.redis.incr(f"{CACHE}:generation")
    location = f"/api/payments/payu/success?status={status}&txnid={reference}"
    return Response("", status_code=303, headers={"location": location})


POOL_WAIT = float(os.environ.get("DB_POOL_TIMEOUT", "120"))  # as the API's Settings.db_pool_timeout
REDIS_MAX = int(os.environ.get("REDIS_MAX_CONNECTIONS", "50"))


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    url = os.environ["DATABASE_URL"]
    infra.engine = create_async_engine(
        url,
        # as the API's engine (loopin.adapters.persistence.database.create_engine): the pool keeps every
        # connection it opens, up to DB_POOL_SIZE + DB_MAX_OVERFLOW, instead of reopening overflow ones under load
        pool_size=int(os.environ.get("DB_POOL_SIZE", "10")) + int(os.environ.get("DB_MAX_OVERFLOW", "20")),
        max_overflow=0,
        pool_timeout=POOL_WAIT,
        connect_args={"server_settings": {"application_name": "loopin-floor", "timezone": "UTC"}},
    )
    # As the API's: a bounded pool that a burst queues for (an unbounded one opens a connection per request).
    pool = BlockingConnectionPool.from_url(
        os.environ["REDIS_URL"],
        max_connections=REDIS_MAX,
        timeout=POOL_WAIT,
        socket_timeout=5,
        socket_connect_timeout=3,
    )
    infra.redis = Redis(connection_pool=pool)
    try:
        yield
    finally:
        await infra.redis.aclose(close_connection_pool=True)
        await infra.engine.dispose()


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[
            health,
            ready,
            profile,
            verify_otp,
            feed,
            detail,
            confirm_attendance,
            check_in,
            create_order,
            payment_success,
        ],
        exception_handlers={Refused: refused},
        lifespan=[lifespan],
        logging_config=None,
        openapi_config=None,
        debug=os.environ.get("FLOOR_DEBUG") == "1",  # tracebacks in 500 bodies, to diagnose
    )
