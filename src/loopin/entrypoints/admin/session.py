"""The console's session: server-side (a random id in an HttpOnly cookie, the data in Redis or in memory),
a new id at every sign-in and step-up (no fixation), a short idle timeout and an absolute cap, and the guards
that send a visitor without a valid session to the sign-in page and a sensitive action without a fresh code
to the step-up page. Times come from the service's clock, so tests move them like every other deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession

from loopin.domain.identity.reauthentication import REAUTHENTICATION_WINDOW, recently_confirmed
from loopin.entrypoints.settings import Environment, Settings
from loopin.usecases.shared.ports import Clock

IDLE = timedelta(minutes=30)  # no click for this long: signed out
ABSOLUTE = timedelta(hours=12)  # a working day at most, then a new code
STEP_UP_VALID = REAUTHENTICATION_WINDOW  # a fresh code (the sign-in's too): the use cases' window, not a copy
_ROTATE = "admin_session_rotate"  # scope state: give this response's session a new id
_NEW_ID = "admin_session_new_id"


class SignInRequired(Exception):
    """No session, or one past its idle or absolute limit: the visitor goes to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class StepUpRequired(Exception):
    """A sensitive action without a fresh code: the staff member goes to the step-up page first."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend keeps whatever id the cookie carries, even across a sign-in, so an id
    planted before sign-in would become an authenticated session (OWASP ASVS 7.2.4). Here a handler that
    authenticates asks for a new id: the old record is deleted and the cookie replaced."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        fresh: str | None = connection.scope["state"].get(_NEW_ID)
        return fresh or super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        state = connection.scope["state"]
        if state.pop(_ROTATE, False):
            if old := connection.cookies.get(self.config.key):
                await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))
            state[_NEW_ID] = self.generate_session_id()
        if not scope_session:  # nothing to keep (an anonymous visit): no record, no cookie
            if not connection.cookies.get(self.config.key):
                return
            scope_session = Empty
        await super().store_in_message(scope_session, message, connection)


@dataclass
class ConsoleSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> ConsoleSessionConfig:
    """``__Host-`` and ``Secure`` in production (https only, this host only, path /); plain names over the http
    of development and tests. SameSite=Strict: no other site can make a browser send it."""
    production = settings.environment is Environment.PRODUCTION
    return ConsoleSessionConfig(
        key="__Host-loopin_staff" if production else "loopin_staff",
        path="/",
        max_age=int(IDLE.total_seconds()),
        renew_on_access=True,
        secure=production,
        httponly=True,
        samesite="strict",
        store="admin_sessions",
    )


def session_of(connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
    """The console session's data (empty when there is none); changes to it are kept."""
    found = connection.scope.get("session")
    if isinstance(found, dict):
        return found
    return {}


def rotate_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.scope["state"][_ROTATE] = True


def here(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """Where to come back after the sign-in or step-up: this page (a GET), or the page a form's action belongs
    to (every action is ``<page>/<verb>``)."""
    if connection.scope.get("method", "GET") != "GET":
        return safe_next(connection.url.path.rsplit("/", 1)[0])
    query = connection.scope.get("query_string", b"").decode("latin-1")
    return safe_next(connection.url.path + (f"?{query}" if query else ""))


def safe_next(path: str | None) -> str:
    """Only a path inside the console: never another site (``//evil``, ``/\\evil``) or a scheme."""
    if not path or not path.startswith("/admin") or path.startswith(("//", "/\\")) or "\\" in path:
        return "/admin"
    if any(ch in path for ch in "\r\n\t") or "://" in path:
        return "/admin"
    return path


def login_url(next_path: str) -> str:
    return "/admin/login" + ("" if next_path == "/admin" else f"?next={quote(next_path, safe='/')}")


async def _now(connection: ASGIConnection[Any, Any, Any, Any]) -> float:
    clock: Clock = await connection.state.dishka_container.get(Clock)
    return clock.now().timestamp()


async def signed_in_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a console session within its limits. Whether its member is (still) staff is each use case's
    question (``Access.STAFF``), asked on every page."""
    session = session_of(connection)
    now = await _now(connection)
    auth_at, seen_at = session.get("auth_at"), session.get("seen_at")
    if (
        not isinstance(session.get("member_id"), int)
        or not isinstance(auth_at, float | int)
        or not isinstance(seen_at, float | int)
        or now - seen_at > IDLE.total_seconds()
        or now - auth_at > ABSOLUTE.total_seconds()
    ):
        if session:
            connection.scope["session"] = {}
        raise SignInRequired(here(connection))
    session["seen_at"] = now


async def fresh_step_up(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard for sensitive actions (after ``signed_in_staff``): a code confirmed in the last five minutes."""
    if not step_up_fresh(session_of(connection)):
        raise StepUpRequired(here(connection))


def step_up_fresh(session: dict[str, Any]) -> bool:
    """Whether a code was confirmed within the re-authentication window before this click (``seen_at``: the
    service's clock when ``signed_in_staff`` let the request in). The sign-in's own code counts: it is the same
    proof as a step-up's, typed seconds ago, and asking for a second one at once would only meet the 30-second
    resend rule."""
    now = session.get("seen_at")
    if not isinstance(now, float | int):
        return False
    return recently_confirmed(confirmed_at(session), datetime.fromtimestamp(now, UTC))


def confirmed_at(session: dict[str, Any]) -> datetime | None:
    """When this staff member last entered a code: the later of the sign-in (``auth_at``) and the step-up
    (``step_up_at``); what use cases that ask for a fresh code are given."""
    confirmed = [t for t in (session.get("auth_at"), session.get("step_up_at")) if isinstance(t, float | int)]
    return datetime.fromtimestamp(max(confirmed), UTC) if confirmed else None
