"""Host leads: people who ask to become hosts (no sign-in), and the staff list of them."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.events.host_lead import new_lead
from loopin.domain.identity.member import Access
from loopin.domain.shared.client_network import client_network
from loopin.domain.shared.errors import Forbidden, RateLimited
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import HostLeadRepository
from loopin.usecases.events.views import HostLeadView
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.platform.ports import RateLimit, RateLimiter
from loopin.usecases.shared.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class HostLeadInput:
    first_name: str
    last_name: str
    phone_number: str
    message: str
    client_address: str


@dataclass(frozen=True, slots=True)
class HostLeadSubmitted:
    lead: HostLeadView
    created: bool


class BecomeAHost:
    """One lead per phone number (normalised); a repeat returns the stored lead. Rate limited per address."""

    def __init__(
        self,
        leads: HostLeadRepository,
        limiter: RateLimiter,
        uow: UnitOfWork,
        clock: Clock,
        config: EventsConfig,
    ) -> None:
        self._leads = leads
        self._limiter = limiter
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, data: HostLeadInput) -> HostLeadSubmitted:
        now = self._clock.now()
        lead = new_lead(data.first_name, data.last_name, data.phone_number, data.message, now=now)
        per_address = RateLimit("host-lead-address-hour", self._config.lead_limit_per_address_per_hour, 3600)
        wait = await self._limiter.acquire([(per_address, client_network(data.client_address))], now=now)
        if wait:
            raise RateLimited(wait, "Too many requests. Please try again later.", code="HOST_LEAD_RATE_LIMITED")
        stored, created = await self._leads.add(lead)
        await self._uow.commit()
        return HostLeadSubmitted(HostLeadView.of(stored), created)


class ListHostLeads:
    def __init__(self, access: MemberAccess, leads: HostLeadRepository, uow: UnitOfWork) -> None:
        self._access = access
        self._leads = leads
        self._uow = uow

    async def __call__(self, member_id: int, *, offset: int, limit: int) -> tuple[int, list[HostLeadView]]:
        member = await self._access.load(member_id, Access.MEMBER)
        if not member.is_staff:
            raise Forbidden("Only staff can see host leads.", code="STAFF_ONLY")
        total, leads = await self._leads.list_recent(offset=offset, limit=limit)
        await self._uow.commit()
        return total, [HostLeadView.of(lead) for lead in leads]
