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
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.interleavings import YieldPoint, pause_provider, within
from tests.unit.usecases.world import PHONE, World

PARALLEL = 20


@pytest.fixture(params=["sequential-adapters", "interleaved"])
async def racing_world(request: pytest.FixtureRequest, make_world: MakeWorld) -> World:
    if request.param == "sequential-adapters":
        return await make_world()
    point = YieldPoint()
    return await make_world(
        pause_provider(
            OtpChallengeRepository,
            MemoryOtpChallengeRepository,
            after={"lock_for_sign_in": point, "put": point},
        ),
        pause_provider(
            MemberRepository,
            MemoryMemberRepository,
            after={"lock_by_phone": point, "get": point, "add": point, "add_if_phone_free": point},
        ),
    )


async def verify_all(world: World, codes: list[str]) -> list[Any]:
    results = await within(
        asyncio.gather(*(world.verify(PHONE, c) for c in codes), return_exceptions=True),
    )
    unexpected = [r for r in results if not isinstance(r, SessionStarted | OtpRejected)]
    assert unexpected == [], "every caller gets a session or a clear domain error"
    return list(results)


def codes_of(results: list[Any]) -> list[str]:
    return sorted(r.code for r in results if isinstance(r, OtpRejected))


async def test_parallel_wrong_codes_use_at_most_three_tries(racing_world: World) -> None:
    world = racing_world
    code = await world.request_code()
    wrong = f"{(int(code) + 1) % 10_000:04d}"
    results = await verify_all(world, [wrong] * PARALLEL)
    assert not any(isinstance(r, SessionStarted) for r in results)
    assert codes_of(results) == sorted(["OTP_INVALID"] * 2 + ["OTP_ATTEMPTS_EXCEEDED"] * (PARALLEL - 2))
    challenge = await world.challenge()
    assert challenge is not None
    assert challenge.attempts == 3
    with pytest.raises(OtpRejected) as caught:
        await world.verify(PHONE, code)
    assert caught.value.code == "OTP_ATTEMPTS_EXCEEDED"
    assert await world.members_with_phone(PHONE) == []


async def test_parallel_right_codes_create_exactly_one_account(racing_world: World) -> None:
    world = racing_world
    code = await world.request_code()
    results = await verify_all(world, [code] * PARALLEL)
    sessions = [r for r in results if isinstance(r, SessionStarted)]
    assert len(sessions) == 1
    assert sessions[0].created is True
    assert codes_of(results) == ["OTP_ALREADY_USED"] * (PARALLEL - 1)
    [member] = await world.members_with_phone(PHONE)
    assert member.id == sessions[0].member_id
    assert [e.event for e in world.analytics()] == ["member_signed_up", "otp_verified"]
    with pytest.raises(OtpRejected) as caught:
        await world.verify(PHONE, code)
    assert caught.value.code == "OTP_ALREADY_USED"


async def test_parallel_mixed_codes_let_the_right_one_through_only_while_tries_remain(racing_world: World) -> None:
    world = racing_world
    code = await world.request_code()
    wrong = f"{(int(code) + 1) % 10_000:04d}"
    attempts = [wrong, wrong, code] + [wrong] * 7 + [code] * 10
    results = await verify_all(world, attempts)
    sessions = [r for r in results if isinstance(r, SessionStarted)]
    assert len(sessions) <= 1
    assert len(await world.members_with_phone(PHONE)) == len(sessions)
    challenge = await world.challenge()
    assert challenge is not None
    assert challenge.attempts <= 3
    # the requests queue on the challenge lock in arrival order: two wrong tries, then the right code wins
    assert len(sessions) == 1
    assert challenge.attempts == 2
