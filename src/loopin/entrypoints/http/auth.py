"""Bearer-session authentication: verifies the JWT and that it was not logged out. No database access:
whether the member may do the thing they asked is each use case's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware

from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.usecases.identity.ports import TokenRevocations


@dataclass(frozen=True, slots=True)
class Session:
    member_id: int
    phone_number: str
    token_id: str
    expires_at: datetime


class BearerSessionMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("Authentication required. Please log in.")
        container = connection.state.dishka_container
        claims = (await container.get(JwtSessionTokens)).read(token.strip())
        if claims is None:
            raise NotAuthorizedException("Your session is invalid or has expired. Please log in again.")
        if await (await container.get(TokenRevocations)).is_revoked(claims.token_id):
            raise NotAuthorizedException("You have logged out of this session. Please log in again.")
        session = Session(claims.member_id, claims.phone_number, claims.token_id, claims.expires_at)
        return AuthenticationResult(user=session, auth=token)


PUBLIC_PATHS = [
    "^/health",
    "^/api/docs",
    "^/api/media/",
    "^/api/auth/(signup|verify-otp|login|verify-login)$",
]

bearer_auth = DefineMiddleware(BearerSessionMiddleware, exclude=PUBLIC_PATHS, exclude_from_auth_key="public")
