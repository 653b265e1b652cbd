"""Client addresses behind uvicorn as ``loopin serve``/``loopin dev`` run it: ``X-Forwarded-For`` counts only when
the connection comes from a configured proxy, so nobody dodges the per-address sign-up limit by sending it."""

from __future__ import annotations

import httpx
import msgspec

from loopin.entrypoints.settings import Settings
from tests.live_server import live_server
from tests.support import Fakes, fakes_provider

PER_ADDRESS = 20  # OTP_MAX_PER_ADDRESS_PER_HOUR


async def signups_with_spoofed_addresses(url: str, count: int) -> list[int]:
    statuses = []
    async with httpx.AsyncClient(base_url=url) as client:
        for n in range(count):
            response = await client.post(
                "/api/auth/signup",
                json={"phone_number": f"+9198123{n:05d}"},
                headers={"X-Forwarded-For": f"198.51.100.{n + 1}", "X-Real-IP": f"198.51.100.{n + 1}"},
            )
            statuses.append(response.status_code)
    return statuses


async def test_a_client_cannot_claim_another_address(
    service_settings: Settings, fakes: Fakes, clean_services: None
) -> None:
    with live_server(service_settings, [fakes_provider(fakes)]) as server:
        statuses = await signups_with_spoofed_addresses(server.url, PER_ADDRESS + 1)
    assert statuses == [200] * PER_ADDRESS + [429]


async def test_a_configured_proxy_is_believed(
    service_settings: Settings, fakes: Fakes, clean_services: None
) -> None:
    behind_proxy = msgspec.structs.replace(service_settings, forwarded_allow_ips="127.0.0.1")
    with live_server(behind_proxy, [fakes_provider(fakes)]) as server:
        statuses = await signups_with_spoofed_addresses(server.url, PER_ADDRESS + 1)
    assert statuses == [200] * (PER_ADDRESS + 1)  # each request came from a different client, as the proxy said
