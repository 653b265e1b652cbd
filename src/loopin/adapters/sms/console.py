"""Prints SMS to the log, so a newcomer can sign in to a local server with no SMS provider."""

from __future__ import annotations

import structlog

from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity.ports import SmsSender

log = structlog.get_logger("loopin.sms.console")


class ConsoleSmsSender(SmsSender):
    """Development only: the settings refuse it in production."""

    async def send(self, to: PhoneNumber, body: str) -> None:
        log.warning("console sms (not sent)", to=to.masked(), sms_body=body)
        print(f"[console-sms] to {to.masked()}: {body}", flush=True)
