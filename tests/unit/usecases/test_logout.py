"""Logout: the session token's id is revoked until the token would have expired anyway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.identity.logout import Logout
from loopin.usecases.identity.ports import TokenRevocations
from tests.unit.usecases.world import START, World, phone


async def session_ids(world: World, token: str) -> tuple[str, datetime]:
    claims = await world.token_claims(token)
    return str(claims["jti"]), datetime.fromtimestamp(claims["exp"], UTC)


async def test_logging_out_revokes_exactly_that_token(world: World) -> None:
    mine = await world.sign_in(phone(1))
    other = await world.sign_in(phone(2))
    revocations: TokenRevocations = await world.get(TokenRevocations)
    token_id, expires_at = await session_ids(world, mine.token)
    assert expires_at == START + timedelta(days=30)
    assert not await revocations.is_revoked(token_id)
    await world.run(Logout, member_id=mine.member_id, token_id=token_id, expires_at=expires_at)
    assert await revocations.is_revoked(token_id)
    other_id, _ = await session_ids(world, other.token)
    assert not await revocations.is_revoked(other_id)
    async with world.container() as scope:
        (signed_out,) = await (await scope.get(AuditLog)).search(AuditQuery(action="member.signed_out"))
    assert (signed_out.actor_id, signed_out.target_id) == (mine.member_id, mine.member_id)


async def test_a_new_sign_in_after_logout_gets_a_working_token(world: World) -> None:
    first = await world.sign_in()
    revocations: TokenRevocations = await world.get(TokenRevocations)
    token_id, expires_at = await session_ids(world, first.token)
    await world.run(Logout, member_id=1, token_id=token_id, expires_at=expires_at)
    world.fakes.clock.advance(timedelta(seconds=30))
    second = await world.sign_in()
    second_id, _ = await session_ids(world, second.token)
    assert second.member_id == first.member_id
    assert not await revocations.is_revoked(second_id)


async def test_the_revocation_lasts_until_the_token_expires(world: World) -> None:
    session = await world.sign_in()
    revocations: TokenRevocations = await world.get(TokenRevocations)
    token_id, expires_at = await session_ids(world, session.token)
    await world.run(Logout, member_id=1, token_id=token_id, expires_at=expires_at)
    world.fakes.clock.advance(timedelta(days=30) - timedelta(seconds=1))
    assert await revocations.is_revoked(token_id)
    world.fakes.clock.advance(timedelta(seconds=1))
    assert not await revocations.is_revoked(token_id)  # the token is dead by its own expiry now


async def test_logging_out_twice_is_harmless(world: World) -> None:
    session = await world.sign_in()
    revocations: TokenRevocations = await world.get(TokenRevocations)
    token_id, expires_at = await session_ids(world, session.token)
    await world.run(Logout, member_id=1, token_id=token_id, expires_at=expires_at)
    await world.run(Logout, member_id=1, token_id=token_id, expires_at=expires_at)
    assert await revocations.is_revoked(token_id)


async def test_an_already_expired_token_needs_no_revocation(world: World) -> None:
    revocations: TokenRevocations = await world.get(TokenRevocations)
    await world.run(Logout, member_id=1, token_id="expired-token-id", expires_at=START - timedelta(seconds=1))
    assert not await revocations.is_revoked("expired-token-id")
