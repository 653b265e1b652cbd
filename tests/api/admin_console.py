"""Driving the staff console over HTTP like a browser without JavaScript: the CSRF token read from each form,
cookies kept by the client, codes read from the fake SMS outbox."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from dishka import AsyncContainer
from httpx import Response

from loopin.domain.identity.member import Member
from loopin.entrypoints.settings import Settings
from loopin.usecases.identity.moderation import AppointStaff
from tests.api.attendance_rig import Rig, open_rig
from tests.support import Fakes

STAFF_PHONE = "+919000000001"
_TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def appoint(container: AsyncContainer, phone: str = STAFF_PHONE, *, superuser: bool = False) -> Member:
    async with container() as scope:
        member: Member = await (await scope.get(AppointStaff))(phone_number=phone, superuser=superuser)
    return member


def token_of(page: Response) -> str:
    found = _TOKEN.search(page.text)
    assert found, f"no CSRF token on {page.request.url}"
    return found.group(1)


async def post_form(client: httpx.AsyncClient, path: str, token_from: str, **fields: str) -> Response:
    """GETs ``token_from`` for a token, then posts the form (no redirects followed)."""
    page = await client.get(token_from)
    assert page.status_code == 200, page.text
    return await client.post(path, data={"_csrf_token": token_of(page), **fields}, follow_redirects=False)


async def sign_in(
    client: httpx.AsyncClient, fakes: Fakes, phone: str = STAFF_PHONE, next_path: str = ""
) -> Response:
    sent = await post_form(client, "/admin/login", "/admin/login", phone_number=phone, next=next_path)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/admin/login/code"
    code = fakes.sms.last_code_for(phone)
    return await post_form(client, "/admin/login/code", "/admin/login/code", otp_code=code)


@pytest.fixture
async def console(service_settings: Settings, fakes: Fakes, clean_services: None) -> AsyncIterator[Rig]:
    """The app on PostgreSQL and Redis behind an in-process client on the test's loop; jobs run inline."""
    async with open_rig(service_settings, fakes, inline_jobs=True) as opened:
        yield opened
