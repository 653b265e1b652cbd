"""Prints SMS to the log, so a newcomer can sign in to a local server with no SMS provider."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import structlog

from loopin.adapters.memory.identity import SmsOutbox
from loopin.domain.identity.phone import PhoneNumber

log = structlog.get_logger("loopin.sms.console")
KEPT = 100


class ConsoleSmsSender(SmsOutbox):
    """Development only: the settings refuse it in production. Keeps the last messages too, so the development
    server's demo seed signs its members up with their codes like anyone (``entrypoints/demo.py``)."""

    def __init__(self) -> None:
        super().__init__()
        self._printing = True

    async def send(self, to: PhoneNumber, body: str) -> None:
        await super().send(to, body)
        del self.sent[:-KEPT]
        if self._printing:
            log.warning("console sms (not sent)", to=to.masked(), sms_body=body)
            print(f"[console-sms] to {to.masked()}: {body}", flush=True)

    @contextlib.contextmanager
    def silenced(self) -> Iterator[None]:
        """Kept, not printed, meanwhile: the terminal shows a newcomer only the codes they asked for."""
        self._printing = False
        try:
            yield
        finally:
            self._printing = True
