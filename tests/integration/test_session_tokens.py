"""JwtSessionTokens keeps the claims of tokens it verified: a kept token still stops working when it expires,
and a token it refused is never kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from loopin.adapters.security import jwt_tokens
from loopin.adapters.security.jwt_tokens import CLOCK_SKEW_SECONDS, JwtSessionTokens
from tests.factories import MemberFactory

SECRET = "a-test-secret-of-at-least-thirty-two-characters"
PEM_KEY = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"


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


@pytest.mark.parametrize("algorithm", ["HS256", "HS512"])  # the secret is long enough for HS512
def test_a_minted_token_is_what_pyjwt_writes_for_its_claims(algorithm: str) -> None:
    """Minting checks the server's key once instead of on every token: the token is the same bytes as
    ``jwt.encode`` of its claims, and a key PyJWT refuses for HMAC is still refused."""
    secret = SECRET * 2
    tokens = JwtSessionTokens(secret, algorithm=algorithm, lifetime=timedelta(minutes=10))
    issued = tokens.issue(MemberFactory.build(id=7), now=datetime.now(UTC))
    claims = jwt.decode(issued.token, secret, algorithms=[algorithm], issuer="loopin")
    assert issued.token == jwt.encode(claims, secret, algorithm=algorithm)
    with pytest.raises(jwt.InvalidKeyError):
        JwtSessionTokens(
            "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", lifetime=timedelta(minutes=1)
        )
