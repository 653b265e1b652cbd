"""Keyed one-way digests for secrets the server must recognise but never store (OTPs, ticket codes)."""

from __future__ import annotations

import hashlib
import hmac

MIN_KEY_BYTES = 16


def server_key(key: bytes, name: str) -> bytes:
    """``key`` when it is long enough to key an HMAC-SHA256 (every server key of the domain is)."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{name} needs at least {MIN_KEY_BYTES} bytes")
    return key


class KeyedDigest:
    """HMAC-SHA256 under a server key: a copy of the database alone cannot reproduce or test a secret."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = server_key(key, "a digest key")

    def digest(self, secret: str, *, context: str) -> str:
        """``context`` binds the digest to its purpose (and subject), so one value never verifies for another."""
        mac = hmac.new(self._key, f"{context}\x1f{secret}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def matches(self, secret: str, expected_digest: str, *, context: str) -> bool:
        return hmac.compare_digest(self.digest(secret, context=context), expected_digest)
