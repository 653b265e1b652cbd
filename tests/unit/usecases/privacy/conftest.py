"""The privacy tests' world pays through the payments tests' scripted gateway, so members can hold money."""

from __future__ import annotations

from tests.unit.usecases.payouts.conftest import gateway, money, world

__all__ = ["gateway", "money", "world"]
