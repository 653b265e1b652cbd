"""Who sees which event, and how a feed query matches (the in-memory reader's rule)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.venue import Venue
from loopin.domain.events.visibility import Viewer, can_view, is_listed

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
HOST, GUEST, STAFF = 1, 2, 3


def event(status: EventStatus = EventStatus.PUBLISHED, *, public: bool = True, event_id: int = 10) -> Event:
    e = Event.new(
        host_id=HOST,
        title="Sunset Jam Session",
        start_time=NOW + timedelta(days=1),
        end_time=NOW + timedelta(days=1, hours=3),
        timezone="Asia/Kolkata",
        now=NOW,
        status=status,
        is_public=public,
        description="Guitars welcome",
    )
    e.id = event_id
    return e


host, guest, staff = Viewer(HOST), Viewer(GUEST), Viewer(STAFF, is_staff=True)
invited, anonymous = Viewer(GUEST, granted=frozenset({10})), Viewer.anonymous()


@pytest.mark.parametrize("status", list(EventStatus))
def test_host_and_staff_see_every_status(status: EventStatus) -> None:
    for public in (True, False):
        e = event(status, public=public)
        assert can_view(e, host)
        assert is_listed(e, host)
        assert can_view(e, staff)
        assert is_listed(e, staff)


def test_drafts_are_never_shown_to_anyone_else() -> None:
    for public in (True, False):
        e = event(EventStatus.DRAFT, public=public)
        for viewer in (guest, invited, anonymous):
            assert not can_view(e, viewer)
            assert not is_listed(e, viewer)


def test_public_events_by_status() -> None:
    for status in (EventStatus.PUBLISHED, EventStatus.POSTPONED):
        assert can_view(event(status), guest)
        assert is_listed(event(status), guest)
        assert can_view(event(status), anonymous)
        assert is_listed(event(status), anonymous)
    for status in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        assert can_view(event(status), guest)  # a shared link says it was cancelled
        assert not is_listed(event(status), guest)  # but feeds do not list it


def test_private_events_only_for_granted_members() -> None:
    e = event(public=False)
    assert not can_view(e, guest)
    assert not is_listed(e, guest)
    assert not can_view(e, anonymous)
    assert can_view(e, invited)
    assert is_listed(e, invited)
    assert guest.needs_grants(e)
    assert not host.needs_grants(e)
    assert not guest.needs_grants(event())


def test_deleted_events_are_gone_for_everyone() -> None:
    e = event()
    e.soft_delete(NOW)
    for viewer in (host, guest, staff, invited, anonymous):
        assert not can_view(e, viewer)
        assert not is_listed(e, viewer)


def venue(city: str = "Mumbai", country: str = "in") -> Venue:
    return Venue.new(name="Amphitheatre", address="Carter Road", city=city, now=NOW, country_code=country)


def test_feed_query_filters() -> None:
    e, v = event(), venue()
    e.interest_ids = (4, 7)
    assert FeedQuery().matches(e, v, guest, NOW)
    assert not FeedQuery().matches(e, v, guest, e.end_time)  # over: not upcoming
    assert FeedQuery(upcoming=False).matches(e, v, guest, e.end_time)
    assert FeedQuery(statuses=(EventStatus.PUBLISHED,)).matches(e, v, guest, NOW)
    assert not FeedQuery(statuses=(EventStatus.DRAFT,)).matches(e, v, guest, NOW)
    assert FeedQuery(is_public=True).matches(e, v, guest, NOW)
    assert not FeedQuery(is_public=False).matches(e, v, guest, NOW)
    assert FeedQuery(host_id=HOST).matches(e, v, guest, NOW)
    assert not FeedQuery(host_id=GUEST).matches(e, v, guest, NOW)
    assert FeedQuery(interest_id=7).matches(e, v, guest, NOW)
    assert not FeedQuery(interest_id=5).matches(e, v, guest, NOW)
    assert FeedQuery(city="mumbai").matches(e, v, guest, NOW)
    assert FeedQuery(city="Bombay").matches(e, v, guest, NOW)
    assert not FeedQuery(city="pune").matches(e, v, guest, NOW)
    assert not FeedQuery(city="mumbai").matches(e, None, guest, NOW)
    assert FeedQuery(country_code="IN").matches(e, v, guest, NOW)
    assert not FeedQuery(country_code="us").matches(e, v, guest, NOW)
    assert FeedQuery(search="jam").matches(e, v, guest, NOW)
    assert FeedQuery(search="GUITARS").matches(e, v, guest, NOW)
    assert not FeedQuery(search="piano").matches(e, v, guest, NOW)


def test_cache_keys_differ_for_every_difference() -> None:
    queries = [
        FeedQuery(),
        FeedQuery(statuses=(EventStatus.DRAFT,)),
        FeedQuery(is_public=False),
        FeedQuery(host_id=4),
        FeedQuery(upcoming=False),
        FeedQuery(interest_id=4),
        FeedQuery(city="pune"),
        FeedQuery(country_code="us"),
        FeedQuery(search="jam"),
        FeedQuery(offset=20),
        FeedQuery(limit=10),
    ]
    assert len({q.cache_key() for q in queries}) == len(queries)
    assert FeedQuery(city="Bengaluru").cache_key() == FeedQuery(city="bangalore").cache_key()
    assert FeedQuery(search=" Jam  Night").cache_key() == FeedQuery(search="jam night").cache_key()
