"""Settings: environment variables over an optional ``.env`` file; development lets a newcomer in at once;
forwarded client addresses are trusted only from configured proxies; every documented variable is a setting
and reaches the containers of compose.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.entrypoints.server import uvicorn_options
from loopin.entrypoints.settings import Environment, Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_a_dot_env_file_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        "# comment\nSITE_URL=https://from-file.example\nLOG_LEVEL=DEBUG\nQUEUE_NAME='quoted name'\n"
        "EVENT_CACHE_TTL_SECONDS=5\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.delenv("SITE_URL", raising=False)
    settings = load_settings()
    assert settings.site_url == "https://from-file.example"
    assert settings.log_level == "WARNING"
    assert settings.queue_name == "quoted name"
    assert settings.event_cache_ttl_seconds == 5


def test_no_dot_env_file_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings().site_url == Settings().site_url


def test_an_explicit_mapping_ignores_the_dot_env_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text("SITE_URL=https://from-file.example\n")
    (tmp_path / ".env").write_text("SITE_URL=https://ignored.example\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).site_url == Settings().site_url
    assert load_settings({}, env_file=env_file).site_url == "https://from-file.example"
    assert load_settings({"SITE_URL": "https://env.example"}, env_file=env_file).site_url == "https://env.example"


def test_a_bad_value_in_the_dot_env_names_the_setting(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DB_POOL_SIZE=lots\n")
    with pytest.raises(SettingsError, match="db_pool_size"):
        load_settings({}, env_file=env_file)


def test_development_lets_new_members_in_at_once() -> None:
    assert load_settings({}).environment is Environment.DEVELOPMENT
    assert load_settings({}).identity_config().waitlist == WaitlistPolicy(0, 0)
    for environment in ("test", "production"):
        assert load_settings({"ENVIRONMENT": environment}).identity_config().waitlist == WaitlistPolicy(210, 240)


def test_a_configured_window_applies_in_every_environment() -> None:
    for environment in ("development", "test", "production"):
        env = {"ENVIRONMENT": environment, "WAITLIST_MIN_MINUTES": "5", "WAITLIST_MAX_MINUTES": "7"}
        assert load_settings(env).identity_config().waitlist == WaitlistPolicy(5, 7)
    assert load_settings({"WAITLIST_MAX_MINUTES": "30"}).identity_config().waitlist == WaitlistPolicy(0, 30)


def test_forwarded_headers_are_trusted_only_from_configured_proxies() -> None:
    default = uvicorn_options(load_settings({}))
    assert default["proxy_headers"] is False
    behind = uvicorn_options(load_settings({"FORWARDED_ALLOW_IPS": "10.0.0.2, 10.0.0.3"}))
    assert behind["proxy_headers"] is True
    assert behind["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"


def test_trusting_every_address_is_refused_in_production() -> None:
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": "postgresql+asyncpg://db/loopin",
        "REDIS_URL": "redis://redis/0",
        "TWILIO_ACCOUNT_SID": "AC1",
        "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_FROM_NUMBER": "+15550000000",
    }
    load_settings(env).check()
    with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
        load_settings(env | {"FORWARDED_ALLOW_IPS": "*"}).check()


def documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_documented_variable_is_a_setting() -> None:
    fields = {name.upper() for name in Settings.__struct_fields__}
    assert documented_variables() - fields == set()
    assert fields - documented_variables() == set(), "document every setting in .env.example"


def test_every_documented_variable_reaches_the_containers() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    for service in ("api", "worker", "migrate"):
        environment = compose["services"][service]["environment"]
        missing = documented_variables() - set(environment) - {"ENVIRONMENT"}
        assert missing == set(), f"{service} does not receive {sorted(missing)}"
