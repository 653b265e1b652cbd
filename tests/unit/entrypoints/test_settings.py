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


def test_only_the_embedded_development_server_seeds_the_demo() -> None:
    assert load_settings({}).seeds_demo  # make run: development, no database, no Redis, no PayU
    assert not load_settings({"DEV_DEMO": "0"}).seeds_demo
    for env in (
        {"ENVIRONMENT": "test"},
        {"ENVIRONMENT": "test", "DEV_DEMO": "1"},
        {"ENVIRONMENT": "production", "DEV_DEMO": "1"},
        PRODUCTION,
        {"DATABASE_URL": "postgresql+asyncpg://db/loopin"},  # a database outlives the process: seeded again
        {"REDIS_URL": "redis://redis/0"},  # jobs go to a worker: the seed could not wait for its codes
        {"PAYU_KEY": "k", "PAYU_SALT": "s"},  # no sandbox gateway to pay with
    ):
        assert not load_settings(env).seeds_demo, env


def test_production_refuses_the_demo() -> None:
    load_settings(PRODUCTION).check()
    load_settings(PRODUCTION | {"DEV_DEMO": "0"}).check()
    with pytest.raises(SettingsError, match="DEV_DEMO"):
        load_settings(PRODUCTION | {"DEV_DEMO": "1"}).check()


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


PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql+asyncpg://db/loopin",
    "REDIS_URL": "redis://redis/0",
    "TWILIO_ACCOUNT_SID": "AC1",
    "TWILIO_AUTH_TOKEN": "t",
    "TWILIO_FROM_NUMBER": "+15550000000",
    "PAYU_KEY": "k",
    "PAYU_SALT": "s",
    "PAYU_ENV": "production",
    "PUBLIC_API_URL": "https://api.loopinsocial.in",
}


def test_trusting_every_address_is_refused_in_production() -> None:
    load_settings(PRODUCTION).check()
    with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
        load_settings(PRODUCTION | {"FORWARDED_ALLOW_IPS": "*"}).check()


def test_production_takes_payments_through_payu_only() -> None:
    """The sandbox gateway is for development: production needs PayU's pair and an https origin to post back to."""
    for missing in ("PAYU_KEY", "PAYU_SALT"):
        env = {k: v for k, v in PRODUCTION.items() if k != missing}
        with pytest.raises(SettingsError, match="PAYU_KEY and PAYU_SALT are required"):
            load_settings(env).check()
    with pytest.raises(SettingsError, match="PAYU_ENV must be test or production"):
        load_settings(PRODUCTION | {"PAYU_ENV": "staging"}).check()
    for origin in ("", "http://api.loopinsocial.in"):
        with pytest.raises(SettingsError, match="PUBLIC_API_URL"):
            load_settings(PRODUCTION | {"PUBLIC_API_URL": origin}).check()


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
