"""/health/ready through the real app: every configured dependency is probed, a dead one is a 503."""

from __future__ import annotations

import socket
from pathlib import Path

from litestar.testing import AsyncTestClient

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings, load_settings
from tests.support import TEST_REDIS_URL

CLOSED_REDIS = "redis://127.0.0.1:6399/0"
CLOSED_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5499/test"


def settings_for(tmp_path: Path, *, database_url: str | None, redis_url: str | None) -> Settings:
    return load_settings(
        {}, environment="test", database_url=database_url, redis_url=redis_url, media_root=str(tmp_path / "media")
    )


def assert_closed(port: int) -> None:
    """Were something listening there, the 503 tests would prove nothing."""
    with socket.socket() as sock:
        sock.settimeout(1)
        assert sock.connect_ex(("127.0.0.1", port)) != 0, f"something listens on 127.0.0.1:{port}"


async def ready(settings: Settings) -> tuple[int, dict[str, object]]:
    app = create_app(settings, make_container(settings))
    async with AsyncTestClient(app) as client:
        response = await client.get("/health/ready")
        assert (await client.get("/health")).status_code == 200  # liveness does not depend on them
    return response.status_code, response.json()


async def test_ready_on_the_real_services(tmp_path: Path, database: str) -> None:
    status, body = await ready(settings_for(tmp_path, database_url=database, redis_url=TEST_REDIS_URL))
    assert status == 200, body
    assert body == {"success": True, "status": "ready", "checks": {"postgres": "ok", "redis": "ok"}}


async def test_unreachable_redis_is_a_503_in_the_envelope(tmp_path: Path, database: str) -> None:
    assert_closed(6399)
    status, body = await ready(settings_for(tmp_path, database_url=database, redis_url=CLOSED_REDIS))
    assert status == 503, body
    assert body["success"] is False
    assert body["status"] == "unavailable"
    checks = body["checks"]
    assert isinstance(checks, dict)
    assert checks["postgres"] == "ok"
    assert str(checks["redis"]).startswith("unavailable: ")
    assert body["detail"] == "Some dependencies are unavailable: redis"


async def test_unreachable_postgres_is_a_503(tmp_path: Path, database: str) -> None:
    assert_closed(5499)
    status, body = await ready(settings_for(tmp_path, database_url=CLOSED_POSTGRES, redis_url=TEST_REDIS_URL))
    assert status == 503, body
    assert body["success"] is False
    checks = body["checks"]
    assert isinstance(checks, dict)
    assert checks["redis"] == "ok"
    assert str(checks["postgres"]).startswith("unavailable: ")
    assert body["detail"] == "Some dependencies are unavailable: postgres"


async def test_embedded_mode_has_nothing_to_probe(tmp_path: Path) -> None:
    status, body = await ready(settings_for(tmp_path, database_url=None, redis_url=None))
    assert status == 200, body
    assert body["checks"] == {}


async def test_only_configured_dependencies_are_probed(tmp_path: Path, database: str) -> None:
    status, body = await ready(settings_for(tmp_path, database_url=None, redis_url=TEST_REDIS_URL))
    assert status == 200, body
    assert body["checks"] == {"redis": "ok"}
