"""Every response carries its request id, and the access log records the status the client got."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from loopin.entrypoints.http import request_context


class AccessLog:
    """Stands in for the module's logger (structlog caches loggers, so capture_logs cannot see them)."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})


async def test_a_refused_token_is_logged_as_401_with_the_callers_request_id(
    memory_api: AsyncTestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = AccessLog()
    monkeypatch.setattr(request_context, "log", access)
    response = await memory_api.get(
        "/api/auth/profile", headers={"Authorization": "Bearer not-a-token", "X-Request-ID": "req-42"}
    )
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "req-42"
    assert [(line["status"], line["path"]) for line in access.lines] == [(401, "/api/auth/profile")]


async def test_a_missing_or_unusable_request_id_is_replaced(memory_api: AsyncTestClient) -> None:
    first = await memory_api.get("/health")
    second = await memory_api.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
    assert ids[0] != ids[1]
