"""Benchmark data for ``bench/run.sh``: reset the bench database and Redis db, seed members, OTPs and tokens.

    python bench/seed.py reset   # a new public schema in the bench database, FLUSHDB the bench Redis db
    python bench/seed.py seed --members 10000 --otps 120000 --tokens bench/results/tokens.txt

Reads DATABASE_URL, REDIS_URL and SECRET_KEY like the server does (``load_settings``), so the OTP digests
(``KeyedDigest`` under ``Settings.derived_key("digest")``) and the session tokens (``JwtSessionTokens`` under
``Settings.session_secret``) are exactly what the server under test computes. Bulk rows go in with COPY.

OTP challenges: one row per phone ``+91<base + i>`` with the code ``otp_code(i)``; ``bench/lua/verify_otp.lua``
walks the same sequence, so every request consumes a different valid code. Two disjoint phone ranges are seeded,
one for the API and one for the floor app (both insert a member per verified phone).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from redis.asyncio import Redis

from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.entrypoints.settings import load_settings

APP_PHONE_BASE = 9_800_000_000  # +91 98000 00000 ...: the API's verify-otp range
FLOOR_PHONE_BASE = 9_810_000_000  # +91 98100 00000 ...: the floor's verify-otp range
MEMBER_PHONE_BASE = 9_790_000_000  # +91 97900 00000 ...: seeded members (profile scenario)


def otp_phone(base: int, i: int) -> str:
    return f"+91{base + i}"


def otp_code(i: int) -> str:
    """Same formula as ``bench/lua/verify_otp.lua``."""
    return f"{(i * 7919 + 1234) % 10000:04d}"


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def database_name(dsn: str) -> str:
    return urlsplit(dsn).path.lstrip("/")


def admin_dsn(dsn: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/postgres"))


def _require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"seed.py: {name} is not set")
    return value


async def reset() -> None:
    dsn = asyncpg_dsn(_require("DATABASE_URL"))
    name = database_name(dsn)
    if "bench" not in name or not name.replace("_", "").isalnum():
        sys.exit(f"seed.py: refusing to drop database {name!r}: only a *bench* database (loopin_bench) is reset")
    conn = await asyncpg.connect(admin_dsn(dsn))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    # A new schema rather than a new database: DROP DATABASE waits for a checkpoint (minutes on a busy disk).
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await conn.execute("DROP SCHEMA public CASCADE")
        await conn.execute("CREATE SCHEMA public")
    finally:
        await conn.close()
    redis_url = _require("REDIS_URL")
    redis = Redis.from_url(redis_url)
    try:
        db = redis.connection_pool.connection_kwargs.get("db", 0)
        if int(db) in (0, 15):
            sys.exit(f"seed.py: refusing to flush Redis db {db}; the benchmark uses db 14")
        await redis.flushdb()
    finally:
        await redis.aclose()
    print(f"reset: database {name} emptied (new schema), redis db {db} flushed")


async def seed(members: int, otps: int, tokens_path: Path) -> None:
    settings = load_settings()
    if not settings.database_url:
        sys.exit("seed.py: DATABASE_URL is not set")
    digest = KeyedDigest(settings.derived_key("digest"))
    tokens = JwtSessionTokens(
        settings.session_secret, algorithm=settings.jwt_algorithm, lifetime=settings.jwt_lifetime
    )
    for base in (APP_PHONE_BASE, FLOOR_PHONE_BASE, MEMBER_PHONE_BASE):
        for i in (0, otps - 1, members - 1):
            PhoneNumber.parse(otp_phone(base, i))  # every seeded number must be valid for the API
    rng = random.Random(20261125)
    now = datetime.now(UTC)
    started = time.perf_counter()

    conn = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    try:
        interest_ids = [r["id"] for r in await conn.fetch("SELECT id FROM event_interests WHERE is_active")]
        if len(interest_ids) < 5:
            sys.exit("seed.py: the migration did not seed the event interests")

        genders = ("male", "female", "other", "prefer_not_to_say")
        member_rows = []
        for i in range(members):
            picked = rng.sample(interest_ids, rng.randint(1, 5))
            joined = now - timedelta(days=rng.randint(1, 300))
            member_rows.append(
                (
                    otp_phone(MEMBER_PHONE_BASE, i),  # phone_number
                    "member",  # role
                    "active",  # status
                    f"Bench Member {i}",  # name
                    date(1985, 1, 1) + timedelta(days=rng.randint(0, 6000)),  # birth_date
                    genders[i % len(genders)],  # gender
                    "Here for the board games and the long walks. " * 3,  # bio
                    "Bengaluru",  # location
                    picked,  # interest_ids
                    [f"members/{i}/{n}.jpg" for n in range(rng.randint(1, 4))],  # picture_keys
                    joined,  # waitlisted_at
                    None,  # promote_at (already let in)
                    joined,  # created_at
                    joined,  # updated_at
                )
            )
        await conn.copy_records_to_table(
            "members",
            records=member_rows,
            columns=[
                "phone_number",
                "role",
                "status",
                "name",
                "birth_date",
                "gender",
                "bio",
                "location",
                "interest_ids",
                "picture_keys",
                "waitlisted_at",
                "promote_at",
                "created_at",
                "updated_at",
            ],
        )

        expires = now + timedelta(hours=2)
        otp_rows = [
            (
                phone,
                digest.digest(otp_code(i), context=f"otp:{phone}"),  # as OtpChallenge.issue computes it
                now,
                expires,
                0,
                None,
            )
            for base in (APP_PHONE_BASE, FLOOR_PHONE_BASE)
            for i in range(otps)
            for phone in (otp_phone(base, i),)
        ]
        await conn.copy_records_to_table(
            "otp_challenges",
            records=otp_rows,
            columns=["phone_number", "code_digest", "issued_at", "expires_at", "attempts", "consumed_at"],
        )

        stored = await conn.fetch(
            "SELECT id, phone_number FROM members WHERE phone_number LIKE $1 ORDER BY id",
            f"+91{str(MEMBER_PHONE_BASE)[:4]}%",
        )
        await conn.execute("VACUUM ANALYZE members")
        await conn.execute("VACUUM ANALYZE otp_challenges")
        await conn.execute("VACUUM ANALYZE event_interests")
    finally:
        await conn.close()

    tokens_path.parent.mkdir(parents=True, exist_ok=True)
    with tokens_path.open("w", encoding="ascii") as fh:
        for row in stored:
            member = Member(id=row["id"], phone=PhoneNumber(row["phone_number"]))
            fh.write(tokens.issue(member, now=now).token + "\n")
    print(
        f"seed: {members} active members with profiles, {len(stored)} tokens -> {tokens_path}, "
        f"{otps} OTP challenges x 2 ranges (api +91{APP_PHONE_BASE}+i, floor +91{FLOOR_PHONE_BASE}+i) "
        f"in {time.perf_counter() - started:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("reset")
    seed_cmd = sub.add_parser("seed")
    seed_cmd.add_argument("--members", type=int, default=10_000)
    seed_cmd.add_argument("--otps", type=int, default=120_000, help="OTP challenges per phone range")
    seed_cmd.add_argument("--tokens", type=Path, default=Path("bench/results/tokens.txt"))
    args = parser.parse_args()
    if args.command == "reset":
        asyncio.run(reset())
    else:
        asyncio.run(seed(args.members, args.otps, args.tokens))


if __name__ == "__main__":
    main()
