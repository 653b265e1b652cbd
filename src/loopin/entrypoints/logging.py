"""Structured logs: one JSON (or console) line per event, with the request id and phone numbers masked."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from loopin.domain.identity.phone import mask_phone
from loopin.domain.payouts.bank_account import mask
from loopin.entrypoints.settings import Settings

PHONE_FIELDS = frozenset({"phone", "phone_number", "to", "from_number", "recipient"})
ACCOUNT_FIELDS = frozenset({"account_number"})  # never logged on purpose; masked should one slip through
_E164_IN_TEXT = re.compile(r"\+\d{8,15}")  # how a stored number appears inside an error's message


def mask_phone_numbers(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Last processor before rendering: fields that hold a phone number are masked, and so is any E.164
    number quoted in a traceback (a database error names the row it refused). Nothing else is touched: ids,
    times and counts stay whole."""
    for key in PHONE_FIELDS.intersection(event):
        if isinstance(event[key], str):
            event[key] = mask_phone(event[key])
    for key in ACCOUNT_FIELDS.intersection(event):
        event[key] = mask(str(event[key])[-4:])
    if isinstance(event.get("exception"), str):
        event["exception"] = _E164_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), event["exception"])
    return event


def configure_logging(settings: Settings) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        mask_phone_numbers,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if settings.log_json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        # A line below the level is dropped before any processor runs (the access log at WARNING cost ~25 µs a
        # request: a timestamp formatted, the context merged, then thrown away by the stdlib logger).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("uvicorn.access", "httpx", "twilio.http_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
