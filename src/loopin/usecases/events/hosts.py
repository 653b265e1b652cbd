"""Host leads: people who ask to become hosts (no sign-in), and the staff list of them."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.events.host_lead import new_lead
from loopin.domain.identity.member import Access
from loopin.domain.shared.client_network import client_network
from loopin.domain.shared.errors import NotFound, RateLimited
from loopin.usecases.audit.record import audit_entry
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import HostLeadRepository
from loopin.usecases.events.views import HostLeadView
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import RateLimit, RateLimiter
from loopin.usecases.shared.paging import Page
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class HostLeadSubmitted:
    lead: HostLeadView
    created: bool


class BecomeAHost(UseCase):
    """One lead per phone number (normalised); a repeat returns the stored lead. Rate limited per address."""

    leads: HostLeadRepository
    limiter: RateLimiter
    clock: Clock
    config: EventsConfig

    async def __call__(
        self, *, first_name: str, last_name: str, phone_number: str, message: str, client_address: str
    ) -> HostLeadSubmitted:
        now = self.clock.now()
        lead = new_lead(first_name, last_name, phone_number, message, now=now)
        per_address = RateLimit("host-lead-address-hour", self.config.lead_limit_per_address_per_hour, 3600)
        wait = await self.limiter.acquire([(per_address, client_network(client_address))], now=now)
        if wait:
            raise RateLimited(wait, "Too many requests. Please try again later.", code="HOST_LEAD_RATE_LIMITED")
        stored, created = await self.leads.add(lead)
        await self.uow.commit()
        return HostLeadSubmitted(HostLeadView.of(stored), created)


class ListHostLeads(MemberUseCase):
    """Staff read people's names and numbers here: each read is audited."""

    leads: HostLeadRepository
    clock: Clock

    async def __call__(self, *, member_id: int, offset: int, limit: int) -> Page[HostLeadView]:
        await self.access.load(member_id, Access.STAFF)
        leads = await self.leads.list_recent(offset=offset, limit=limit)
        self.uow.enqueue(
            audit_entry(
                "host_leads.viewed",
                actor_id=member_id,
                target_type="host_leads",
                target_id=None,
                at=self.clock.now(),
                details={"offset": offset, "limit": limit, "shown": len(leads.rows)},
            )
        )
        await self.uow.commit()
        return Page(leads.total, [HostLeadView.of(lead) for lead in leads.rows])


class HostLeadNotFound(NotFound, code="HOST_LEAD_NOT_FOUND", message="No such host lead."): ...


class MarkHostLead(MemberUseCase):
    """Staff note how far a lead got: contacted, converted (a host now). Converting implies contacted."""

    leads: HostLeadRepository
    clock: Clock

    async def __call__(
        self, *, staff_id: int, lead_id: int, contacted: bool | None = None, converted: bool | None = None
    ) -> HostLeadView:
        staff = await self.access.load(staff_id, Access.STAFF)
        lead = await self.leads.lock(lead_id)
        if lead is None:
            raise HostLeadNotFound()
        before = (lead.is_contacted, lead.is_converted)
        if contacted is not None:
            lead.is_contacted = contacted
        if converted is not None:
            lead.is_converted = converted
        lead.is_contacted = lead.is_contacted or lead.is_converted
        if (lead.is_contacted, lead.is_converted) != before:
            now = self.clock.now()
            lead.updated_at = now
            await self.leads.save(lead)
            self.uow.enqueue(
                audit_entry(
                    "host_lead.marked",
                    actor_id=staff.id,
                    target_type="host_lead",
                    target_id=lead.id,
                    at=now,
                    details={"contacted": lead.is_contacted, "converted": lead.is_converted},
                )
            )
        await self.uow.commit()
        return HostLeadView.of(lead)
