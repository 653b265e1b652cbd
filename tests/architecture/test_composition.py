"""The composition root's tables: every port has a real and an in-memory adapter, and both declare the port;
a port a lower context declares for a higher one to answer is bound to that service."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopin.entrypoints.di import make_container
from loopin.entrypoints.di.bindings import Binding, Implementation
from loopin.entrypoints.di.persistence import PERSISTENCE, PERSISTENCE_SERVICES
from loopin.entrypoints.di.services import SHARED_STATE
from loopin.entrypoints.di.usecases import ANSWERED_ABOVE, USE_CASES
from loopin.entrypoints.settings import load_settings
from tests.architecture.test_contexts import RANK, context_of

TABLE = (*PERSISTENCE, *PERSISTENCE_SERVICES, *SHARED_STATE)


@pytest.mark.parametrize("binding", TABLE, ids=lambda b: b.port.__name__)
def test_both_adapters_declare_the_port_they_implement(binding: Binding) -> None:
    """Declared, mypy --strict checks each adapter against its Protocol (not only the contract suites)."""
    for adapter in (binding.real, binding.memory):
        assert binding.port in adapter.__mro__, f"{adapter.__name__} does not declare {binding.port.__name__}"


def test_each_port_is_bound_once() -> None:
    ports = [b.port for b in TABLE]
    assert len(ports) == len(set(ports))


@pytest.mark.parametrize("implementation", ANSWERED_ABOVE, ids=lambda i: i.port.__name__)
def test_a_port_answered_from_above_is_declared_by_a_lower_context(implementation: Implementation) -> None:
    """The inversion the context order asks for: the port's context ranks below the service's, the service
    declares the port (so mypy checks it), and the service is a provided use-case service."""
    port_context = context_of(implementation.port.__module__)
    service_context = context_of(implementation.service.__module__)
    assert port_context is not None
    assert service_context is not None
    assert RANK[port_context] < RANK[service_context], f"{implementation.port.__name__} needs no inversion"
    assert implementation.port in implementation.service.__mro__
    assert implementation.service in USE_CASES


async def test_the_container_answers_each_port_with_its_service(tmp_path: Path) -> None:
    container = make_container(load_settings({}, environment="test", media_root=str(tmp_path)))
    try:
        async with container() as scope:
            for implementation in ANSWERED_ABOVE:
                answer = await scope.get(implementation.port)
                assert answer is await scope.get(implementation.service)
    finally:
        await container.close()
