"""What the repositories' WHERE clauses share."""

from __future__ import annotations

from loopin.domain.shared.ids import is_id


def is_storable_id(value: int) -> bool:
    """Whether ``value`` can be a key at all: others match no row, and asyncpg would refuse to send them."""
    return is_id(value)


def like_anywhere(text: str) -> str:
    """An ``ILIKE … ESCAPE '\\'`` pattern matching ``text`` anywhere, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
