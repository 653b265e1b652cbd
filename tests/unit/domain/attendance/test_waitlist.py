"""A waitlist place's moves and the offer window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.attendance.errors import MoreSeatsThanOffered, NoSeatOffer, NotOnWaitlist
from loopin.domain.attendance.waitlist import OfferWindow, PlaceStatus, WaitlistPlace

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
WINDOW = OfferWindow(window=timedelta(hours=2), minimum=timedelta(minutes=15))


@pytest.mark.parametrize(
    ("starts_in", "held"),
    [
        (timedelta(days=3), timedelta(hours=2)),  # far off: the whole window
        (timedelta(hours=3), timedelta(hours=1, minutes=30)),  # half the time left
        (timedelta(minutes=20), timedelta(minutes=15)),  # never less than the minimum...
        (timedelta(minutes=10), timedelta(minutes=10)),  # ...nor past the start
    ],
)
def test_the_offer_window_shrinks_near_the_start(starts_in: timedelta, held: timedelta) -> None:
    assert WINDOW.expires_at(NOW, NOW + starts_in) == NOW + held


def test_an_offer_is_taken_once_and_reads_expired_past_its_window() -> None:
    place = WaitlistPlace.join(1, 2, 3, NOW)
    assert (place.status, place.holds_seats) == (PlaceStatus.WAITING, False)
    with pytest.raises(NoSeatOffer):
        place.accept(NOW)
    place.offer(NOW, NOW + timedelta(hours=2))
    assert place.holds_seats
    assert place.status_at(NOW + timedelta(hours=1)) is PlaceStatus.OFFERED
    assert place.status_at(NOW + timedelta(hours=2)) is PlaceStatus.EXPIRED
    assert not place.expire_offer(NOW + timedelta(hours=1))
    with pytest.raises(MoreSeatsThanOffered):
        place.accept(NOW, seats=4)
    assert place.accept(NOW, seats=2) == 1  # one seat back for the next in line
    assert (place.status, place.seats, place.closed_at) == (PlaceStatus.ACCEPTED, 2, NOW)
    with pytest.raises(ValueError, match="cannot be offered"):
        place.offer(NOW, NOW)


def test_leaving_gives_back_what_an_offer_held() -> None:
    waiting, offered = WaitlistPlace.join(1, 2, 2, NOW), WaitlistPlace.join(1, 3, 2, NOW)
    offered.offer(NOW, NOW + timedelta(hours=1))
    assert (waiting.leave(NOW), offered.leave(NOW)) == (0, 2)
    with pytest.raises(NotOnWaitlist):
        waiting.leave(NOW)
    expiring = WaitlistPlace.join(1, 4, 1, NOW)
    expiring.offer(NOW, NOW + timedelta(hours=1))
    assert expiring.expire_offer(NOW + timedelta(hours=1))
    assert (expiring.status, expiring.holds_seats) == (PlaceStatus.EXPIRED, False)
    with pytest.raises(ValueError, match="1 to 10"):
        WaitlistPlace.join(1, 2, 11, NOW)
