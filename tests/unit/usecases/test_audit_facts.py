"""``facts_of``: what an audit entry keeps about a record, in the form its JSON details carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

import pytest

from loopin.usecases.audit.record import facts_of


class Colour(Enum):
    RED = "red"


@dataclass
class Record:
    id: int
    colour: Colour
    at: datetime
    amount: Decimal
    note: str | None
    shape: object = None


def test_attributes_become_plain_facts_and_details_come_last() -> None:
    record = Record(7, Colour.RED, datetime(2026, 12, 6, 18, 0, tzinfo=UTC), Decimal("12.50"), None)
    assert facts_of(record, "id", "colour", "at", "amount", "note", note="given", extra=[1, "a"]) == {
        "id": 7,
        "colour": "red",
        "at": "2026-12-06T18:00:00+00:00",
        "amount": "12.50",
        "note": "given",
        "extra": [1, "a"],
    }


def test_a_value_without_a_plain_form_is_refused() -> None:
    record = Record(7, Colour.RED, datetime(2026, 12, 6, tzinfo=UTC), Decimal(1), None, shape=object())
    with pytest.raises(TypeError):
        facts_of(record, "shape")
