"""The floor of ``bench/run.sh``: a bare Litestar app doing the same database and Redis work as the API's
routes, without our layers (no dishka, no use cases, no repositories/ORM, no unit of work, no middleware).

    uvicorn --app-dir bench --factory floor_app:create_app

Same wire paths and JSON bodies as the API, so one wrk script drives both. Reads DATABASE_URL, REDIS_URL,
SECRET_KEY, DB_POOL_SIZE and DB_MAX_OVERFLOW like the API; keys are derived the same way (HMAC of the master
secret), so the seeded OTP digests and the minted tokens are valid here too.

* ``GET /api/auth/profile``: JWT check (PyJWT, same claims), Redis ``EXISTS`` of the revocation key,
  ``SELECT`` of the member row by id, ``SELECT`` of the chosen interests by ids, in one transaction.
* ``POST /api/auth/verify-otp``: ``SELECT ... FOR UPDATE`` of the OTP row, digest check, ``UPDATE`` (consumed),
  ``INSERT`` of the member ``RETURNING id``, ``COMMIT``, then a session JWT.

Deliberately absent (the API does them; the difference is what the ratio measures): phone parsing/validation,
the ``SELECT`` of an existing member by phone, the SAQ enqueue of analytics jobs after commit, the pool's
pre-ping, request-id/access-log middleware, dependency injection and entity mapping.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jwt
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException, ValidationException
from redis.asyncio import Redis
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.types import BigInteger

SECRET_KEY = os.environ["SECRET_KEY"]


def _derived_key(purpose: str) -> bytes:
    return hmac.new(SECRET_KEY.encode(), f"loopin/{purpose}".encode(), hashlib.sha256).digest()


DIGEST_KEY = _derived_key("digest")
JWT_KEY = os.environ.get("JWT_SECRET") or _derived_key("jwt").hex()
JWT_LIFETIME = timedelta(days=30)
MEDIA_PREFIX = "/api/media"

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
        await conn.commit()
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


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    url = os.environ["DATABASE_URL"]
    infra.engine = create_async_engine(
        url,
        pool_size=int(os.environ.get("DB_POOL_SIZE", "10")),
        max_overflow=int(os.environ.get("DB_MAX_OVERFLOW", "20")),
        connect_args={"server_settings": {"application_name": "loopin-floor", "timezone": "UTC"}},
    )
    infra.redis = Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5, socket_connect_timeout=3)
    try:
        yield
    finally:
        await infra.redis.aclose()
        await infra.engine.dispose()


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[health, ready, profile, verify_otp],
        lifespan=[lifespan],
        logging_config=None,
        openapi_config=None,
        debug=False,
    )
