"""Clocks: the real one, and one that tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loopin.usecases.shared.ports import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock(Clock):
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta
