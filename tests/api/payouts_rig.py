"""Payouts through HTTP: a host's paid event sold through the sandbox checkout (the real payment flow), the
clock past its settlement, a bank account; then the host's and staff's payout calls."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx

from loopin.domain.events.event import Event
from loopin.domain.identity.member import Role
from tests.api.attendance_rig import Guest, Rig, app_object
from tests.api.payments_rig import PaymentRig

ACCOUNT = {
    "bank_name": "State Bank of India",
    "account_number": "918273645501",
    "ifsc_code": "SBIN0001234",
    "account_holder_name": "Asha Rao",
    "is_primary": False,
}
SETTLEMENT = timedelta(hours=48)


class PayoutRig:
    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.pay = PaymentRig(rig)
        self.client = rig.client

    async def earned(self, host: Guest, *, price: str = "100.00", seats: list[int] | None = None) -> Event:
        """Guests bought ``seats`` (one order each) of ``host``'s event at ``price``; the clock is past its
        settlement; the host has a primary account."""
        event = await self.pay.paid_event(host, price=price, capacity=50)
        for n in seats or [1]:
            [guest] = await self.rig.members(1)
            await self.pay.eligible(host, [guest], event, seats=n)
            await self.pay.pay(guest, event, seats=n)
        self.rig.fakes.clock.advance(event.end_time + SETTLEMENT - self.rig.fakes.clock.now())
        answer = await self.client.post("/api/payouts/bank-accounts", json=ACCOUNT, headers=host.headers)
        assert answer.status_code in (200, 201), answer.text
        return event

    async def staff(self) -> Guest:
        return await self.rig.member(role=Role.STAFF)

    async def summary(self, host: Guest) -> dict[str, Any]:
        data: dict[str, Any] = app_object(await self.client.get("/api/payouts/summary", headers=host.headers))[
            "data"
        ]
        return data

    async def available(self, host: Guest) -> Decimal:
        return Decimal((await self.summary(host))["totals"]["available"])

    async def ask(self, host: Guest, **body: Any) -> httpx.Response:
        return await self.client.post("/api/payouts/requests", json=body, headers=host.headers)

    async def decide(self, staff: Guest, payout_id: int, action: str, **body: Any) -> httpx.Response:
        return await self.client.post(f"/api/staff/payouts/{payout_id}/{action}", json=body, headers=staff.headers)
