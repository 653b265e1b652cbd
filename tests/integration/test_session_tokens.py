"""JwtSessionTokens keeps the claims of tokens it verified: a kept token still stops working when it expires,
and a token it refused is never kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.adapters.security import jwt_tokens
from loopin.adapters.security.jwt_tokens import CLOCK_SKEW_SECONDS, JwtSessionTokens
from tests.factories import MemberFactory

SECRET = "a-test-secret-of-at-least-thirty-two-characters"


def test_a_kept_token_expires_as_a_verified_one_would(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = JwtSessionTokens(SECRET, lifetime=timedelta(minutes=10))
    issued = tokens.issue(MemberFactory.build(id=7), now=datetime.now(UTC))
    claims = tokens.read(issued.token)
    assert claims is not None
    assert claims.member_id == 7
    assert tokens.read(issued.token) == claims  # kept

    later = issued.expires_at.timestamp() + CLOCK_SKEW_SECONDS + 1
    monkeypatch.setattr(jwt_tokens.time, "time", lambda: later)
    assert tokens.read(issued.token) is None


def test_a_token_signed_with_another_key_is_refused_every_time() -> None:
    other = JwtSessionTokens("another-secret-of-at-least-thirty-two-chars", lifetime=timedelta(minutes=10))
    token = other.issue(MemberFactory.build(id=7), now=datetime.now(UTC)).token
    tokens = JwtSessionTokens(SECRET, lifetime=timedelta(minutes=10))
    assert tokens.read(token) is None
    assert tokens.read(token) is None
