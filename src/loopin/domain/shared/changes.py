"""Partial updates: a field a client did not send is ``KEEP``, which is not ``None`` (an explicit null)."""

from __future__ import annotations

from typing import Final


class Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()
