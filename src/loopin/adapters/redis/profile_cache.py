"""Members' rendered profiles in Redis, each under a version that every save of the member replaces.

A read is one ``MGET``: the session's two revocation keys (``RedisTokenRevocations``), the member's version and
the kept entry. Versions are random, so a value is never reused: an entry kept by a read that began before a
change carries the version the change replaced and is never sent. A version key outlives every entry kept
under the version before it (``VERSION_GRACE_SECONDS`` past the entries' lifetime), so an expired version
cannot bring an old entry back either.
"""

from __future__ import annotations

import secrets

import msgspec
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.adapters.redis.revocations import RedisTokenRevocations
from loopin.domain.shared.errors import Unavailable
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import KeptProfile, ProfileCache

log = structlog.get_logger(__name__)
NO_VERSION = "0"  # a member never saved since their entry's lifetime began
VERSION_GRACE_SECONDS = 3600


class _Entry(msgspec.Struct, array_like=True):
    version: str
    body: bytes


_ENCODE = msgspec.msgpack.Encoder().encode
_DECODE = msgspec.msgpack.Decoder(_Entry).decode


class RedisProfileCache(ProfileCache):
    prefix = "loopin:profile"

    def __init__(self, redis: Redis, config: IdentityConfig) -> None:
        self._redis = redis
        self._version_ttl = config.profile_cache_ttl_seconds + VERSION_GRACE_SECONDS

    async def read(self, member_id: int, token_id: str) -> KeptProfile:
        names = [
            *RedisTokenRevocations.keys(token_id, member_id),
            f"{self.prefix}:version:{member_id}",
            f"{self.prefix}:{member_id}",
        ]
        try:
            token_revoked, member_revoked, version, raw = await self._redis.mget(names)
        except RedisError as exc:
            raise Unavailable() from exc  # as the revocation check: no session is let through unchecked
        revoked = token_revoked is not None or member_revoked is not None
        current = version.decode() if version is not None else NO_VERSION
        body = None
        if raw is not None and not revoked:
            try:
                entry = _DECODE(raw)
            except msgspec.DecodeError:  # another release's shape: a miss
                entry = None
            if entry is not None and entry.version == current:
                body = entry.body
        return KeptProfile(revoked, current, body)

    async def keep(self, member_id: int, version: str, body: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        try:
            await self._redis.set(f"{self.prefix}:{member_id}", _ENCODE(_Entry(version, body)), ex=ttl_seconds)
        except RedisError:
            log.warning("profile cache unavailable", exc_info=True)

    async def forget(self, member_id: int) -> None:
        try:
            await self._redis.set(f"{self.prefix}:version:{member_id}", secrets.token_hex(8), ex=self._version_ttl)
        except RedisError:
            log.error("a kept profile could not be forgotten; it expires on its own", exc_info=True)
