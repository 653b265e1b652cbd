"""An id written as text: ASCII digits naming a positive 63-bit number, or nothing."""

from __future__ import annotations

import pytest

from loopin.domain.shared.ids import MAX_ID, read_id


@pytest.mark.parametrize(("text", "expected"), [("42", 42), ("042", 42), (str(MAX_ID), MAX_ID), ("1", 1)])
def test_ascii_digits_name_an_id(text: str, expected: int) -> None:
    assert read_id(text) == expected


@pytest.mark.parametrize(
    "text", ["", "0", "000", str(MAX_ID + 1), "9" * 30, "٤٢", "４２", " 42", "4_2", "+42", "-1", "4.2", "²"]
)
def test_anything_else_names_no_id(text: str) -> None:
    assert read_id(text) is None
