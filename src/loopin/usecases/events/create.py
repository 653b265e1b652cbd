"""A host creates an event from the app's "Go live" button (multipart: every value arrives as text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from loopin.domain.events import rules
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.place import PlaceInput, venue_from_place
from loopin.domain.events.problems import Problems
from loopin.domain.events.slugs import new_canonical_id
from loopin.domain.events.venue import Venue
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import Conflict
from loopin.usecases.events import jobs
from loopin.usecases.events.catalog import EventCatalog
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.covers import check_covers, store_covers
from loopin.usecases.events.ports import EventCache, EventRecord, EventRepository, HostCard, VenueRepository
from loopin.usecases.events.venues import active_venue
from loopin.usecases.events.views import EventView
from loopin.usecases.identity.interests import chosen_interests
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.platform.files import UploadedFile, discard
from loopin.usecases.platform.ports import FileStorage, ImageInspector, RateLimiter
from loopin.usecases.shared.ports import Clock

CREATE_STATUSES = (EventStatus.DRAFT, EventStatus.PUBLISHED)
T = TypeVar("T")


def checked(value: T | None) -> T:
    """A value its cleaner accepted (the cleaner returns None only after noting a problem)."""
    if value is None:
        raise AssertionError("a field was used before its problems were raised")
    return value


@dataclass(frozen=True, slots=True)
class EventForm:
    """A new event's fields as the multipart form carries them: text, None when the field was not sent."""

    title: str | None = None
    description: str | None = None
    start_time: str | None = None
    duration_hours: str | None = None
    timezone: str | None = None
    venue_id: str | None = None
    place: PlaceInput = field(default_factory=PlaceInput)
    venue_text: str | None = None
    max_capacity: str | None = None
    is_paid: str | None = None
    ticket_price: str | None = None
    allow_plus_one: str | None = None
    gst_number: str | None = None
    allowed_genders: str | None = None
    rsvp_expiry_policy: str | None = None
    status: str | None = None
    publish: str | None = None
    is_public: str | None = None
    event_interest_ids: str | None = None
    cover_images: Sequence[UploadedFile] = ()


class CreateEvent(MemberUseCase):
    """Publishes at once: the app's create call *is* its "Go live" button, although it sends ``status=draft``.

    A client that wants a draft sends ``publish=false``. Every field is checked before anything is stored;
    covers are written before the commit and removed again if the transaction fails.
    """

    events: EventRepository
    venues: VenueRepository
    interests: InterestRepository
    catalog: EventCatalog
    cache: EventCache
    storage: FileStorage
    inspector: ImageInspector
    limiter: RateLimiter
    clock: Clock
    config: EventsConfig

    async def __call__(self, *, member_id: int, form: EventForm) -> EventView:
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        p = Problems()
        # The codes the app recognises come first: the first coded problem names the error.
        title = rules.clean_title(form.title, p)
        venue_id = rules.parse_int(form.venue_id, "venue_id", 0, p) or None
        place = form.place
        if not (place.venue_name or "").strip() and (form.venue_text or "").strip():
            place = replace(place, venue_name=form.venue_text)
        draft: Venue | None = None
        if venue_id is None:
            draft = venue_from_place(place, p, now=now, created_by=member.id)
        duration = rules.parse_duration(form.duration_hours, p)
        zone = rules.parse_timezone(form.timezone, self.config.timezone, p)
        start = rules.parse_start_time(form.start_time, zone, now, p) if zone is not None else None
        description = rules.clean_description(form.description, p)
        capacity = rules.check_capacity(rules.parse_int(form.max_capacity, "max_capacity", 0, p), p)
        is_paid = rules.parse_bool(form.is_paid, "is_paid", False, p)
        price = rules.check_pricing(is_paid, rules.parse_price(form.ticket_price, p), p)
        allow_plus_one = rules.parse_bool(form.allow_plus_one, "allow_plus_one", True, p)
        gst_number = rules.clean_gst_number(form.gst_number, p)
        genders = rules.parse_allowed_genders(form.allowed_genders, p)
        policy = rules.parse_rsvp_policy(form.rsvp_expiry_policy or "event_start", p)
        if form.status is not None and form.status.strip().lower() not in {s.value for s in CREATE_STATUSES}:
            p.add("status", "A new event is created as draft or published", "INVALID_STATUS")
        publish = rules.parse_bool(form.publish, "publish", True, p)
        is_public = rules.parse_bool(form.is_public, "is_public", True, p)
        interest_ids = rules.parse_interest_ids(form.event_interest_ids, p)
        covers = check_covers(form.cover_images, self.inspector, self.config, p)
        p.raise_if_any()
        interest_ids = checked(interest_ids)
        zone, start, title = checked(zone), checked(start), checked(title)
        repeat = await self.events.find_duplicate(member.id, title, start, now - self.config.duplicate_window)
        if repeat is not None:  # the app retried a create that had gone through: answer with that event
            await self.uow.commit()
            view = await self.catalog.detail(repeat.id)
            if view is not None:
                return view
        interests = await chosen_interests(self.interests, interest_ids, "event_interest_ids")
        venue = await active_venue(self.venues, venue_id) if venue_id is not None else None
        await self.config.events_per_member.count(self.limiter, member.id, now)  # retried creates are not
        canonical_id = await self._free_canonical_id()
        keys = await store_covers(self.storage, member.id, covers)
        try:
            if venue is None:
                assert draft is not None
                venue, _ = await self.venues.find_or_add(draft)
            event = Event.new(
                host_id=member.id,
                title=title,
                start_time=start,
                end_time=start + checked(duration),
                timezone=zone.key,
                now=now,
                canonical_id=canonical_id,
                description=checked(description),
                venue_id=venue.id,
                max_capacity=checked(capacity),
                is_paid=is_paid,
                ticket_price=checked(price),
                allow_plus_one=allow_plus_one,
                gst_number=checked(gst_number),
                allowed_genders=checked(genders),
                rsvp_expiry_policy=checked(policy),
                status=EventStatus.PUBLISHED if publish else EventStatus.DRAFT,
                is_public=is_public,
                interest_ids=interest_ids,
                cover_image_keys=tuple(keys),
            )
            await self.events.add(event)
            self.uow.enqueue(jobs.audited("created", event, member.id, now, title=event.title))
            self.uow.enqueue(jobs.tracked("event_created", event, member.id))
            self.uow.after_commit(self.cache.invalidate)
            await self.uow.commit()
        except BaseException:
            await self.uow.rollback()
            await discard(self.storage, keys)
            raise
        picture = next(iter(member.profile.picture_keys), None)
        ordered = tuple(sorted(interests, key=lambda i: (i.name, i.id)))
        return await self.catalog.view(
            EventRecord(event, HostCard(member.id, member.profile.name, picture), venue, ordered)
        )

    async def _free_canonical_id(self) -> str:
        for _ in range(5):
            candidate = new_canonical_id()
            if not await self.events.canonical_id_taken(candidate):
                return candidate
        raise Conflict("Could not allocate a share link id. Please retry.", code="CANONICAL_ID_EXHAUSTED")
