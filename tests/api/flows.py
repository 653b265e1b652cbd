"""Steps of the app's onboarding, reused by API tests."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support import Fakes, png_bytes

PHONE = "+919812345678"


async def sign_in(client: AsyncTestClient, fakes: Fakes, phone: str = PHONE) -> dict[str, Any]:
    """signup -> verify-otp; returns the verify-otp body."""
    response = await client.post("/api/auth/signup", json={"phone_number": phone})
    assert response.status_code == 200, response.text
    code = fakes.sms.last_code_for(phone)
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
