"""A host's partial update of an event: the JSON keys the client sent, checked and applied field by field.

Problems are noted in the order the fields are read (the first coded one names the error); the capacity and
the price refuse at once (409) when guests already hold seats. What needs the database (the venue, whether
the interests exist) and the status move are left to the use case, in ``AppliedChanges``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.place import PlaceInput, venue_from_place
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import (
    DURATION_MAX_HOURS,
    DURATION_MIN_HOURS,
    check_capacity,
    check_pricing,
    clean_description,
    clean_gst_number,
    clean_title,
    is_event_length,
    parse_allowed_genders,
    parse_duration,
    parse_interest_ids,
    parse_price,
    parse_rsvp_policy,
    parse_start_time,
    parse_status,
    parse_timezone,
)
from loopin.domain.events.venue import Venue
from loopin.domain.shared.changes import KEEP, Keep
from loopin.domain.shared.money import ZERO

Check = Callable[[Any, Problems], object]  # a field's cleaner: the clean value, or None with the problem noted


def _as_sent(value: object, _problems: Problems) -> object:
    """A field taken as the client typed it (a boolean)."""
    return value


@dataclass(slots=True)
class AppliedChanges:
    """What ``EventChanges.apply_to`` changed, and what is left for the use case to check and apply."""

    changed: list[str] = field(default_factory=list)  # field names, in the order they were applied
    status: EventStatus | None = None
    interest_ids: tuple[int, ...] | None = None  # to apply once they are known to exist
    venue_id: int | None = None  # an existing venue to move to
    venue_draft: Venue | None = None  # or a place to find or add
    removed_covers: tuple[str, ...] = ()

    def note(self, name: str, old: object, new: object) -> None:
        if old != new:
            self.changed.append(name)


@dataclass(frozen=True, slots=True)
class EventChanges:
    """Only fields that are not KEEP change (the JSON keys the client sent)."""

    title: str | Keep = KEEP
    description: str | None | Keep = KEEP
    start_time: str | Keep = KEEP
    end_time: str | Keep = KEEP
    duration_hours: float | str | Keep = KEEP
    timezone: str | Keep = KEEP
    venue_id: int | Keep = KEEP
    place: PlaceInput | Keep = KEEP
    max_capacity: int | Keep = KEEP
    is_paid: bool | Keep = KEEP
    ticket_price: str | float | Keep = KEEP
    allow_plus_one: bool | Keep = KEEP
    gst_number: str | None | Keep = KEEP
    allowed_genders: str | Keep = KEEP
    rsvp_expiry_policy: str | Keep = KEEP
    status: str | Keep = KEEP
    is_public: bool | Keep = KEEP
    interest_ids: list[int] | Keep = KEEP
    cover_images: list[str] | Keep = KEEP  # URLs of the event's own covers: reordered or removed, never added

    def apply_to(
        self,
        event: Event,
        problems: Problems,
        *,
        now: datetime,
        default_zone: str,
        cover_keys: Mapping[str, str],
        member_id: int,
    ) -> AppliedChanges:
        """Changes ``event`` in place (``cover_keys``: the storage key of each of its cover URLs)."""
        c, p, done = self, problems, AppliedChanges()
        self._assign(event, p, done, "title", clean_title)
        self._assign(event, p, done, "description", clean_description)
        self._reschedule(event, p, now, default_zone, done)
        if not isinstance(c.status, Keep):
            done.status = parse_status(c.status, p)
        if not isinstance(c.max_capacity, Keep) and (capacity := check_capacity(c.max_capacity, p)) is not None:
            done.note("max_capacity", event.max_capacity, capacity)
            event.set_capacity(capacity)
        self._reprice(event, p, done)
        self._assign(event, p, done, "allow_plus_one", _as_sent)
        self._assign(event, p, done, "gst_number", clean_gst_number)
        self._assign(event, p, done, "allowed_genders", parse_allowed_genders)
        self._assign(event, p, done, "rsvp_expiry_policy", parse_rsvp_policy)
        self._assign(event, p, done, "is_public", _as_sent)
        if not isinstance(c.interest_ids, Keep):
            done.interest_ids = parse_interest_ids(c.interest_ids, p)
        self._recover(event, p, cover_keys, done)
        if not isinstance(c.venue_id, Keep):
            done.venue_id = c.venue_id
        elif not isinstance(c.place, Keep):
            done.venue_draft = venue_from_place(c.place, p, now=now, created_by=member_id)
        return done

    def _assign(self, event: Event, p: Problems, done: AppliedChanges, name: str, check: Check) -> None:
        """A field that maps onto the event's attribute of the same name: the sent value as ``check`` cleans
        it (None: refused, the problem noted)."""
        sent = getattr(self, name)
        if isinstance(sent, Keep):
            return
        value = check(sent, p)
        if value is not None:
            done.note(name, getattr(event, name), value)
            setattr(event, name, value)

    def _reschedule(
        self, event: Event, p: Problems, now: datetime, default_zone: str, done: AppliedChanges
    ) -> None:
        c = self
        if all(isinstance(v, Keep) for v in (c.start_time, c.end_time, c.duration_hours, c.timezone)):
            return
        zone = parse_timezone(event.timezone if isinstance(c.timezone, Keep) else c.timezone, default_zone, p)
        if zone is None:
            return
        start, duration = event.start_time, event.duration
        if not isinstance(c.start_time, Keep):
            parsed = parse_start_time(c.start_time, zone, now, p)
            if parsed is None:
                return
            start = parsed
        if not isinstance(c.duration_hours, Keep):
            parsed_duration = parse_duration(c.duration_hours, p)
            if parsed_duration is None:
                return
            duration = parsed_duration
        end = start + duration
        if not isinstance(c.end_time, Keep):
            parsed_end = parse_start_time(c.end_time, zone, now, p, field="end_time")
            if parsed_end is None:
                return
            end = parsed_end
        if not is_event_length((end - start) / timedelta(hours=1)):
            p.add(
                "end_time",
                f"The event must last between {DURATION_MIN_HOURS:g} and {DURATION_MAX_HOURS:g} hours",
                "INVALID_DURATION",
            )
            return
        done.note("timezone", event.timezone, zone.key)
        done.note("start_time", event.start_time, start)
        done.note("end_time", event.end_time, end)
        event.timezone, event.start_time, event.end_time = zone.key, start, end

    def _reprice(self, event: Event, p: Problems, done: AppliedChanges) -> None:
        if isinstance(self.is_paid, Keep) and isinstance(self.ticket_price, Keep):
            return
        is_paid = event.is_paid if isinstance(self.is_paid, Keep) else self.is_paid
        if not isinstance(self.ticket_price, Keep):
            raw_price = parse_price(self.ticket_price, p)
        else:  # a free event turning paid must name its price; a paid one turning free costs nothing
            raw_price = event.ticket_price if is_paid else ZERO
        price = check_pricing(is_paid, raw_price, p)
        if price is not None:
            done.note("pricing", (event.is_paid, event.ticket_price), (is_paid, price))
            event.set_pricing(is_paid, price)

    def _recover(self, event: Event, p: Problems, cover_keys: Mapping[str, str], done: AppliedChanges) -> None:
        """Covers can be reordered or removed here; new ones come with the event's creation."""
        if isinstance(self.cover_images, Keep):
            return
        keys = tuple(dict.fromkeys(cover_keys.get(u.strip()) or "" for u in self.cover_images))
        if "" in keys:
            p.add("cover_images", "Cover images can only be reordered or removed here", "INVALID_COVER_IMAGE")
            return
        if len(keys) > Event.MAX_COVER_IMAGES:
            p.add("cover_images", f"At most {Event.MAX_COVER_IMAGES} cover images", "TOO_MANY_COVER_IMAGES")
            return
        done.note("cover_images", event.cover_image_keys, keys)
        done.removed_covers = tuple(k for k in event.cover_image_keys if k not in keys)
        event.cover_image_keys = keys
