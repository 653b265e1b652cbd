"""Use cases are frozen dataclasses that dishka builds from their fields, and the container provides them all.

One that commits a transaction says so by its base: ``UseCase`` (``uow``), ``MemberUseCase`` (and ``access``).
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from pathlib import Path

import pytest

from loopin.entrypoints.di import make_container
from loopin.entrypoints.di.usecases import USE_CASES
from loopin.entrypoints.settings import load_settings
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.shared.ports import UnitOfWork
from loopin.usecases.shared.use_case import UseCase


@pytest.mark.parametrize("use_case", USE_CASES, ids=lambda c: c.__name__)
def test_a_use_case_is_a_frozen_slotted_dataclass(use_case: type) -> None:
    assert dataclasses.is_dataclass(use_case)
    params = use_case.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen, f"{use_case.__name__} is not frozen"
    assert "__slots__" in vars(use_case), f"{use_case.__name__} has no slots"


async def test_dishka_builds_every_use_case_from_its_fields(tmp_path: Path) -> None:
    """dishka reads a dataclass's generated ``__init__`` (string annotations too) like a hand-written one."""
    container = make_container(load_settings({}, environment="test", media_root=str(tmp_path)))
    try:
        async with container() as scope:
            for use_case in USE_CASES:
                built = await scope.get(use_case)
                assert isinstance(built, use_case)
                for field in dataclasses.fields(use_case):
                    assert getattr(built, field.name) is not None, f"{use_case.__name__}.{field.name}"
    finally:
        await container.close()


def test_every_use_case_module_class_with_a_call_is_provided() -> None:
    """A use case added to a module but not to the composition root would fail only when first requested."""
    import importlib
    import pkgutil

    import loopin.usecases

    provided = set(USE_CASES)
    missing: list[str] = []
    for info in pkgutil.walk_packages(loopin.usecases.__path__, "loopin.usecases."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or name.startswith("_") or not dataclasses.is_dataclass(cls):
                continue
            if "__call__" in vars(cls) and cls not in provided and not inspect.isabstract(cls):
                missing.append(f"{module.__name__}.{name}")
    assert not missing, "use cases missing from entrypoints/di/usecases.py: " + ", ".join(missing)


@pytest.mark.parametrize("use_case", USE_CASES, ids=lambda c: c.__name__)
def test_a_use_case_takes_keyword_arguments_only(use_case: type) -> None:
    """One input convention (docs/architecture.md): ids of the same type can never be passed crosswise."""
    owner = next((k for k in use_case.__mro__ if "__call__" in vars(k)), object)
    if owner is object:  # a service other use cases share (MemberAccess, EventAccess, EventCatalog, TicketDesk)
        return
    params = list(inspect.signature(vars(owner)["__call__"]).parameters.values())[1:]
    positional = [p.name for p in params if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert not positional, f"{use_case.__name__}.__call__ takes {positional} positionally"


def declared_below(use_case: type, base: type, name: str) -> list[str]:
    """The classes from ``use_case`` up to ``base`` (not included) that annotate ``name`` themselves."""
    below = use_case.__mro__[: use_case.__mro__.index(base)] if base in use_case.__mro__ else use_case.__mro__
    return [k.__name__ for k in below if name in vars(k).get("__annotations__", {})]


@pytest.mark.parametrize("use_case", USE_CASES, ids=lambda c: c.__name__)
def test_a_use_case_with_a_transaction_extends_the_use_case_base(use_case: type) -> None:
    """The transaction rule and the caller's gate are declared once, on the base; a new use case copies the
    shape it sees. Services without a ``__call__`` (``MemberAccess``, ``TicketDesk``, port implementations)
    work inside their caller's transaction and keep their own ``uow``."""
    if not any("__call__" in vars(k) for k in use_case.__mro__[:-1]):
        return
    hints = typing.get_type_hints(use_case.__init__)
    if hints.get("uow") is not UnitOfWork:
        return
    assert issubclass(use_case, UseCase), f"{use_case.__name__} holds a uow: make it a UseCase"
    assert not declared_below(use_case, UseCase, "uow"), f"{use_case.__name__} declares uow again"
    if hints.get("access") is MemberAccess:
        assert issubclass(use_case, MemberUseCase), f"{use_case.__name__} holds MemberAccess: a MemberUseCase"
        assert not declared_below(use_case, MemberUseCase, "access"), f"{use_case.__name__} declares access again"
