"""Hosts (and staff) changing and deleting events."""

from __future__ import annotations

from datetime import datetime

from loopin.domain.events.changes import AppliedChanges, EventChanges
from loopin.domain.events.event import Event, EventNotFound, EventStatus, NotEventHost
from loopin.domain.events.problems import Problems
from loopin.domain.events.venue import Venue
from loopin.domain.identity.member import Access
from loopin.usecases.events import jobs
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.catalog import EventCatalog
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import (
    CancellationRefunds,
    EventCache,
    EventRepository,
    FreedSeats,
    GuestNotices,
    VenueRepository,
)
from loopin.usecases.events.venues import active_venue
from loopin.usecases.events.views import EventView
from loopin.usecases.identity.interests import chosen_interests
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.platform.files import delete_files
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock


class UpdateEvent(MemberUseCase):
    """Partial update. Status moves only along the lifecycle; cancelled and completed events are final;
    capacity never drops below the seats taken; the price is locked once anyone holds a seat. Cancelling
    refunds every paid guest in full (``CancellationRefunds``: one job per order, after the commit); guests
    hear of a new time or place, a postponement or a cancellation (``GuestNotices``)."""

    events: EventRepository
    event_access: EventAccess
    venues: VenueRepository
    interests: InterestRepository
    catalog: EventCatalog
    refunds: CancellationRefunds
    guests: GuestNotices
    freed: FreedSeats
    cache: EventCache
    storage: FileStorage
    clock: Clock
    config: EventsConfig

    async def __call__(self, *, member_id: int, event_id: int, changes: EventChanges) -> EventView:
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        event = await self.event_access.hosted(event_id, member, lock=True, staff=True, refusal=NotEventHost)
        event.ensure_editable()
        problems = Problems()
        done = changes.apply_to(
            event,
            problems,
            now=now,
            default_zone=self.config.timezone,
            cover_keys={self.storage.url_for(k): k for k in event.cover_image_keys},
            member_id=member.id,
        )
        problems.raise_if_any()
        if done.interest_ids is not None:
            await chosen_interests(self.interests, done.interest_ids, "event_interest_ids")
            done.note("event_interest_ids", event.interest_ids, done.interest_ids)
            event.interest_ids = done.interest_ids
        venue: Venue | None = None
        if done.venue_id is not None:
            venue = await active_venue(self.venues, done.venue_id)
        elif done.venue_draft is not None:
            venue, _ = await self.venues.find_or_add(done.venue_draft)
        if venue is not None:
            done.note("venue", event.venue_id, venue.id)
            event.venue_id = venue.id
        if done.status is not None and event.change_status(done.status, now):
            done.changed.append("status")
        if done.changed:  # the same values sent again (the app's RSVP dialog) change, record and tell nothing
            await self._save(event, done, member.id, now)
        await self.uow.commit()
        view = await self.catalog.detail(event.id)
        if view is None:
            raise EventNotFound()
        return view

    async def _save(self, event: Event, done: AppliedChanges, member_id: int, now: datetime) -> None:
        event.updated_at = now
        await self.events.save(event)
        await self.freed.event_changed(event=event, now=now)  # a higher capacity offers seats to the waitlist
        cancelled = "status" in done.changed and event.status is EventStatus.CANCELLED
        action = "cancelled" if cancelled else "updated"
        self.uow.enqueue(jobs.audited(action, event, member_id, now, changed=list(done.changed)))
        self.uow.enqueue(jobs.tracked(f"event_{action}", event, member_id, done.changed))
        if done.removed_covers:
            self.uow.enqueue(delete_files(done.removed_covers))
        if cancelled:
            await self.refunds.event_cancelled(event_id=event.id, actor_id=member_id)
        await self.guests.event_changed(event=event, changed=done.changed)
        self.uow.after_commit(self.cache.invalidate)


class DeleteEvent(MemberUseCase):
    """Soft delete by the host or staff. An event guests hold seats for is cancelled first."""

    events: EventRepository
    event_access: EventAccess
    cache: EventCache
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> None:
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        event = await self.event_access.hosted(event_id, member, lock=True, staff=True, refusal=NotEventHost)
        event.soft_delete(now)
        covers, event.cover_image_keys = event.cover_image_keys, ()
        await self.events.save(event)
        if covers:  # nobody can see a deleted event's covers: their files go too
            self.uow.enqueue(delete_files(covers))
        self.uow.enqueue(jobs.audited("deleted", event, member.id, now, title=event.title))
        self.uow.enqueue(jobs.tracked("event_deleted", event, member.id))
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()


class UnpublishEvent(MemberUseCase):
    """Staff take a published (or postponed) event out of feeds and search, back to a draft; an event guests
    hold seats for must be cancelled instead (``Event.unpublish``)."""

    events: EventRepository
    cache: EventCache
    clock: Clock

    async def __call__(self, *, staff_id: int, event_id: int) -> Event:
        staff = await self.access.load(staff_id, Access.STAFF)
        event = await self.events.get_for_update(event_id)
        if event is None or event.is_deleted:
            raise EventNotFound()
        now = self.clock.now()
        if event.unpublish(now):
            await self.events.save(event)
            self.uow.enqueue(jobs.audited("unpublished", event, staff.id, now))
            self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return event
