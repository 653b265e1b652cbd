"""Hosts (and staff) changing and deleting events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from loopin.domain.events.event import Event, EventNotFound, EventStatus
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import (
    DURATION_MAX_HOURS,
    check_capacity,
    check_pricing,
    clean_description,
    clean_gst_number,
    clean_title,
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
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import Conflict, InvalidInput
from loopin.domain.shared.money import ZERO
from loopin.usecases.events import jobs
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventCache, EventRepository, VenueRepository
from loopin.usecases.events.reading import EventViews
from loopin.usecases.events.venues import PlaceInput, active_venue, venue_from_place
from loopin.usecases.events.views import EventView
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.platform.files import delete_files
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork

Note = Callable[[str, object, object], None]  # records a changed field (name, old value, new value)


class Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()


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
    cover_images: list[str] | Keep = KEEP


@dataclass(frozen=True, slots=True)
class UpdateEvent:
    """Partial update. Status moves only along the lifecycle; cancelled and completed events are final;
    capacity never drops below the seats taken; the price is locked once anyone holds a seat."""

    access: MemberAccess
    events: EventRepository
    event_access: EventAccess
    venues: VenueRepository
    interests: InterestRepository
    views: EventViews
    cache: EventCache
    storage: FileStorage
    uow: UnitOfWork
    jobs: JobQueue
    clock: Clock
    config: EventsConfig

    async def __call__(self, *, member_id: int, event_id: int, changes: EventChanges) -> EventView:
        c = changes
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        event = await self.event_access.hosted(event_id, member, lock=True, staff=True)
        event.ensure_editable()
        p = Problems()
        changed: list[str] = []

        def note(name: str, old: object, new: object) -> None:
            if old != new:
                changed.append(name)

        if not isinstance(c.title, Keep):
            title = clean_title(c.title, p)
            if title is not None:
                note("title", event.title, title)
                event.title = title
        if not isinstance(c.description, Keep):
            description = clean_description(c.description, p)
            if description is not None:
                note("description", event.description, description)
                event.description = description
        self._reschedule(event, c, now, p, note)
        new_status = parse_status(c.status, p) if not isinstance(c.status, Keep) else None
        if not isinstance(c.max_capacity, Keep):
            capacity = check_capacity(c.max_capacity, p)
            if capacity is not None:
                note("max_capacity", event.max_capacity, capacity)
                event.set_capacity(capacity)
        if not isinstance(c.is_paid, Keep) or not isinstance(c.ticket_price, Keep):
            is_paid = event.is_paid if isinstance(c.is_paid, Keep) else c.is_paid
            if not isinstance(c.ticket_price, Keep):
                raw_price = parse_price(c.ticket_price, p)
            else:  # a free event turning paid must name its price; a paid one turning free costs nothing
                raw_price = event.ticket_price if is_paid else ZERO
            price = check_pricing(is_paid, raw_price, p)
            if price is not None:
                note("pricing", (event.is_paid, event.ticket_price), (is_paid, price))
                event.set_pricing(is_paid, price)
        if not isinstance(c.allow_plus_one, Keep):
            note("allow_plus_one", event.allow_plus_one, c.allow_plus_one)
            event.allow_plus_one = c.allow_plus_one
        if not isinstance(c.gst_number, Keep):
            gst = clean_gst_number(c.gst_number, p)
            if gst is not None:
                note("gst_number", event.gst_number, gst)
                event.gst_number = gst
        if not isinstance(c.allowed_genders, Keep):
            genders = parse_allowed_genders(c.allowed_genders, p)
            if genders is not None:
                note("allowed_genders", event.allowed_genders, genders)
                event.allowed_genders = genders
        if not isinstance(c.rsvp_expiry_policy, Keep):
            policy = parse_rsvp_policy(c.rsvp_expiry_policy, p)
            if policy is not None:
                note("rsvp_expiry_policy", event.rsvp_expiry_policy, policy)
                event.rsvp_expiry_policy = policy
        if not isinstance(c.is_public, Keep):
            note("is_public", event.is_public, c.is_public)
            event.is_public = c.is_public
        interest_ids = parse_interest_ids(c.interest_ids, p) if not isinstance(c.interest_ids, Keep) else None
        removed_covers = self._covers(event, c, p, note)
        draft = self._venue_draft(c, p, now, member.id)
        p.raise_if_any()

        if interest_ids is not None:
            found = await self.interests.get_many(interest_ids) if interest_ids else []
            if len([i for i in found if i.is_active]) != len(interest_ids):
                raise InvalidInput.single(
                    "event_interest_ids",
                    "One or more selected interests are not available",
                    code="INVALID_EVENT_INTERESTS",
                )
            note("event_interest_ids", event.interest_ids, interest_ids)
            event.interest_ids = interest_ids
        venue: Venue | None = None
        if not isinstance(c.venue_id, Keep):
            venue = await active_venue(self.venues, c.venue_id)
        elif draft is not None:
            venue, _ = await self.venues.find_or_add(draft)
        if venue is not None:
            note("venue", event.venue_id, venue.id)
            event.venue_id = venue.id
        cancelled = False
        if new_status is not None and event.change_status(new_status, now):
            changed.append("status")
            cancelled = new_status is EventStatus.CANCELLED

        event.updated_at = now
        await self.events.save(event)
        action = "cancelled" if cancelled else "updated"
        self.jobs.enqueue(jobs.audited(action, event, member.id, now, changed=list(changed)))
        self.jobs.enqueue(jobs.tracked(f"event_{action}", event, member.id, changed))
        if removed_covers:
            self.jobs.enqueue(delete_files(removed_covers))
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        view = await self.views.detail(event.id)
        if view is None:
            raise EventNotFound()
        return view

    def _reschedule(self, event: Event, c: EventChanges, now: datetime, p: Problems, note: Note) -> None:
        if all(isinstance(v, Keep) for v in (c.start_time, c.end_time, c.duration_hours, c.timezone)):
            return
        zone = parse_timezone(
            event.timezone if isinstance(c.timezone, Keep) else c.timezone, self.config.timezone, p
        )
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
        if end <= start or end - start > timedelta(hours=DURATION_MAX_HOURS):
            p.add("end_time", "The event must end after it starts, within a week", "INVALID_DURATION")
            return
        note("timezone", event.timezone, zone.key)
        note("start_time", event.start_time, start)
        note("end_time", event.end_time, end)
        event.timezone, event.start_time, event.end_time = zone.key, start, end

    def _covers(self, event: Event, c: EventChanges, p: Problems, note: Note) -> tuple[str, ...]:
        """Covers can be reordered or removed here; new ones come with the event's creation."""
        if isinstance(c.cover_images, Keep):
            return ()
        by_url = {self.storage.url_for(k): k for k in event.cover_image_keys}
        keys = tuple(dict.fromkeys(by_url.get(u.strip()) or "" for u in c.cover_images))
        if "" in keys:
            p.add("cover_images", "Cover images can only be reordered or removed here", "INVALID_COVER_IMAGE")
            return ()
        if len(keys) > Event.MAX_COVER_IMAGES:
            p.add("cover_images", f"At most {Event.MAX_COVER_IMAGES} cover images", "TOO_MANY_COVER_IMAGES")
            return ()
        note("cover_images", event.cover_image_keys, keys)
        removed = tuple(k for k in event.cover_image_keys if k not in keys)
        event.cover_image_keys = keys
        return removed

    @staticmethod
    def _venue_draft(c: EventChanges, p: Problems, now: datetime, member_id: int) -> Venue | None:
        if isinstance(c.place, Keep) or not isinstance(c.venue_id, Keep):
            return None
        return venue_from_place(c.place, p, now=now, created_by=member_id)


@dataclass(frozen=True, slots=True)
class DeleteEvent:
    """Soft delete by the host or staff. An event guests hold seats for is cancelled first."""

    access: MemberAccess
    events: EventRepository
    event_access: EventAccess
    cache: EventCache
    uow: UnitOfWork
    jobs: JobQueue
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> None:
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        event = await self.event_access.hosted(event_id, member, lock=True, staff=True)
        if event.seats_taken > 0 and event.status is not EventStatus.CANCELLED:
            raise Conflict(
                "Guests hold seats for this event. Cancel it first, so they are told and refunded.",
                code="EVENT_HAS_GUESTS",
            )
        event.soft_delete(now)
        await self.events.save(event)
        self.jobs.enqueue(jobs.audited("deleted", event, member.id, now, title=event.title))
        self.jobs.enqueue(jobs.tracked("event_deleted", event, member.id))
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
