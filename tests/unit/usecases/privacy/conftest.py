"""The privacy use cases run in the attendance world: members with events, requests, tickets and an inbox."""

from __future__ import annotations

from tests.unit.usecases.attendance.conftest import world

__all__ = ["world"]
