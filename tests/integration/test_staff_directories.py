"""The staff console's searches and figures: one contract, run on the in-memory store and on PostgreSQL
(``any_container``): filters, server-side sort and paging, totals, erased accounts never listed, the windows of
the dashboard's counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from dishka import AsyncContainer

from loopin.domain.events.event import EventStatus
from loopin.domain.events.host_lead import new_lead
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.payments.fee import PlatformFeePolicy
from loopin.domain.payments.order import Capture, PaymentOrder
from loopin.domain.payments.refund import Refund, RefundReason, full_refund_key
from loopin.usecases.events.ports import HostLeadRepository
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.payments.ports import PaymentOrderRepository, RefundRepository
from loopin.usecases.shared.ports import UnitOfWork
from loopin.usecases.staff.ports import EventDirectory, MemberDirectory, OrderDirectory, PageRequest
from tests.integration.events_support import event, members, store_events
from tests.support import Fakes


async def _rename(container: AsyncContainer, people: list[Member], names: list[str]) -> None:
    async with container() as scope:
        repo = await scope.get(MemberRepository)
        for member, name in zip(people, names, strict=True):
            member.profile.name = name
            await repo.save(member)
        await (await scope.get(UnitOfWork)).commit()


async def test_members_are_searched_sorted_and_paged(any_container: AsyncContainer, fakes: Fakes) -> None:
    people = await members(any_container, fakes.clock.now(), 5)
    await _rename(any_container, people, ["Asha Rao", "Bela Shah", "Chitra Iyer", "Asha Menon", "Gone"])
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        people[1].status = MemberStatus.WAITLISTED
        await repo.save(people[1])
        people[4].erase(fakes.clock.now())
        await repo.save(people[4])
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        directory = await scope.get(MemberDirectory)
        assert await directory.counts() == {"active": 3, "waitlisted": 1, "erased": 1}
        page = await directory.search(text="", status=None, page=PageRequest(0, 2, "name", descending=False))
        assert page.total == 4  # the erased account is never listed
        assert [m.name for m in page.rows] == ["Asha Menon", "Asha Rao"]
        rest = await directory.search(text="", status=None, page=PageRequest(2, 2, "name", descending=False))
        assert [m.name for m in rest.rows] == ["Bela Shah", "Chitra Iyer"]
        found = await directory.search(text="aSHa", status=None, page=PageRequest(0, 10, "name"))
        assert [m.name for m in found.rows] == ["Asha Rao", "Asha Menon"]  # descending
        by_phone = await directory.search(text=people[2].phone.e164[-6:], status=None, page=PageRequest())
        assert [m.id for m in by_phone.rows] == [people[2].id]
        waiting = await directory.search(text="", status="waitlisted", page=PageRequest(0, 10, "joined_at"))
        assert [(m.name, m.status) for m in waiting.rows] == [("Bela Shah", "waitlisted")]
        literal = await directory.search(text="%", status=None, page=PageRequest())
        assert literal.total == 0  # wildcards are taken literally


async def test_events_are_searched_and_counted_by_start(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    people = await members(any_container, now, 2)
    await _rename(any_container, people, ["Meera Host", "Ravi Host"])
    stored = await store_events(
        any_container,
        event(people[0], now, days=0.1, title="Rooftop Jazz"),
        event(people[0], now, days=0.2, title="Draft Night", status=EventStatus.DRAFT),
        event(people[1], now, days=3, title="Pottery Morning"),
    )
    async with any_container() as scope:
        directory = await scope.get(EventDirectory)
        assert await directory.count_starting(now, now + timedelta(days=1)) == 1  # drafts are not counted
        by_host = await directory.search(text="ravi", status=None, page=PageRequest(0, 10, "start_time"))
        assert [(e.title, e.host_name) for e in by_host.rows] == [("Pottery Morning", "Ravi Host")]
        soonest = await directory.search(
            text="", status=None, page=PageRequest(0, 2, "start_time", descending=False)
        )
        assert (soonest.total, [e.title for e in soonest.rows]) == (3, ["Rooftop Jazz", "Draft Night"])
        drafts = await directory.search(text="", status="draft", page=PageRequest(0, 10, "title"))
        assert [e.id for e in drafts.rows] == [stored[1].id]
        by_id = await directory.search(text=str(stored[2].id), status=None, page=PageRequest(0, 10, "title"))
        assert stored[2].id in [e.id for e in by_id.rows]
        padded = await directory.search(text=f"00{stored[2].id}", status=None, page=PageRequest(0, 10, "title"))
        assert [e.id for e in padded.rows] == [stored[2].id]  # read as a number, on both stores (read_id)
        arabic = str(stored[2].id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        assert (await directory.search(text=arabic, status=None, page=PageRequest())).total == 0  # ids are ASCII
        huge = await directory.search(text="9" * 30, status=None, page=PageRequest(0, 10, "title"))
        assert huge.total == 0


async def test_orders_sales_and_refunds(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    people = await members(any_container, now, 3)
    await _rename(any_container, people, ["Host", "Asha Rao", "Bela Shah"])
    [paid_event] = await store_events(any_container, event(people[0], now, title="Jazz", is_paid=True))
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        made = []
        for buyer in people[1:]:
            order = PaymentOrder.open(
                event_id=paid_event.id,
                member_id=buyer.id,
                host_id=people[0].id,
                quote=PlatformFeePolicy().quote(D("499.00"), 1),
                gateway="payu",
                expires_at=now + timedelta(minutes=15),
                now=now,
            )
            made.append(await orders.add(order))
        made[0].mark_paid(Capture("mih-1", made[0].amount), now)
        await orders.save(made[0])
        refund = Refund.open(made[0], D("100.00"), RefundReason.GUEST_CANCELLED, full_refund_key(made[0]), now)
        await (await scope.get(RefundRepository)).add(refund)
        made[0].add_refund(D("100.00"), now)
        await orders.save(made[0])
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        directory = await scope.get(OrderDirectory)
        window = (now - timedelta(hours=1), now + timedelta(hours=1))
        sales = await directory.sales(*window)
        assert (sales.count, sales.amount) == (1, made[0].amount)
        refunds = await directory.refunds(*window)
        assert (refunds.count, refunds.amount) == (1, D("100.00"))
        assert (await directory.sales(now + timedelta(hours=1), now + timedelta(hours=2))).count == 0
        one = await directory.search(txnid=made[0].order_id[-8:], status=None, event_id=None, page=PageRequest())
        [line] = one.rows
        assert (line.order_id, line.event_title, line.member_name) == (made[0].order_id, "Jazz", "Asha Rao")
        assert (line.status, line.refunded_amount) == ("paid", D("100.00"))
        created = await directory.search(txnid="", status="created", event_id=paid_event.id, page=PageRequest())
        assert [o.member_name for o in created.rows] == ["Bela Shah"]
        by_amount = await directory.search(
            txnid="", status=None, event_id=None, page=PageRequest(0, 1, "amount", descending=False)
        )
        assert by_amount.total == 2
        assert len(by_amount.rows) == 1


async def test_host_leads_are_locked_and_marked(any_container: AsyncContainer, fakes: Fakes) -> None:
    async with any_container() as scope:
        leads = await scope.get(HostLeadRepository)
        lead, _ = await leads.add(new_lead("Kabir", "Sethi", "+919811100001", "Jazz", now=fakes.clock.now()))
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        leads = await scope.get(HostLeadRepository)
        locked = await leads.lock(lead.id)
        assert locked is not None
        locked.is_contacted = locked.is_converted = True
        await leads.save(locked)
        await (await scope.get(UnitOfWork)).commit()
        assert await leads.lock(2**63) is None
    async with any_container() as scope:
        [stored] = (await (await scope.get(HostLeadRepository)).list_recent(offset=0, limit=5)).rows
    assert (stored.is_contacted, stored.is_converted) == (True, True)
