"""Sold-out markers in Redis: three keys per event, in one hash slot (``{<event id>}``).

- ``open``: a random opening, created by the first ``check`` that finds none and deleted by ``clear``;
- ``full``: the marker, the opening it was set under and the event's facts (msgpack), with its lifetime;
- ``holders``: the members who held a ticket when it was set (a set), outliving ``full`` by a few seconds so a
  standing marker never meets a missing set.

``check`` also reads the session's two revocation keys (``RedisTokenRevocations``), so a confirmation's bearer
check costs no round trip of its own (as the hot reads' ``MGET``; the keys are in other slots, as theirs).

A marker counts only while ``full`` carries the opening ``open`` holds: ``clear`` deletes the opening, so every
marker set before it, and every mark still on its way from a reader that began before it, is void at once.
``check`` and ``mark`` are scripts (one round trip each, atomic).
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

import msgspec
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.adapters.redis.revocations import RedisTokenRevocations
from loopin.usecases.events.ports import SoldOut, SoldOutCheck, SoldOutEvents

log = structlog.get_logger(__name__)
OPENING_TTL_SECONDS = 24 * 3600
HOLDERS_GRACE_SECONDS = 5
_BATCH = 1000  # members per SADD (Lua's unpack has a stack limit)

CHECK_SCRIPT = """
local revoked = redis.call('EXISTS', KEYS[4], KEYS[5])
local opening = redis.call('GET', KEYS[1])
if not opening then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return {ARGV[2], false, 0, revoked}
end
local full = redis.call('GET', KEYS[2])
if not full then return {opening, false, 0, revoked} end
return {opening, full, redis.call('SISMEMBER', KEYS[3], ARGV[1]), revoked}
"""

MARK_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[3])
for i = 5, #ARGV, tonumber(ARGV[4]) do
  redis.call('SADD', KEYS[3], unpack(ARGV, i, math.min(i + tonumber(ARGV[4]) - 1, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[3]) + HOLDERS_GRACE)
return 1
""".replace("HOLDERS_GRACE", str(HOLDERS_GRACE_SECONDS))


class _Full(msgspec.Struct, array_like=True):
    opening: str
    host_id: int
    start_time: datetime
    ticket_price: Decimal | None
    allow_plus_one: bool


_ENCODE = msgspec.msgpack.Encoder().encode
_DECODE = msgspec.msgpack.Decoder(_Full).decode


class RedisSoldOutEvents(SoldOutEvents):
    prefix = "loopin:sold-out"

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._check = redis.register_script(CHECK_SCRIPT)
        self._mark = redis.register_script(MARK_SCRIPT)

    def _keys(self, event_id: int) -> list[str]:
        tag = f"{self.prefix}:{{{event_id}}}"
        return [f"{tag}:open", f"{tag}:full", f"{tag}:holders"]

    async def check(self, event_id: int, member_id: int, token_id: str) -> SoldOutCheck:
        args: list[str | int | bytes] = [member_id, secrets.token_hex(8), OPENING_TTL_SECONDS]
        keys = [*self._keys(event_id), *RedisTokenRevocations.keys(token_id, member_id)]
        try:
            raw_opening, raw_full, held, revoked = await self._check(keys=keys, args=args)
        except RedisError:
            log.warning("sold-out markers unavailable", exc_info=True)
            return SoldOutCheck(None)
        opening = raw_opening.decode()
        full = None
        if raw_full is not None:
            try:
                full = _DECODE(raw_full)
            except msgspec.DecodeError:  # another release's shape: no marker
                full = None
        if full is None or full.opening != opening:
            return SoldOutCheck(opening, revoked=bool(revoked))
        sold_out = SoldOut(full.host_id, full.start_time, full.ticket_price, full.allow_plus_one)
        return SoldOutCheck(opening, sold_out, bool(held), revoked=bool(revoked))

    async def mark(
        self, event_id: int, opening: str, sold_out: SoldOut, ticket_holders: Collection[int], ttl_seconds: int
    ) -> None:
        if ttl_seconds <= 0:
            return
        full = _ENCODE(
            _Full(opening, sold_out.host_id, sold_out.start_time, sold_out.ticket_price, sold_out.allow_plus_one)
        )
        args: list[str | int | bytes] = [opening, full, ttl_seconds, _BATCH, *ticket_holders]
        try:
            await self._mark(keys=self._keys(event_id), args=args)
        except RedisError:
            log.warning("sold-out markers unavailable", exc_info=True)

    async def clear(self, event_id: int) -> None:
        try:
            await self._redis.delete(*self._keys(event_id))
        except RedisError:
            log.error("a sold-out marker could not be cleared; it expires on its own", exc_info=True)
