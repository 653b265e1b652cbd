"""Building one record from another whose attributes carry the same names (an entity's view, a wire struct)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def from_attributes(kind: type[T], source: object, **given: Any) -> T:
    """A ``kind`` (a dataclass) whose fields are ``source``'s attributes of the same name, except those
    ``given``: a mapping states only where the two differ."""
    return build(kind, field_names(kind), source, given)


def build(kind: type[T], names: Sequence[str], source: object, given: Mapping[str, Any]) -> T:
    """``kind(*values)``, each of ``names`` taken from ``given`` or else from ``source``'s attribute."""
    return kind(*[given[name] if name in given else getattr(source, name) for name in names])


def field_names(kind: type[Any]) -> tuple[str, ...]:
    """A dataclass's fields, in the order its constructor takes them."""
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.init)
    return names


_FIELDS: dict[type[Any], tuple[str, ...]] = {}
