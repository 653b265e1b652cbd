"""Rows to entities and back, field by field under the same names: enums are stored as their values, tuples
as arrays. Each repository states only where its row and its entity differ."""

from __future__ import annotations

import operator
import types
import typing
from collections.abc import Callable, Collection
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, Table, Update, bindparam, inspect, select, update
from sqlalchemy.engine import Row as CoreRow
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import instance_state

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import is_storable_id
from loopin.domain.shared.errors import ConcurrentChange, Conflict
from loopin.usecases.shared.attributes import field_names

T = TypeVar("T")
Row = TypeVar("Row")
Reader = Callable[[Any], Any]


def entity_from_row(kind: type[T], row: object, **given: Any) -> T:
    """A ``kind`` from the row's columns of the same names (enum and tuple fields read back), except ``given``."""
    key = (kind, *given) if given else kind
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _RowPlan(kind, tuple(given))
    return plan.entity(row, given)  # type: ignore[no-any-return]


class _RowPlan:
    """How rows become one kind of entity, worked out once per kind (and per set of ``given`` fields): the
    columns read in one ``attrgetter`` call, the few that need a reader, where the given values go."""

    __slots__ = ("_given_at", "_kind", "_read", "_readers")

    def __init__(self, kind: type[Any], given: tuple[str, ...]) -> None:
        names = field_names(kind)
        readers = _readers(kind)
        read = [n for n in names if n not in given]
        self._kind = kind
        self._read = operator.attrgetter(*read) if len(read) > 1 else _as_tuple(read)
        self._readers = tuple((i, readers[n]) for i, n in enumerate(read) if readers[n] is not _same)
        self._given_at = tuple((i, n) for i, n in enumerate(names) if n in given)

    def entity(self, row: object, given: dict[str, Any]) -> Any:
        values = list(self._read(row))
        for index, reader in self._readers:
            values[index] = reader(values[index])
        for index, name in self._given_at:  # ascending: each lands where the constructor expects it
            values.insert(index, given[name])
        return self._kind(*values)


def _as_tuple(names: list[str]) -> Callable[[object], tuple[Any, ...]]:
    """``attrgetter`` of fewer than two names, as a tuple all the same."""
    return lambda row: tuple(getattr(row, n) for n in names)


_PLANS: dict[Any, _RowPlan] = {}


def copy_to_row(
    entity: object, row: Any, *, skip: Collection[str] = ("id", "created_at", "updated_at"), **given: Any
) -> None:
    """Writes the entity's fields into the row's columns of the same names (enums as their values, tuples
    as lists), except ``skip``; and the entity's ``updated_at`` when it has one (the Clock's time, not the
    flush's)."""
    for name, value in row_values(entity, skip=skip, **given).items():
        setattr(row, name, value)


def row_values(
    entity: object, *, skip: Collection[str] = ("id", "created_at", "updated_at"), **given: Any
) -> dict[str, Any]:
    """The column values ``copy_to_row`` writes, for an ``INSERT`` or ``UPDATE`` statement of one's own."""
    values: dict[str, Any] = {}
    for name in field_names(type(entity)):
        if name in skip:
            continue
        value = given[name] if name in given else getattr(entity, name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        values[name] = value
    updated_at = getattr(entity, "updated_at", None)
    if updated_at is not None:
        values["updated_at"] = updated_at
    return values


def _readers(kind: type[Any]) -> dict[str, Reader]:
    readers = _READERS.get(kind)
    if readers is None:
        hints = typing.get_type_hints(kind)
        readers = _READERS[kind] = {name: _reader(hints[name]) for name in field_names(kind)}
    return readers


def _reader(hint: Any) -> Reader:
    """How a column's value becomes the field's: an enum from its value, a tuple from an array (NULL kept)."""
    options = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(options) == 1:
        inner = _reader(options[0])
        return lambda value: None if value is None else inner(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if typing.get_origin(hint) is tuple:
        return lambda value: tuple(value or ())
    return _same


def _same(value: Any) -> Any:
    return value


_READERS: dict[type[Any], dict[str, Reader]] = {}


async def stored_row(session: AsyncSession, kind: type[Row], row_id: int) -> Row:
    """The row an entity was loaded from: saving one that was never added is a bug of ours, not a 4xx."""
    row = await session.get(kind, row_id)
    if row is None:
        raise LookupError(f"{getattr(kind, '__tablename__', kind.__name__)} row {row_id} is not stored")
    return row


async def insert_row(
    session: AsyncSession, row: Any, created_at: datetime | None, conflict: type[Conflict]
) -> None:
    """Adds the row and flushes it, so its id is known; dated like its entity when that has a date already.
    A constraint the row breaks (a unique pair written at the same time) is answered with ``conflict``."""
    if created_at is not None:
        row.created_at = created_at
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise conflict() from exc


_POPULATE = {"populate_existing": True}


class Identified(Protocol):
    id: int


class _Written:
    """What ``_write`` sets, recorded instead of written into a mapped row (the values of a Core ``UPDATE``)."""


class _CoreStatements:
    """A mapped row class's Core statements, built once per class: its columns by id, and its ``UPDATE`` by id of
    a set of columns (the ones a save changed)."""

    def __init__(self, row: type[Any]) -> None:
        mapper = inspect(row)
        table = mapper.local_table
        assert isinstance(table, Table)
        self.table = table
        self.identity_class: type[Any] = mapper._identity_class
        self.column_of = {a.key: a.columns[0].key for a in mapper.column_attrs}  # attribute -> column
        self.by_id = select(*table.c).where(table.c.id == bindparam("row_id"))
        self._updates: dict[frozenset[str], Update] = {}

    def update(self, columns: frozenset[str]) -> Update:
        statement = self._updates.get(columns)
        if statement is None:
            statement = self._updates[columns] = (
                update(self.table)
                .where(self.table.c.id == bindparam("row_id"))
                .values({c: bindparam(c) for c in sorted(columns)})
            )
        return statement


E = TypeVar("E", bound=Identified)


class RowRepository(SqlAdapter, Generic[E, Row]):
    """A repository of entities stored one row each: ``RowRepository[Ticket, TicketRow]``. Rows become
    entities with ``entity_from_row`` and are written with ``copy_to_row``; a subclass says only where its
    row and entity differ (``_entity``, ``_write``, ``_added``, ``conflict``, ``dated_by``).

    Locked reads are ``SELECT … FOR UPDATE`` and reload the row over what the session holds, so a use case
    decides on what the lock protects. ``no_key_update``: ``FOR NO KEY UPDATE`` instead.

    Reads by id without a lock (``_get``), and the reads a subclass sends with ``_core_one``, are Core statements
    built once, straight into entities, not ORM loads (half the CPU of ``session.get``: no row instance, no
    identity map, no loader). A row the session already holds (loaded, or written by a ``save``, through the ORM)
    answers from the session instead, so a use case never reads past its own unflushed change. A ``save`` of an
    entity read through Core sends an ``UPDATE`` of the columns it changed since that read, as the ORM's flush
    would (never the whole row: a column another transaction changed meanwhile is not written back)."""

    entity: type[E]
    row: type[Row]
    conflict: ClassVar[type[Conflict]] = ConcurrentChange  # a new error each time: a raised one keeps its frames
    # FOR NO KEY UPDATE, the lock an UPDATE takes anyway: it does not wait for the key-share locks that inserting
    # a row referencing this one takes (the foreign key check). For rows a rush inserts references to (events,
    # requests, invitations, tickets): a confirmation holds those key-share locks from its ticket insert to its
    # commit, and a FOR UPDATE of the same event or request, taken while holding another lock the confirmation
    # then waits for, would deadlock with it.
    no_key_update: ClassVar[bool] = False
    dated_by: ClassVar[str] = "created_at"  # the entity's field an added row is dated with
    _core: ClassVar[_CoreStatements]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if typing.get_origin(base) is RowRepository:
                cls.entity, cls.row = typing.get_args(base)
                cls._core = _CoreStatements(cls.row)

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._read: dict[int, CoreRow[Any]] = {}  # rows read through Core, by id: what a save compares with

    def _entity(self, row: Row) -> E:
        return entity_from_row(self.entity, row)

    def _write(self, entity: E, row: Row) -> None:
        copy_to_row(entity, row)

    def _held(self, row_id: int) -> Row | None:
        """The row the session holds for this id, if it does and knows its values (no SQL; a row expired by a
        rollback or commit is not held: reading it would load it again)."""
        key = (self._core.identity_class, (row_id,), None)
        held: Row | None = self._session.sync_session.identity_map.get(key)
        if held is None or instance_state(held).expired_attributes:
            return None
        return held

    async def _get(self, row_id: int, *, lock: bool = False) -> E | None:
        if not is_storable_id(row_id):
            return None
        if lock:
            row = await self._session.get(
                self.row, row_id, with_for_update={"key_share": self.no_key_update}, populate_existing=True
            )
            return self._entity(row) if row is not None else None
        held = self._held(row_id)
        if held is not None:
            return self._entity(held)
        return await self._core_one(self._core.by_id, {"row_id": row_id})

    async def _core_one(self, statement: Select[Any], params: dict[str, Any]) -> E | None:
        """One row of ``statement`` (a Core select of the table's columns, built once, its lock built in) as an
        entity; a ``save`` of it then writes the columns it changed."""
        row: Any = (await self._run_core(statement, params)).one_or_none()
        if row is None:
            return None
        held = self._held(row.id)
        if held is not None:  # an older ORM copy: the row as read now replaces it, as populate_existing would
            self._session.expunge(held)
        self._read[row.id] = row
        return self._entity(row)

    async def _fresh(self, row_id: int, *, lock: bool = False) -> E | None:
        """By id, always from the database: for rows this repository writes with statements of its own."""
        if not is_storable_id(row_id):
            return None
        return await self._one(select(self.row).where(self.row.id == row_id), lock=lock)  # type: ignore[attr-defined]

    async def _one(
        self, statement: Select[Row], *, lock: bool = False, params: dict[str, Any] | None = None
    ) -> E | None:
        """``params``: the values of a statement built once with bound parameters (its lock built in too)."""
        if lock:
            statement = statement.with_for_update(key_share=self.no_key_update)
        row = await self._session.scalar(statement, params, execution_options=_POPULATE)
        return self._entity(row) if row is not None else None

    async def _many(self, statement: Select[Row], *, lock: bool = False, skip_locked: bool = False) -> list[E]:
        if lock or skip_locked:
            statement = statement.with_for_update(skip_locked=skip_locked, key_share=self.no_key_update)
        rows = await self._session.scalars(statement, execution_options=_POPULATE)
        return [self._entity(r) for r in rows]

    async def _lock_overdue(self, *due: ColumnElement[bool], order: Any, limit: int) -> list[E]:
        """A sweep's batch: up to ``limit`` rows matching ``due``, by ``order`` then id, skipping those another
        transaction holds (``SKIP LOCKED``)."""
        row: Any = self.row
        return await self._many(select(row).where(*due).order_by(order, row.id).limit(limit), skip_locked=True)

    async def add(self, entity: E) -> E:
        row = self.row()
        self._write(entity, row)
        await insert_row(self._session, row, getattr(entity, self.dated_by), self.conflict)
        entity.id = row.id  # type: ignore[attr-defined]
        self._added(entity, row)
        return entity

    def _added(self, entity: E, row: Row) -> None:
        """What else the entity learns from its new row (a date set by the database)."""

    async def save(self, entity: E) -> None:
        held = self._held(entity.id)
        read = self._read.get(entity.id)
        if held is None and read is not None:
            await self._update_changed(entity, read)
            return
        self._read.pop(entity.id, None)
        self._write(entity, held if held is not None else await stored_row(self._session, self.row, entity.id))

    async def _update_changed(self, entity: E, read: CoreRow[Any]) -> None:
        """``UPDATE`` of the columns whose values differ from the row as read (none: no statement). A constraint
        the change breaks is answered as the unit of work answers one its commit's flush breaks."""
        written = _Written()
        self._write(entity, written)  # type: ignore[arg-type]
        before, column_of = read._mapping, self._core.column_of
        changed = {column_of[k]: v for k, v in vars(written).items() if before[column_of[k]] != v}
        if not changed:
            return
        statement = self._core.update(frozenset(changed))
        try:
            await self._run_core(statement, {"row_id": entity.id, **changed})
        except IntegrityError as exc:
            raise ConcurrentChange() from exc
        self._read[entity.id] = _Updated(read, changed)  # type: ignore[assignment]


class _Updated:
    """A row as read, with the columns a save wrote since: what the next save compares with."""

    __slots__ = ("_mapping",)

    def __init__(self, read: CoreRow[Any], changed: dict[str, Any]) -> None:
        self._mapping = {**read._mapping, **changed}
