"""Bearer-session authentication: verifies the JWT and that it was not logged out. No database access:
whether the member may do the thing they asked is each use case's decision."""

from __future__ import annotations

from typing import Any, Final, TypeAlias

from dishka import AsyncContainer
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.params import SkipValidation

from loopin.adapters.security.jwt_tokens import JwtSessionTokens, SessionClaims
from loopin.usecases.identity.access import SessionEnded
from loopin.usecases.identity.ports import TokenRevocations

PUBLIC: Final = {"public": True}  # a route's ``opt``: no session needed (the middleware's exclude key)
# A route's ``opt``: its use case checks the session's revocation itself, inside its own cache round trip (the
# hot reads: ``ReadFeed``, ``ReadEvent``, ``ReadProfile`` take the token id and refuse a revoked one).
REVOCATION_IN_USE_CASE: Final = {"revocation_in_use_case": True}
PUBLIC_PATHS = [
    "^/health",
    "^/admin",  # the staff console: its own session cookie, CSRF and guards (entrypoints/admin)
    "^/api/docs",
    "^/api/media/",
    "^/api/auth/(signup|verify-otp|login|verify-login)$",
    "^/api/payments/(payu|sandbox)/",  # PayU's post-backs and the sandbox pages: a browser or PayU, never a member
]


Session: TypeAlias = SessionClaims  # what a verified bearer token proves: a signed-in request's ``user``
MemberRequest: TypeAlias = Request[Session, Any, Any]  # a request the middleware let through with a session
AnyRequest: TypeAlias = Request[Any, Any, Any]
Caller: TypeAlias = NamedDependency[SkipValidation[int]]
"""The signed-in member a handler acts for (``member_id`` of its use case): ``caller: Caller``. A handler that
needs more of the request (its token id, base URL, client address) takes ``request: MemberRequest`` instead."""


def _caller(request: MemberRequest) -> int:
    return request.user.member_id


CALLER: Final = {"caller": Provide(_caller, sync_to_thread=False)}  # the app controller's ``dependencies``


async def read_session(header: str, container: AsyncContainer, *, check_revocation: bool = True) -> Session:
    """The session an ``Authorization: Bearer`` header proves, or 401; without ``check_revocation`` the caller
    must check the revocation itself before answering."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("Authentication required. Please log in.")
    claims = (await container.get(JwtSessionTokens)).read(token.strip())
    if claims is None:
        raise NotAuthorizedException("Your session is invalid or has expired. Please log in again.")
    if check_revocation and await (await container.get(TokenRevocations)).is_revoked(
        claims.token_id, claims.member_id
    ):
        raise NotAuthorizedException(SessionEnded.default_message)
    return claims


async def optional_session(request: AnyRequest) -> Session | None:
    """For public routes that read a session when one is sent: a bad token is a 401, never anonymous."""
    header = request.headers.get("authorization", "").strip()
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("Your session is invalid or has expired. Please log in again.")
    return await read_session(header, request.state.dishka_container)


class BearerSessionMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        deferred = connection.route_handler.opt.get("revocation_in_use_case", False)
        session = await read_session(header, connection.state.dishka_container, check_revocation=not deferred)
        return AuthenticationResult(user=session, auth=header.partition(" ")[2])


bearer_auth = DefineMiddleware(BearerSessionMiddleware, exclude=PUBLIC_PATHS, exclude_from_auth_key="public")
