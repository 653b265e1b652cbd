"""Test data through polyfactory: domain entities built with the defaults a test does not care about, and
exactly the fields it does (``MemberFactory.build(status=..., profile=ProfileFactory.build(name=...))``).

Fields take the entity's own defaults (``__use_defaults__``), never random values, so a test reads the same
data every run; what has no default is given below.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from polyfactory import Use
from polyfactory.factories import DataclassFactory
from polyfactory.factories.base import BaseFactory
from polyfactory.field_meta import FieldMeta

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.slugs import new_canonical_id
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
T = TypeVar("T")
_serial = itertools.count(1)


class EntityFactory(Generic[T], DataclassFactory[T]):
    """What a factory declares wins; every other field takes the entity's default (no random data)."""

    __is_base_factory__ = True
    __use_defaults__ = True

    @classmethod
    def should_use_default_value(cls, field_meta: FieldMeta) -> bool:
        declared = hasattr(cls, field_meta.name) and not hasattr(BaseFactory, field_meta.name)
        return not declared and super().should_use_default_value(field_meta)


class ProfileFactory(EntityFactory[Profile]):
    """A complete profile: a name, a gender, two interests and one picture."""

    name = "Guest"
    gender = Gender.FEMALE
    interest_ids = (1, 4)
    picture_keys = ("profiles/x/a.png",)


class MemberFactory(EntityFactory[Member]):
    """An active member, not stored yet (id 0), with a complete profile and a number of their own."""

    id = 0
    phone = Use(lambda: PhoneNumber.parse(f"+9196{next(_serial):08d}"))
    status = MemberStatus.ACTIVE
    profile = Use(ProfileFactory.build)
    joined_at = NOW
    updated_at = NOW


class EventFactory(EntityFactory[Event]):
    """A published, public, free event of three hours, in three days, in India's time zone, not stored yet."""

    id = 0
    uuid = Use(uuid.uuid4)
    canonical_id = Use(new_canonical_id)
    host_id = 1
    title = "Sunset Jam Session"
    start_time = NOW + timedelta(days=3)
    end_time = NOW + timedelta(days=3, hours=3)
    timezone = "Asia/Kolkata"
    status = EventStatus.PUBLISHED
    created_at = NOW
    updated_at = NOW

    @classmethod
    def starting(
        cls, host_id: int, now: datetime, *, starts_in: timedelta, hours: float = 3, **fields: Any
    ) -> Event:
        """An event of ``host_id`` starting ``starts_in`` after ``now`` (``hours`` long unless ``end_time`` is
        given), made at ``now``."""
        start = now + starts_in
        values: dict[str, Any] = {"start_time": start, "end_time": start + timedelta(hours=hours)}
        return cls.build(host_id=host_id, created_at=now, updated_at=now, **(values | fields))
