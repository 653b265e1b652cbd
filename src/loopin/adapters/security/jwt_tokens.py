"""Session JWTs (PyJWT): integer ``user_id`` and ``phone_number`` claims, as the app decodes them."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeGuard

import jwt

from loopin.domain.identity.member import Member
from loopin.domain.shared.ids import is_id
from loopin.usecases.identity.ports import IssuedToken, TokenIssuer


@dataclass(frozen=True, slots=True)
class SessionClaims:
    member_id: int
    phone_number: str
    token_id: str
    expires_at: datetime


CLOCK_SKEW_SECONDS = 30
VERIFIED_KEPT = 8192  # tokens whose signature and claims this process already checked (cleared when full)
LATEST_TIME = int(datetime(9999, 1, 1, tzinfo=UTC).timestamp())


class JwtSessionTokens(TokenIssuer):
    """Issues and reads tokens; verification requires signature, ``exp``, ``iat``, ``jti`` and issuer.

    A token's signature and claims never change, so each process checks a token once and keeps its claims:
    later reads of the same token only check that it has not expired since (as PyJWT would, with the same
    leeway). Revocation is not a claim: the bearer check asks for it on every request.
    """

    def __init__(
        self, secret: str, *, algorithm: str = "HS256", lifetime: timedelta, issuer: str = "loopin"
    ) -> None:
        self._secret = secret
        self._algorithm = algorithm
        self._lifetime = lifetime
        self._issuer = issuer
        self._verified: dict[str, SessionClaims] = {}

    def issue(self, member: Member, *, now: datetime) -> IssuedToken:
        expires = now + self._lifetime
        token_id = secrets.token_urlsafe(16)
        claims = {
            "user_id": member.id,
            "phone_number": member.phone.e164,
            "sub": str(member.id),
            "iss": self._issuer,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": token_id,
        }
        token = jwt.encode(claims, self._secret, algorithm=self._algorithm)
        return IssuedToken(token=token, token_id=token_id, expires_at=expires)

    def read(self, token: str) -> SessionClaims | None:
        """Times are checked with a little leeway: the server that issued the token may run slightly ahead."""
        kept = self._verified.get(token)
        if kept is not None:
            if time.time() < kept.expires_at.timestamp() + CLOCK_SKEW_SECONDS:
                return kept
            del self._verified[token]
            return None
        claims = self._verify(token)
        if claims is not None:
            if len(self._verified) >= VERIFIED_KEPT:
                self._verified.clear()
            self._verified[token] = claims
        return claims

    def _verify(self, token: str) -> SessionClaims | None:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[self._algorithm],
                issuer=self._issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "jti", "user_id", "iss"]},
            )
        except (jwt.PyJWTError, OverflowError, ValueError):  # times PyJWT cannot even turn into a datetime
            return None
        member_id, issued, expires = claims.get("user_id"), claims.get("iat"), claims.get("exp")
        if not is_id(member_id) or not _is_time(issued) or not _is_time(expires):
            return None
        if expires - issued > self._lifetime.total_seconds() + CLOCK_SKEW_SECONDS:  # longer than any we issue
            return None
        return SessionClaims(
            member_id=member_id,
            phone_number=str(claims.get("phone_number", "")),
            token_id=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(int(expires), UTC),
        )


def _is_time(value: object) -> TypeGuard[int]:
    """A Unix time this server could have written: a whole number of seconds between 1970 and 9999."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < LATEST_TIME
