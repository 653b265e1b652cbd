"""Steps of the app's onboarding, reused by API tests."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings
from tests.support import TEST_DATABASE_URL, Fakes, fakes_provider, png_bytes

PHONE = "+919812345678"


async def sign_in(client: AsyncTestClient, fakes: Fakes, phone: str = PHONE) -> dict[str, Any]:
    """signup -> verify-otp; returns the verify-otp body."""
    response = await client.post("/api/auth/signup", json={"phone_number": phone})
    assert response.status_code == 200, response.text
    code = fakes.sms.last_code_for(response.json()["data"]["phone_number"])  # the SMS goes to the E.164 form
    response = await client.post("/api/auth/verify-otp", json={"phone_number": phone, "otp_code": code})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def profile_form(phone: str = PHONE, **overrides: str) -> dict[str, str]:
    form = {
        "phone_number": phone,
        "name": "Asha Rao",
        "birth_date": "2000-01-05",
        "gender": "female",
        "event_interests": "[1,4,7]",
    }
    form.update(overrides)
    return form


def pictures(count: int = 1) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("profile_pictures", (f"image_{i}.png", png_bytes(), "image/png")) for i in range(count)]


async def onboard(client: AsyncTestClient, fakes: Fakes, phone: str = PHONE) -> str:
    """signup -> verify -> complete-profile; returns the token of a now waitlisted member."""
    token = str((await sign_in(client, fakes, phone))["token"])
    response = await client.post(
        "/api/auth/complete-profile", headers=bearer(token), data=profile_form(phone), files=pictures()
    )
    assert response.status_code == 200, response.text
    return token


# --- helpers for the identity API tests (tests/api/test_auth_*.py) ---------------------------------------


def phone(n: int) -> str:
    """A distinct valid Indian mobile number for each ``n`` in 0..9999 (``phone(5678) == PHONE``)."""
    return f"+91981234{n:04d}"


def other_code(code: str) -> str:
    """A well-formed code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 10000:04d}"


async def request_code(client: AsyncTestClient, fakes: Fakes, phone_number: str = PHONE) -> str:
    """signup; returns the code the SMS carried."""
    response = await client.post("/api/auth/signup", json={"phone_number": phone_number})
    assert response.status_code == 200, response.text
    return fakes.sms.last_code_for(response.json()["data"]["phone_number"])


def sms_count(fakes: Fakes, phone_number: str = PHONE) -> int:
    return sum(1 for sms in fakes.sms.sent if sms.to == phone_number)


def assert_error(response: Any, status: int, error_code: str | None = None) -> dict[str, Any]:
    """The app's failure envelope: ``success:false``, readable ``detail`` and ``message``, an ``error_code``."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body, dict), body
    assert body["success"] is False
    assert isinstance(body["error_code"], str)
    assert body["error_code"]
    assert isinstance(body["message"], str)
    assert body["message"]
    detail = body["detail"]
    if isinstance(detail, list):
        assert detail, body
        assert all(isinstance(item, dict) and isinstance(item["msg"], str) and item["msg"] for item in detail)
    else:
        assert isinstance(detail, str), body
        assert detail.strip(), body
    if error_code is not None:
        assert body["error_code"] == error_code, body
    return body


def assert_invalid(response: Any, field: str, error_code: str | None = None) -> list[str]:
    """A 422 whose ``detail`` list names ``field``; returns the messages about that field."""
    body = assert_error(response, 422, error_code)
    assert isinstance(body["detail"], list), body
    messages = [item["msg"] for item in body["detail"] if str(item["loc"][-1]).split("[")[0] == field]
    assert messages, body
    return messages


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload as the app decodes it: base64url JSON, no signature check."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


async def sql(statement: str, **params: Any) -> list[Any]:
    """Runs SQL on the test database (to read DB state, or to set up what no route can). Its own engine: the
    app's pool lives on the test client's event loop, not on the test's."""
    engine = create_async_engine(TEST_DATABASE_URL, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def member_row(phone_number: str = PHONE) -> Any:
    rows = await sql("SELECT * FROM members WHERE phone_number = :p", p=phone_number)
    assert len(rows) <= 1
    return rows[0] if rows else None


def stored_files(media_root: str | Path) -> list[Path]:
    root = Path(media_root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@contextlib.asynccontextmanager
async def client_at(address: str, settings: Settings, fakes: Fakes) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling from another client address, on the same database, Redis and fakes. It runs
    on the test's own event loop (the ``api`` client runs the app on a loop of its own), so it gets its own
    container."""
    container = make_container(settings, fakes_provider(fakes))
    try:
        transport = httpx.ASGITransport(app=create_app(settings, container), client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://loopin.test") as client:
            yield client
    finally:
        await container.close()
