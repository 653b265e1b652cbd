"""The attendance API on PostgreSQL and Redis, driven by an httpx client on the test's own event loop.

The app and the test share one container, so members and events are stored straight through the
repositories (no route is under test there) and requests can really run in parallel with ``asyncio.gather``.
Tokens are minted by the app's own issuer. Decoding helpers apply the app's rules (client-contract.md §2.3).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from dishka import AsyncContainer, Provider

from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.ports import MemberRepository, TokenIssuer
from loopin.usecases.shared.ports import UnitOfWork
from tests.factories import EventFactory, MemberFactory, ProfileFactory
from tests.support import Fakes, fakes_provider, push_provider

DART_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
WALL_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")  # event times: local, no offset


@dataclass
class Guest:
    member: Member
    token: str

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}


@dataclass
class Rig:
    client: httpx.AsyncClient
    container: AsyncContainer
    fakes: Fakes
    push: RecordingPushSender
    settings: Settings
    _n: int = field(default=0)

    async def members(
        self,
        count: int,
        *,
        gender: Gender | None = Gender.FEMALE,
        status: MemberStatus = MemberStatus.ACTIVE,
        role: Role = Role.MEMBER,
        names: list[str] | None = None,
    ) -> list[Guest]:
        now = self.fakes.clock.now()
        made: list[Member] = []
        for i in range(count):
            self._n += 1
            name = names[i] if names else f"Guest {self._n}"
            profile = ProfileFactory.build(
                name=name, gender=gender, interest_ids=(1,), picture_keys=(f"p/{self._n}.png",)
            )
            member = MemberFactory.build(
                phone=PhoneNumber.parse(f"+9197{self._n:08d}"),
                status=status,
                role=role,
                profile=profile,
                joined_at=now,
                updated_at=now,
            )
            if status is MemberStatus.WAITLISTED:
                member.waitlisted_at, member.promote_at = now, now + timedelta(hours=4)
            made.append(member)
        async with self.container() as scope:
            repo = await scope.get(MemberRepository)
            stored = [await repo.add(m) for m in made]
            await (await scope.get(UnitOfWork)).commit()
        issuer = await self.container.get(TokenIssuer)
        return [Guest(m, issuer.issue(m, now=now).token) for m in stored]

    async def member(self, **kwargs: Any) -> Guest:
        return (await self.members(1, **kwargs))[0]

    async def event(self, host: Guest, **details: Any) -> Event:
        now = self.fakes.clock.now()
        starts_in = details.pop("starts_in", timedelta(days=3))
        event = EventFactory.starting(host.id, now, starts_in=starts_in, **details)
        async with self.container() as scope:
            stored = await (await scope.get(EventRepository)).add(event)
            await (await scope.get(UnitOfWork)).commit()
        return stored

    async def stored_event(self, event_id: int) -> Event:
        async with self.container() as scope:
            found = await (await scope.get(EventRepository)).get(event_id)
        assert found is not None
        return found

    # --- the app's calls, as it makes them ------------------------------------------------------------------

    async def ask(self, guest: Guest, event_id: int, seats: int = 1) -> httpx.Response:
        body = {"message": "I would love to attend this event!", "seats_requested": seats}
        return await self.client.post(f"/api/events/{event_id}/requests", json=body, headers=guest.headers)

    async def accept(self, host: Guest, event_id: int, request_id: int) -> httpx.Response:
        return await self.client.put(
            f"/api/events/{event_id}/requests/{request_id}/accept", json={"host_message": ""}, headers=host.headers
        )

    async def confirm(self, guest: Guest, event_id: int, seats: int = 1) -> httpx.Response:
        return await self.client.post(
            f"/api/events/{event_id}/confirm-attendance", json={"seats": seats}, headers=guest.headers
        )

    async def accepted(self, host: Guest, guest: Guest, event_id: int, seats: int = 1) -> int:
        asked = await self.ask(guest, event_id, seats)
        assert asked.status_code == 201, asked.text
        request_id = int(asked.json()["id"])
        accepted = await self.accept(host, event_id, request_id)
        assert accepted.status_code == 200, accepted.text
        return request_id

    async def ticket(self, host: Guest, guest: Guest, event_id: int, seats: int = 1) -> dict[str, Any]:
        await self.accepted(host, guest, event_id, seats)
        confirmed = await self.confirm(guest, event_id, seats)
        assert confirmed.status_code == 200, confirmed.text
        body: dict[str, Any] = confirmed.json()
        return body

    async def invite(self, host: Guest, event_id: int, user_ids: list[int], policy: str = "48h") -> httpx.Response:
        return await self.client.post(
            f"/api/events/{event_id}/invitations",
            json={"user_ids": user_ids, "expiry_policy": policy},
            headers=host.headers,
        )


# --- the app's decoding rules ------------------------------------------------------------------------------


def app_object(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """ApiClient: a JSON object, a 2xx, no ``success:false`` anywhere."""
    assert response.status_code in (statuses or (200,)), response.text
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("success") is not False, body
    return body


def app_array(response: httpx.Response) -> list[Any]:
    """The raw-http readers of my-invitations and my-tickets: exactly 200 and a top-level JSON array."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, list), body
    return body


def app_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """A failure the app can show: the status, ``success:false``, a readable ``detail`` string."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict), body
    assert body["success"] is False
    assert isinstance(body["detail"], (str, list)), body
    if isinstance(body["detail"], str):
        assert body["detail"].strip(), body
    assert isinstance(body["message"], str)
    assert body["message"].strip()
    if code is not None:
        assert body["error_code"] == code, body
    return body


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_iso(value: Any) -> bool:
    return isinstance(value, str) and bool(DART_ISO.match(value))


def check_types(body: dict[str, Any], spec: dict[str, Any]) -> None:
    """``spec`` maps a field to a type (``int`` is a JSON integer, not a bool), ``"iso"``, ``"wall"`` or a
    tuple of them (``None`` allowed)."""
    for key, kinds in spec.items():
        assert key in body, f"{key} missing from {body}"
        value = body[key]
        options = kinds if isinstance(kinds, tuple) else (kinds,)
        ok = False
        for kind in options:
            if kind is None:
                ok = ok or value is None
            elif kind is int:
                ok = ok or is_int(value)
            elif kind == "iso":
                ok = ok or is_iso(value)
            elif kind == "wall":
                ok = ok or (isinstance(value, str) and bool(WALL_CLOCK.match(value)))
            else:
                ok = ok or (isinstance(value, kind) and not (kind is int and isinstance(value, bool)))
        assert ok, f"{key}={value!r} is not {kinds}"


# --- fixtures ----------------------------------------------------------------------------------------------


@asynccontextmanager
async def open_rig(
    settings: Settings, fakes: Fakes, *overrides: Provider, inline_jobs: bool = False
) -> AsyncIterator[Rig]:
    """The app on ``settings`` behind an in-process client; ``overrides`` replace what a test scripts."""
    push = RecordingPushSender()
    container = make_container(
        settings, fakes_provider(fakes, inline_jobs=inline_jobs), push_provider(push), *overrides
    )
    app = create_app(settings, container)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://loopin.test", timeout=120) as client:
            yield Rig(client, container, fakes, push, settings)
    finally:
        await container.close()


def with_media(settings: Settings, tmp_path: Path) -> Settings:
    return msgspec.structs.replace(settings, media_root=str(tmp_path / "media"))


@pytest.fixture
async def rig(
    service_settings: Settings, fakes: Fakes, clean_services: None, tmp_path: Path
) -> AsyncIterator[Rig]:
    """Jobs go to SAQ on the test Redis (as in production, no worker), so requests never wait on them."""
    async with open_rig(with_media(service_settings, tmp_path), fakes) as opened:
        yield opened


@pytest.fixture
async def inline_rig(
    service_settings: Settings, fakes: Fakes, clean_services: None, tmp_path: Path
) -> AsyncIterator[Rig]:
    """Like ``rig``, with jobs run right after each commit, so audit entries and notifications are stored."""
    async with open_rig(with_media(service_settings, tmp_path), fakes, inline_jobs=True) as opened:
        yield opened


@pytest.fixture
async def memory_rig(memory_settings: Settings, fakes: Fakes) -> AsyncIterator[Rig]:
    """The embedded mode (in-memory store, in-process jobs) behind the same client."""
    async with open_rig(memory_settings, fakes) as opened:
        yield opened
