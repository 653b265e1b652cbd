"""A port declared once with its two adapters, and the provider that binds one side of a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dishka import Provider, Scope


@dataclass(frozen=True, slots=True)
class Binding:
    port: Any  # a Protocol class
    real: type  # PostgreSQL or Redis
    memory: type  # the in-memory adapter (embedded mode, use-case tests)


@dataclass(frozen=True, slots=True)
class Implementation:
    """A port of a lower context implemented by a service of a higher one (``PaidTicketRefunds`` by payments'
    ``GuestRefunds``): the composition root aliases the port to the service."""

    port: Any  # a Protocol class
    service: type


def bind(table: Iterable[Binding], *, real: bool, scope: Scope) -> Provider:
    """One provider binding every port of ``table`` to its real or its in-memory adapter."""
    provider = Provider(scope=scope)
    for binding in table:
        provider.provide(binding.real if real else binding.memory, provides=binding.port)
    return provider
