"""What a feed or search asks for; the in-memory reader evaluates it here, the SQL reader in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.venue import Venue, city_slug
from loopin.domain.events.visibility import Viewer, is_listed

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class FeedQuery:
    """Filters are ANDed with the visibility rule; results come soonest first (start time, then id)."""

    statuses: tuple[EventStatus, ...] = ()
    is_public: bool | None = None
    host_id: int | None = None
    upcoming: bool = True  # not over yet (end time in the future)
    interest_id: int | None = None
    city: str | None = None  # a city slug or name: matched on the venue's city slug
    country_code: str | None = None
    search: str | None = None  # case-insensitive substring of the title or description
    offset: int = 0
    limit: int = DEFAULT_LIMIT

    @property
    def city_slug(self) -> str | None:
        return city_slug(self.city) if self.city else None

    @property
    def search_text(self) -> str | None:
        text = " ".join((self.search or "").split())
        return text.casefold() or None

    def cache_key(self) -> str:
        """Every field, in a fixed order: two queries share a key only when they ask for the same page."""
        return ":".join(
            [
                ",".join(sorted(s.value for s in self.statuses)) or "-",
                "-" if self.is_public is None else str(int(self.is_public)),
                str(self.host_id or "-"),
                str(int(self.upcoming)),
                str(self.interest_id or "-"),
                self.city_slug or "-",
                (self.country_code or "-").lower(),
                (self.search_text or "-").replace(":", " "),
                str(self.offset),
                str(self.limit),
            ]
        )

    def matches(self, event: Event, venue: Venue | None, viewer: Viewer, now: datetime) -> bool:
        if not is_listed(event, viewer):
            return False
        if self.statuses and event.status not in self.statuses:
            return False
        if self.is_public is not None and event.is_public is not self.is_public:
            return False
        if self.host_id is not None and event.host_id != self.host_id:
            return False
        if self.upcoming and not event.is_upcoming(now):
            return False
        if self.interest_id is not None and self.interest_id not in event.interest_ids:
            return False
        if self.city_slug is not None and (venue is None or venue.city_slug != self.city_slug):
            return False
        if self.country_code is not None and (
            venue is None or venue.country_code.lower() != self.country_code.lower()
        ):
            return False
        text = self.search_text
        return text is None or text in event.title.casefold() or text in event.description.casefold()
