"""A lifecycle's table of moves (events, campaigns, payment orders, refunds, payouts each check theirs against
one)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Generic, TypeVar

S = TypeVar("S", bound=Enum)


class Transitions(Generic[S]):
    """Which statuses each status may become; a status listed with none, or not listed, is final."""

    __slots__ = ("_moves",)

    def __init__(self, moves: Mapping[S, Iterable[S]]) -> None:
        self._moves = {source: frozenset(targets) for source, targets in moves.items()}

    def __getitem__(self, source: S) -> frozenset[S]:
        return self._moves.get(source, frozenset())

    def allows(self, source: S, target: S) -> bool:
        return target in self[source]

    def is_final(self, status: S) -> bool:
        """Nothing follows it: the table, not a second list beside it, says which statuses end a lifecycle."""
        return not self[status]

    def sources_of(self, target: S) -> frozenset[S]:
        """The statuses ``target`` is reached from (the WHERE of a conditional update)."""
        return frozenset(source for source, targets in self._moves.items() if target in targets)
