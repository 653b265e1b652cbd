"""Identifiers: positive 63-bit integers (PostgreSQL ``bigint`` identity keys, the app's ``int``).

The one rule of what an id can be. A number outside it names nothing: repositories match no row for it, and the
HTTP layer refuses it before a use case runs, instead of letting the database driver fail on it.
"""

from __future__ import annotations

import json
from typing import TypeGuard

MAX_ID = 2**63 - 1


def is_id(value: object) -> TypeGuard[int]:
    """Whether ``value`` can be an id at all (booleans are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def read_id(text: str) -> int | None:
    """The id a text names (ASCII digits, leading zeros allowed: ``"042"`` is 42), or None when it names none:
    ``int`` alone would also read ``"٤٢"``, ``" 42"`` or ``"4_2"``."""
    if not text.isascii() or not text.isdigit():
        return None
    significant = text.lstrip("0")
    if len(significant) > len(str(MAX_ID)):
        return None
    value = int(significant or "0")
    return value if is_id(value) else None


def parse_int_array(raw: str) -> list[int] | None:
    """A JSON array of whole numbers sent as text (multipart fields such as ``[1,4,7]``); None when it is not one.
    Whether each number can be an id is the caller's rule (an unknown interest and a malformed list read
    differently).

    An empty text is an empty array. Nesting is refused by the JSON parser's own recursion guard, which
    surfaces as ``RecursionError``; a list of ids is never nested, so that is just "not an array of ids"."""
    text = raw.strip()
    if not text:
        return []
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return None
    return value
