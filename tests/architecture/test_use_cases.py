"""Use cases are frozen dataclasses that dishka builds from their fields, and the container provides them all."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from loopin.entrypoints.di import make_container
from loopin.entrypoints.di.usecases import USE_CASES
from loopin.entrypoints.settings import load_settings


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
