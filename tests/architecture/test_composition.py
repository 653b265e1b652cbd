"""The composition root's tables: every port has a real and an in-memory adapter, and both declare the port."""

from __future__ import annotations

import pytest

from loopin.entrypoints.di.bindings import Binding
from loopin.entrypoints.di.persistence import PERSISTENCE, PERSISTENCE_SERVICES
from loopin.entrypoints.di.services import SHARED_STATE

TABLE = (*PERSISTENCE, *PERSISTENCE_SERVICES, *SHARED_STATE)


@pytest.mark.parametrize("binding", TABLE, ids=lambda b: b.port.__name__)
def test_both_adapters_declare_the_port_they_implement(binding: Binding) -> None:
    """Declared, mypy --strict checks each adapter against its Protocol (not only the contract suites)."""
    for adapter in (binding.real, binding.memory):
        assert binding.port in adapter.__mro__, f"{adapter.__name__} does not declare {binding.port.__name__}"


def test_each_port_is_bound_once() -> None:
    ports = [b.port for b in TABLE]
    assert len(ports) == len(set(ports))
