"""Parallel verifications of one code on the in-memory adapters: the challenge row lock keeps the try limit
and single use. Each case also runs with a yield right after every read of the challenge and the member,
where a real database would wait on the network, so the requests really overlap."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from loopin.adapters.memory.identity import MemoryMemberRepository, MemoryOtpChallengeRepository
from loopin.domain.identity.otp import OtpRejected
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository
from loopin.usecases.identity.verify_otp import SessionStarted
from tests.unit.usecases.conftest import MakeApp
from tests.unit.usecases.harness import PHONE, App, YieldPoint, pause_provider, within

PARALLEL = 20


@pytest.fixture(params=["sequential-adapters", "interleaved"])
async def racing_app(request: pytest.FixtureRequest, make_app: MakeApp) -> App:
    if request.param == "sequential-adapters":
        return await make_app()
    point = YieldPoint()
    return await make_app(
        pause_provider(
            OtpChallengeRepository, MemoryOtpChallengeRepository, after={"get_for_update": point, "put": point}
        ),
        pause_provider(
            MemberRepository, MemoryMemberRepository, after={"find_by_phone": point, "get": point, "add": point}
        ),
    )


async def verify_all(app: App, codes: list[str]) -> list[Any]:
    results = await within(
        asyncio.gather(*(app.verify(PHONE, c) for c in codes), return_exceptions=True),
    )
    unexpected = [r for r in results if not isinstance(r, SessionStarted | OtpRejected)]
    assert unexpected == [], "every caller gets a session or a clear domain error"
    return list(results)


def codes_of(results: list[Any]) -> list[str]:
    return sorted(r.code for r in results if isinstance(r, OtpRejected))


async def test_parallel_wrong_codes_use_at_most_three_tries(racing_app: App) -> None:
    app = racing_app
    code = await app.request_code()
    wrong = f"{(int(code) + 1) % 10_000:04d}"
    results = await verify_all(app, [wrong] * PARALLEL)
    assert not any(isinstance(r, SessionStarted) for r in results)
    assert codes_of(results) == sorted(["OTP_INVALID"] * 2 + ["OTP_ATTEMPTS_EXCEEDED"] * (PARALLEL - 2))
    challenge = await app.challenge()
    assert challenge is not None
    assert challenge.attempts == 3
    with pytest.raises(OtpRejected) as caught:
        await app.verify(PHONE, code)
    assert caught.value.code == "OTP_ATTEMPTS_EXCEEDED"
    assert await app.members_with_phone(PHONE) == []


async def test_parallel_right_codes_create_exactly_one_account(racing_app: App) -> None:
    app = racing_app
    code = await app.request_code()
    results = await verify_all(app, [code] * PARALLEL)
    sessions = [r for r in results if isinstance(r, SessionStarted)]
    assert len(sessions) == 1
    assert sessions[0].created is True
    assert codes_of(results) == ["OTP_ALREADY_USED"] * (PARALLEL - 1)
    [member] = await app.members_with_phone(PHONE)
    assert member.id == sessions[0].member_id
    assert [e.event for e in app.events()] == ["member_signed_up", "otp_verified"]
    with pytest.raises(OtpRejected) as caught:
        await app.verify(PHONE, code)
    assert caught.value.code == "OTP_ALREADY_USED"


async def test_parallel_mixed_codes_let_the_right_one_through_only_while_tries_remain(racing_app: App) -> None:
    app = racing_app
    code = await app.request_code()
    wrong = f"{(int(code) + 1) % 10_000:04d}"
    attempts = [wrong, wrong, code] + [wrong] * 7 + [code] * 10
    results = await verify_all(app, attempts)
    sessions = [r for r in results if isinstance(r, SessionStarted)]
    assert len(sessions) <= 1
    assert len(await app.members_with_phone(PHONE)) == len(sessions)
    challenge = await app.challenge()
    assert challenge is not None
    assert challenge.attempts <= 3
    # the requests queue on the challenge lock in arrival order: two wrong tries, then the right code wins
    assert len(sessions) == 1
    assert challenge.attempts == 2
