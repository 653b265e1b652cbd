"""Session JWTs (PyJWT): integer ``user_id`` and ``phone_number`` claims, as the app decodes them."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

import jwt
from jwt.algorithms import HMACAlgorithm
from jwt.api_jws import PyJWS

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
        self._signer = _signer(secret, algorithm)

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
        payload = json.dumps(claims, separators=(",", ":")).encode()  # as jwt.encode writes the claims
        token = self._signer.encode(payload, self._secret, algorithm=self._algorithm)
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


class _CheckedKeyHmac(HMACAlgorithm):
    """HMAC signing with the server's key checked once: PyJWT checks an HMAC key on every call (that it is not a
    PEM, SSH, DER or JWK key: about 20 us, two fifths of minting a token). Any other key is checked as always."""

    def __init__(self, hash_alg: Any, key: str) -> None:
        super().__init__(hash_alg)
        self._key = key
        self._checked = super().prepare_key(key)

    def prepare_key(self, key: str | bytes) -> bytes:
        return self._checked if key == self._key else super().prepare_key(key)


_HMAC_HASHES = {"HS256": HMACAlgorithm.SHA256, "HS384": HMACAlgorithm.SHA384, "HS512": HMACAlgorithm.SHA512}


def _signer(secret: str, algorithm: str) -> PyJWS:
    """PyJWT's own JWS encoder (the same header, segments and signature as ``jwt.encode``), for an HMAC
    algorithm with the server's key checked once."""
    signer = PyJWS()
    hash_alg = _HMAC_HASHES.get(algorithm)
    if hash_alg is not None:
        signer.unregister_algorithm(algorithm)
        signer.register_algorithm(algorithm, _CheckedKeyHmac(hash_alg, secret))
    return signer


def _is_time(value: object) -> TypeGuard[int]:
    """A Unix time this server could have written: a whole number of seconds between 1970 and 9999."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < LATEST_TIME
