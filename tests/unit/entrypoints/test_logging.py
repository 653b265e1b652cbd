"""Log lines: phone numbers masked in the fields that hold them; request ids, times and other numbers whole."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from loopin.entrypoints.logging import configure_logging
from loopin.entrypoints.settings import load_settings

PHONE = "+919812345678"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    yield
    structlog.contextvars.clear_contextvars()
    logging.getLogger().handlers.clear()


def start(capsys: pytest.CaptureFixture[str]) -> None:
    """Configures JSON logs onto the captured stdout (the handler keeps the stream it was given)."""
    capsys.readouterr()
    configure_logging(load_settings({}, log_json=True))


def logged(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_request_ids_and_numbers_stay_whole(capsys: pytest.CaptureFixture[str]) -> None:
    start(capsys)
    request_id = "8812345678901234"  # a hex id that happens to be all digits
    structlog.contextvars.bind_contextvars(request_id=request_id)
    structlog.get_logger("t").info("request", path="/api/events/12345678901", ms=1234567890.5, count=98123456789)
    (line,) = logged(capsys)
    assert line["request_id"] == request_id
    assert line["path"] == "/api/events/12345678901"
    assert line["count"] == 98123456789
    assert str(line["timestamp"]).startswith("20")


def test_phone_fields_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    start(capsys)
    structlog.get_logger("t").warning("sms", phone_number=PHONE, to=PHONE, phone=PHONE, note="no phone here")
    (line,) = logged(capsys)
    for key in ("phone_number", "to", "phone"):
        assert line[key] == "+91********78", line
    assert line["note"] == "no phone here"


def test_a_number_inside_an_error_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    start(capsys)
    """Database errors quote the row they refused, e.g. a duplicate phone number."""
    try:
        raise ValueError(f"Key (phone_number)=({PHONE}) already exists.")
    except ValueError:
        structlog.get_logger("t").exception("insert failed")
    (line,) = logged(capsys)
    assert PHONE not in json.dumps(line)
    assert "+91********78" in str(line["exception"])
