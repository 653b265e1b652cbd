"""Every response carries its request id, and the access log records the status the client got."""

from __future__ import annotations

import structlog
from litestar.testing import AsyncTestClient


def access_lines(logs: list[dict[str, object]]) -> list[dict[str, object]]:
    return [line for line in logs if line.get("event") == "request"]


async def test_a_refused_token_is_logged_as_401_with_the_callers_request_id(memory_api: AsyncTestClient) -> None:
    with structlog.testing.capture_logs() as logs:
        response = await memory_api.get(
            "/api/auth/profile", headers={"Authorization": "Bearer not-a-token", "X-Request-ID": "req-42"}
        )
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "req-42"
    assert [(line["status"], line["path"]) for line in access_lines(logs)] == [(401, "/api/auth/profile")]


async def test_a_missing_or_unusable_request_id_is_replaced(memory_api: AsyncTestClient) -> None:
    first = await memory_api.get("/health")
    second = await memory_api.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
    assert ids[0] != ids[1]
