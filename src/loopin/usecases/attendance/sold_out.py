"""Refusing a rush from its sold-out marker: one place for confirmations (free events) and orders (paid ones).

``check`` is a confirmation's or an order's first round trip: the event's marker and the session's revocation
(the route leaves it here: ``REVOCATION_IN_USE_CASE``). ``refuse`` answers ``CAPACITY_FULL`` without the
database only when that is the answer the database path would give: the caller is not among the holders the
marker was set with, not the host, the event has not started, the marker is of the caller's kind (a free event's
for a confirmation, a paid event's for an order, whose price and plus-ones rule it then also checks, as an order
does before the seats), and the caller is an active member (their profile is kept: only active members' are,
and every save of a member forgets it). Anything else goes to the database. ``mark`` stores a marker under the
opening ``check`` read before the event was (``SoldOutEvents``).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.attendance.errors import SeatsUnavailable
from loopin.domain.events.event import Event
from loopin.domain.shared.errors import Unavailable
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import SoldOut, SoldOutCheck, SoldOutEvents
from loopin.usecases.identity.access import SessionEnded
from loopin.usecases.identity.ports import ProfileCache, TokenRevocations
from loopin.usecases.shared.ports import Clock


@dataclass(frozen=True, slots=True)
class SoldOutRefusals:
    markers: SoldOutEvents
    revocations: TokenRevocations
    profiles: ProfileCache
    config: EventsConfig
    clock: Clock

    async def check(self, event_id: int, member_id: int, token_id: str) -> SoldOutCheck:
        """The marker, after the session's revocation (``SessionEnded``; asked on its own when the markers
        cannot be reached, ``Unavailable`` then as the bearer check)."""
        marker = await self.markers.check(event_id, member_id, token_id)
        if marker.revoked or (marker.opening is None and await self.revocations.is_revoked(token_id, member_id)):
            raise SessionEnded()
        return marker

    async def refuse(
        self, marker: SoldOutCheck, member_id: int, token_id: str, seats: int, *, price: Decimal | None = None
    ) -> None:
        """``SeatsUnavailable`` when the marker answers for the caller; ``price``: an order's (None: a free
        confirmation), already in rupees and paise."""
        sold_out = marker.sold_out
        if sold_out is None or marker.held_a_ticket:
            return
        if sold_out.host_id == member_id or self.clock.now() >= sold_out.start_time:
            return
        if price is None and sold_out.ticket_price is not None:
            return
        if price is not None and (price != sold_out.ticket_price or (seats > 1 and not sold_out.allow_plus_one)):
            return
        try:
            kept = await self.profiles.read(member_id, token_id)
        except Unavailable:
            return
        if kept.revoked:
            raise SessionEnded()
        if kept.body is not None:
            raise SeatsUnavailable(seats, 0, code="CAPACITY_FULL")

    def may_mark(self, marker: SoldOutCheck) -> bool:
        """Whether a mark could stand (markers on and reachable, none standing): read the holders only then."""
        return marker.opening is not None and marker.sold_out is None and self.config.sold_out_ttl_seconds > 0

    async def mark(
        self, event: Event, marker: SoldOutCheck, holders: Collection[int], *, until: datetime | None = None
    ) -> None:
        """Marks ``event`` (the caller decided it is sold out for everyone but ``holders``) under the opening
        read before it; ``until``: the marker may not outlive this moment (a paid event's first hold to run
        out: an overdue hold goes back on the database path)."""
        ttl = self.config.sold_out_ttl_seconds
        if until is not None:
            ttl = min(ttl, math.floor((until - self.clock.now()).total_seconds()))
        if marker.opening is None or not self.may_mark(marker) or ttl <= 0:
            return
        sold_out = SoldOut(
            event.host_id,
            event.start_time,
            event.ticket_price if event.is_paid else None,
            event.allow_plus_one,
        )
        await self.markers.mark(event.id, marker.opening, sold_out, holders, ttl)
