"""/health, /health/ready, /api/docs, and the envelope of routing errors and unavailable dependencies."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings, load_settings
from tests.api.flows import PHONE, assert_error
from tests.support import TEST_DATABASE_URL, TEST_REDIS_URL, Fakes, fakes_provider

NOTHING_LISTENS = "127.0.0.1:9"  # the discard port: connections are refused at once

IDENTITY_ROUTES = {
    "/api/auth/signup": {"post"},
    "/api/auth/login": {"post"},
    "/api/auth/verify-otp": {"post"},
    "/api/auth/verify-login": {"post"},
    "/api/auth/event-interests": {"get"},
    "/api/auth/complete-profile": {"post"},
    "/api/auth/profile": {"get", "put"},
    "/api/auth/logout": {"post"},
}


async def test_liveness(api: AsyncTestClient) -> None:
    response = await api.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_when_postgres_and_redis_answer(api: AsyncTestClient) -> None:
    response = await api.get("/health/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "status": "ready", "checks": {"postgres": "ok", "redis": "ok"}}


async def test_docs_describe_every_identity_route(api: AsyncTestClient) -> None:
    page = await api.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    schema = (await api.get("/api/docs/openapi.json")).json()
    paths = schema["paths"]
    for path, methods in IDENTITY_ROUTES.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


async def test_unknown_paths_and_methods_answer_in_the_envelope(api: AsyncTestClient) -> None:
    assert_error(await api.get("/api/auth/nothing-here"), 404, "NOT_FOUND")
    assert_error(await api.get("/api/auth/signup"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await api.delete("/api/auth/profile"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await api.get("/api/media/profiles/1/missing.png"), 404)


@pytest.mark.parametrize(
    "path", ["/api/media/%2e%2e/%2e%2e/pyproject.toml", "/api/media/..%2f..%2fpyproject.toml"]
)
async def test_media_cannot_escape_its_folder(api: AsyncTestClient, path: str) -> None:
    response = await api.get(path)
    assert response.status_code in (400, 404)
    assert b"[project]" not in response.content


@contextlib.asynccontextmanager
async def app_with(tmp_path: Path, **services: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app on its own container, with some service URLs pointing where nothing answers."""
    settings: Settings = load_settings(
        {},
        environment="test",
        database_url=services.get("database_url", TEST_DATABASE_URL),
        redis_url=services.get("redis_url", TEST_REDIS_URL),
        media_root=str(tmp_path / "media"),
    )
    container = make_container(settings, fakes_provider(Fakes()))
    try:
        transport = httpx.ASGITransport(app=create_app(settings, container))
        async with httpx.AsyncClient(transport=transport, base_url="http://loopin.test") as client:
            yield client
    finally:
        await container.close()


@pytest.mark.parametrize(
    ("down", "services", "verify_status"),
    [
        # verifying a code needs only PostgreSQL: with Redis down it still answers (here: no code requested)
        ("redis", {"redis_url": f"redis://{NOTHING_LISTENS}/0"}, 404),
        ("postgres", {"database_url": f"postgresql+asyncpg://postgres@{NOTHING_LISTENS}/test"}, 503),
    ],
)
async def test_an_unavailable_dependency_is_a_503_in_the_envelope_never_a_500(
    clean_services: None, tmp_path: Path, down: str, services: dict[str, str], verify_status: int
) -> None:
    async with app_with(tmp_path, **services) as client:
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        body = ready.json()
        assert body["success"] is False
        assert body["checks"][down] != "ok"
        assert down in body["detail"]

        signup = await client.post("/api/auth/signup", json={"phone_number": PHONE})
        assert_error(signup, 503, "SERVICE_UNAVAILABLE")
        verify = await client.post("/api/auth/verify-otp", json={"phone_number": PHONE, "otp_code": "1234"})
        assert_error(verify, verify_status)
