"""The shape every use case has: a frozen, slotted dataclass of its dependencies that runs one transaction.

No ``from __future__ import annotations`` here: a subclass's generated ``__init__`` carries the inherited
fields' annotations, and dishka would resolve a string there in the subclass's module, which need not import
``UnitOfWork``. Annotated with the class itself, ``uow`` resolves wherever the use case lives.
"""

from abc import ABCMeta
from dataclasses import dataclass
from typing import Any, cast, dataclass_transform

from loopin.usecases.shared.ports import UnitOfWork


@dataclass_transform(frozen_default=True)
class UseCaseType(ABCMeta):
    """Makes every class it creates a ``dataclass(frozen=True, slots=True)``, so a use case states only its
    fields. An ``ABCMeta``: a shared base may leave a step abstract for each use case to say."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], /, **kwargs: Any
    ) -> "UseCaseType":
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if "__slots__" in namespace:  # the slotted copy ``dataclass`` makes of ``cls``: already done
            return cls
        return cast(UseCaseType, dataclass(frozen=True, slots=True)(cls))


class UseCase(metaclass=UseCaseType):
    """One request's work in one transaction, which the use case commits itself: no caller (route, job,
    command) has a transaction to forget. dishka builds it from its fields; the base's come first, so build
    one by keyword."""

    uow: UnitOfWork
