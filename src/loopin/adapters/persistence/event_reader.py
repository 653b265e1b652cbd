"""The event reader over PostgreSQL: the feed's read model and the event's detail.

The feed's read model (``page_views``) answers a page with one statement whatever its size: the page's events
joined with their host and venue, the total and each event's interests beside them; ``page`` (the entity path)
with three: the count, the page, and the interests the page mentions.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import msgspec
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    Text,
    and_,
    any_,
    bindparam,
    false,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import NullType

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.events import event_from_row
from loopin.adapters.persistence.identity import interest_from_row
from loopin.adapters.persistence.orm import (
    EventInterestRow,
    EventRow,
    MemberRow,
    VenueRow,
    is_storable_id,
    like_anywhere,
)
from loopin.adapters.persistence.venues import venue_from_row
from loopin.domain.events.event import (
    LISTED_STATUSES,
    AllowedGenders,
    EventStatus,
    RsvpExpiryPolicy,
)
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.slugs import generate_slug
from loopin.domain.events.venue import VenueType, city_slug
from loopin.domain.events.visibility import Viewer
from loopin.domain.identity.interest import EventInterest
from loopin.usecases.events.ports import EventPage, EventReader, EventRecord, HostCard
from loopin.usecases.events.views import EventView, InterestRef, VenueView, ViewPage, ViewShape

_RecordSelect = Select[EventRow, str, list[str], VenueRow]  # the venue is None when the event has none


class SqlEventReader(SqlAdapter, EventReader):
    async def record(self, event_id: int) -> EventRecord | None:
        if not is_storable_id(event_id):
            return None
        records = await self._records(self._base().where(EventRow.id == event_id))
        return records[0] if records else None

    async def record_by_canonical_id(self, canonical_id: str) -> EventRecord | None:
        records = await self._records(self._base().where(EventRow.canonical_id == canonical_id))
        return records[0] if records else None

    async def page(self, query: FeedQuery, viewer: Viewer, now: datetime) -> EventPage:
        bound, params = _bound(query, viewer, now)
        statements = _statements(bound)
        total = await self._total(statements, params)
        if total <= query.offset:
            return EventPage(total, [])
        statement = self._base().where(*statements.where).order_by(EventRow.start_time, EventRow.id)
        statement = statement.offset(query.offset).limit(query.limit)
        return EventPage(total, await self._records(statement.params(params)))

    async def page_views(self, query: FeedQuery, viewer: Viewer, now: datetime, shape: ViewShape) -> ViewPage:
        """``page`` as one statement, in Core: the page's rows with the total (a scalar subquery) and each
        event's interests (aggregated beside it) on every row, straight into views, no ORM objects. A page past
        the last event has no row to carry the total: then a second statement counts. Both statements are built
        once per shape of query (which conditions it has), its values bound."""
        bound, params = _bound(query, viewer, now)
        statements = _statements(bound)
        connection = await self._session.connection()
        rows = [_card(row) for row in await connection.execute(statements.page, params)]
        if not rows:
            return ViewPage(await self._total(statements, params) if query.offset > 0 else 0, [])
        city_slugs: dict[str, str] = {}
        views = [_view(row, shape, city_slugs) for row in rows]
        return ViewPage(rows[0].total, views)

    async def detail_view(self, event_id: int, shape: ViewShape) -> EventView | None:
        """``record`` then ``shape.of`` as one statement built once: the event with its host, venue and
        interests, straight into its view."""
        if not is_storable_id(event_id):
            return None
        connection = await self._session.connection()
        row = (await connection.execute(_DETAIL, {"event_id": event_id})).first()
        return _view(_detail_card(row), shape, {}) if row is not None else None

    async def _total(self, statements: _PageStatements, params: dict[str, Any]) -> int:
        return int(await self._session.scalar(statements.count, params) or 0)

    @staticmethod
    def _base() -> _RecordSelect:
        return (
            select(EventRow, MemberRow.name, MemberRow.picture_keys, VenueRow)
            .join(MemberRow, MemberRow.id == EventRow.host_id)
            .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
        )

    async def _records(self, statement: _RecordSelect) -> list[EventRecord]:
        rows = (await self._session.execute(statement)).all()
        interest_ids = {i for row in rows for i in (row[0].interest_ids or ())}
        interests = await self._interests(sorted(interest_ids))
        records = []
        for event_row, host_name, picture_keys, venue_row in rows:
            event = event_from_row(event_row)
            host = HostCard(event.host_id, host_name, picture_keys[0] if picture_keys else None)
            venue = venue_from_row(venue_row) if venue_row is not None else None
            chosen = sorted(
                (interests[i] for i in event.interest_ids if i in interests), key=lambda i: (i.name, i.id)
            )
            records.append(EventRecord(event, host, venue, tuple(chosen)))
        return records

    async def _interests(self, ids: Sequence[int]) -> dict[int, EventInterest]:
        if not ids:
            return {}
        rows = await self._session.scalars(select(EventInterestRow).where(EventInterestRow.id.in_(ids)))
        return {r.id: interest_from_row(r) for r in rows}


def _as_sent(column: Any, name: str) -> ColumnElement[Any]:
    """A column as asyncpg hands it over: SQLAlchemy's ARRAY processing walks every item of a list again (~5 %
    of a cold page's CPU for lists that come out the same), and ``DateTimeUTC`` checks a time zone that a
    ``timestamptz`` always has (asyncpg gives aware UTC datetimes): seven calls per row for the same values."""
    return type_coerce(column, NullType()).label(name)


def _card_column(column: Any, name: str) -> ColumnElement[Any]:
    sent_as_is = isinstance(column.type, (ARRAY, DateTimeUTC))
    return _as_sent(column, name) if sent_as_is else column.label(name)


_CARD_COLUMNS = (
    *(_card_column(c, c.name) for c in EventRow.__table__.c if c.name != "interest_ids"),
    MemberRow.name.label("host_name"),  # the interests come as ``_INTERESTS``
    _as_sent(MemberRow.picture_keys, "host_picture_keys"),
    *(_card_column(c, f"v_{c.name}") for c in VenueRow.__table__.c),
)


# The event's known interests as one JSON array of {id, name, slug} (NULL without any), read where the page's
# rows are: the statement's own subquery, evaluated for the rows the page keeps.
_INTERESTS = (
    select(
        func.json_agg(
            func.json_build_object(
                "id", EventInterestRow.id, "name", EventInterestRow.name, "slug", EventInterestRow.slug
            )
        ).cast(Text)  # as text: decoded straight into InterestRefs, not by json.loads into dicts first
    )
    .where(EventInterestRow.id == any_(EventRow.interest_ids))
    .scalar_subquery()
    .label("interests")
)
_INTEREST_REFS = msgspec.json.Decoder(list[InterestRef]).decode

# A result row's values by name through plain tuple attributes: ``Row``'s by-name lookups cost about as much as
# the rest of building the view (the page reads ~45 of them per event).
_card: Callable[[Any], Any] = cast(Any, namedtuple)(
    "_Card", [*(c.name for c in _CARD_COLUMNS), "total", "interests"]
)._make


def _by_name(interest: InterestRef) -> tuple[str, int]:
    return interest.name, interest.id


def _view(row: Any, shape: ViewShape, city_slugs: dict[str, str]) -> EventView:
    """One row of ``_CARD_COLUMNS`` and ``_INTERESTS`` as ``shape.of`` would show its record."""
    venue = _venue_view(row, city_slugs) if row.v_id is not None else None
    picture_keys = row.host_picture_keys
    chosen = sorted(_INTEREST_REFS(row.interests), key=_by_name) if row.interests else ()
    return shape.event(
        row,
        slug=generate_slug(row.title),
        status=EventStatus(row.status),
        is_deleted=row.deleted_at is not None,
        allowed_genders=AllowedGenders(row.allowed_genders).value,
        rsvp_expiry_policy=RsvpExpiryPolicy(row.rsvp_expiry_policy).value,
        host=HostCard(row.host_id, row.host_name, picture_keys[0] if picture_keys else None),
        venue=venue,
        interests=tuple(chosen),
    )


# One event (deleted ones too: visibility is the caller's rule), as a page's row without the total.
_DETAIL = (
    select(*_CARD_COLUMNS, _INTERESTS)
    .select_from(EventRow)
    .join(MemberRow, MemberRow.id == EventRow.host_id)
    .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
    .where(EventRow.id == bindparam("event_id", type_=BigInteger()))
)
_detail_card: Callable[[Any], Any] = cast(Any, namedtuple)(
    "_DetailCard", [*(c.name for c in _CARD_COLUMNS), "interests"]
)._make


def _venue_view(row: Any, city_slugs: dict[str, str]) -> VenueView:
    """As ``VenueView.of(venue_from_row(...))``: the city's slug derived from the city (a page repeats few)."""
    city = row.v_city
    slug = city_slugs.get(city)
    if slug is None:
        slug = city_slugs[city] = city_slug(city)
    latitude, longitude = row.v_latitude, row.v_longitude
    return VenueView(
        row.v_id,
        row.v_uuid,
        row.v_name,
        row.v_address,
        city,
        slug,
        row.v_country_code,
        float(latitude) if latitude is not None else None,
        float(longitude) if longitude is not None else None,
        row.v_place_id,
        VenueType(row.v_venue_type).value,
        row.v_capacity,
        {str(k): str(v) for k, v in (row.v_metadata or {}).items()},
        row.v_is_active,
        row.v_created_at,
        row.v_updated_at,
    )


# --- a page's conditions, its statements built once per shape ----------------------------------------------

_Shape = tuple[str, ...]
_LISTED = sorted(s.value for s in LISTED_STATUSES)
_IDS = ARRAY(BigInteger())
_TEXTS = ARRAY(String())


def _bound(query: FeedQuery, viewer: Viewer, now: datetime) -> tuple[_Shape, dict[str, Any]]:
    """Which conditions a page has (its shape: the visibility rule's case and the filters given) and the values
    bound into them. Ids no key can hold match nothing (and asyncpg would refuse to send them)."""
    shape: list[str] = []
    params: dict[str, Any] = {"offset": query.offset, "limit": query.limit}
    if viewer.is_staff:
        shape.append("staff")
    else:
        params["listed"] = _LISTED
        granted = sorted(i for i in viewer.granted if is_storable_id(i))
        if granted:
            shape.append("granted")
            params["granted"] = granted
        if viewer.member_id is not None and is_storable_id(viewer.member_id):
            shape.append("member")
            params["member_id"] = viewer.member_id
    if query.statuses:
        shape.append("statuses")
        params["statuses"] = sorted(s.value for s in query.statuses)
    if query.is_public is not None:
        shape.append("is_public")
        params["is_public"] = query.is_public
    if query.host_id is not None:
        shape.append("host" if is_storable_id(query.host_id) else "nothing")
        params["host_id"] = query.host_id
    if query.upcoming:
        shape.append("upcoming")
        params["now"] = now
    if query.interest_id is not None:
        shape.append("interest" if is_storable_id(query.interest_id) else "nothing")
        params["interest"] = [query.interest_id]
    if query.city_slug is not None:
        shape.append("city")
        params["city_slug"] = query.city_slug
    if query.country_code is not None:
        shape.append("country")
        params["country_code"] = query.country_code.lower()
    text = query.search_text
    if text is not None:
        shape.append("search")
        params["pattern"] = like_anywhere(text)
    return tuple(shape), params


def _where(shape: _Shape) -> list[ColumnElement[bool]]:
    """``visibility.is_listed`` and the query's filters in SQL, for a shape of ``_bound``."""
    alive = EventRow.deleted_at.is_(None)
    where: list[ColumnElement[bool]] = [alive]
    if "staff" not in shape:
        reachable: ColumnElement[bool] = EventRow.is_public.is_(True)
        if "granted" in shape:
            reachable = or_(reachable, EventRow.id == any_(bindparam("granted", type_=_IDS)))
        listed = and_(EventRow.status == any_(bindparam("listed", type_=_TEXTS)), reachable)
        if "member" in shape:
            listed = or_(EventRow.host_id == bindparam("member_id", type_=BigInteger()), listed)
        where = [and_(alive, listed)]
    if "statuses" in shape:
        where.append(EventRow.status == any_(bindparam("statuses", type_=_TEXTS)))
    if "is_public" in shape:
        where.append(EventRow.is_public == bindparam("is_public", type_=Boolean()))
    if "nothing" in shape:
        where.append(false())
    if "host" in shape:
        where.append(EventRow.host_id == bindparam("host_id", type_=BigInteger()))
    if "upcoming" in shape:
        where.append(EventRow.end_time > bindparam("now", type_=DateTime(timezone=True)))
    if "interest" in shape:
        where.append(EventRow.interest_ids.contains(bindparam("interest", type_=_IDS)))
    if "city" in shape:
        where.append(VenueRow.city_slug == bindparam("city_slug", type_=String()))
    if "country" in shape:
        where.append(VenueRow.country_code == bindparam("country_code", type_=String()))
    if "search" in shape:
        pattern = bindparam("pattern", type_=String())
        where.append(
            or_(EventRow.title.ilike(pattern, escape="\\"), EventRow.description.ilike(pattern, escape="\\"))
        )
    return where


@dataclass(frozen=True, slots=True)
class _PageStatements:
    where: list[ColumnElement[bool]]
    count: Select[int]
    page: Select[Any]


@functools.lru_cache(maxsize=512)
def _statements(shape: _Shape) -> _PageStatements:
    """Building a page's statement (~60 columns, two subqueries) and its cache key cost more CPU than the
    database took to run it: a shape's are built once, and SQLAlchemy's compiled cache keeps their SQL."""
    where = _where(shape)
    count = select(func.count()).select_from(EventRow)
    if "city" in shape or "country" in shape:
        count = count.join(VenueRow, VenueRow.id == EventRow.venue_id)
    count = count.where(*where)
    page = (
        select(*_CARD_COLUMNS, count.correlate(None).scalar_subquery().label("total"), _INTERESTS)
        .select_from(EventRow)
        .join(MemberRow, MemberRow.id == EventRow.host_id)
        .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
        .where(*where)
        .order_by(EventRow.start_time, EventRow.id)
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("limit", type_=Integer()))
    )
    return _PageStatements(where, count, page)
