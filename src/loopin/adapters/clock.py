"""Clocks: the real one, one the development demo moves, and one that tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loopin.usecases.shared.ports import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock(Clock):
    """Real time plus an offset: the development server's clock, which its demo seed moves days back to run the
    real use cases in the past (an event that has ended and settled) and then back to zero before serving."""

    def __init__(self) -> None:
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        self._offset += delta


class ManualClock(Clock):
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta
