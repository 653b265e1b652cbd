"""PersonalData contract, on PostgreSQL and on the in-memory store: a member's devices, hosted events, waitlist
places and bank accounts are read whole, and erasing their traces removes or blanks exactly what was theirs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dishka import AsyncContainer

from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.domain.notifications.campaign import Audience, Campaign
from loopin.domain.notifications.templates import NotificationKind
from loopin.domain.payouts.payout import Allocation, PayoutOrigin, PayoutRequest
from loopin.usecases.attendance.host_requests import AcceptJoinRequest
from loopin.usecases.attendance.invitations import SendInvitations
from loopin.usecases.attendance.ports import WaitlistRepository
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.events.hosts import BecomeAHost
from loopin.usecases.events.ports import EventRepository, HostLeadRepository
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.notifications.devices import RegisterDevice
from loopin.usecases.notifications.ports import NotificationRepository, PreferenceRepository
from loopin.usecases.notifications.preferences import ChangeNotificationPreferences
from loopin.usecases.payouts.ports import BankAccountRepository, PayoutRepository
from loopin.usecases.privacy.export import ExportMyData
from loopin.usecases.privacy.ports import ErasedTraces, PersonalData
from loopin.usecases.shared.ports import UnitOfWork
from loopin.usecases.staff.ports import CampaignAudience, CampaignRepository
from tests.integration.test_payout_stores import account
from tests.support import Fakes


async def active(container: AsyncContainer, fakes: Fakes, n: int) -> Member:
    member = Member.register(PhoneNumber.parse(f"+9198700{n:05d}"), now=fakes.clock.now())
    member.status = MemberStatus.ACTIVE
    member.profile = Profile(name=f"Member {n}", gender=Gender.FEMALE, interest_ids=(1,))
    async with container() as scope:
        stored = await (await scope.get(MemberRepository)).add(member)
        await (await scope.get(UnitOfWork)).commit()
    return stored


async def hosted(container: AsyncContainer, fakes: Fakes, host: Member, title: str, days: int) -> Event:
    now = fakes.clock.now()
    start = now + timedelta(days=days)
    event = Event.new(
        host_id=host.id,
        title=title,
        start_time=start,
        end_time=start + timedelta(hours=2),
        timezone="Asia/Kolkata",
        now=now,
        max_capacity=10,
    )
    event.status = EventStatus.PUBLISHED
    async with container() as scope:
        stored = await (await scope.get(EventRepository)).add(event)
        await (await scope.get(UnitOfWork)).commit()
    return stored


async def run(container: AsyncContainer, kind: type, **arguments: object) -> object:
    async with container() as scope:
        return await (await scope.get(kind))(**arguments)


async def test_a_members_traces_are_read_and_erased_exactly(any_container: AsyncContainer, fakes: Fakes) -> None:
    me, other = await active(any_container, fakes, 1), await active(any_container, fakes, 2)
    await hosted(any_container, fakes, me, "Older", 2)
    newer = await hosted(any_container, fakes, me, "Newer", 5)
    theirs = await hosted(any_container, fakes, other, "Theirs", 3)
    for member, player in ((me, "p-me-1"), (me, "p-me-2"), (other, "p-other")):
        await run(any_container, RegisterDevice, member_id=member.id, player_id=player, platform="android")
    for member in (me, other):
        await run(any_container, RequestOtp, phone_number=member.phone.e164, client_address="198.51.100.1")
        await run(
            any_container,
            BecomeAHost,
            first_name="A",
            last_name="B",
            phone_number=member.phone.e164,
            message="",
            client_address="198.51.100.1",
        )
    request = await run(
        any_container, CreateJoinRequest, member_id=me.id, event_id=theirs.id, seats_requested=1, message="Hi!"
    )
    await run(
        any_container,
        AcceptJoinRequest,
        member_id=other.id,
        event_id=theirs.id,
        request_id=request.id,  # type: ignore[attr-defined]
        host_message="",
    )  # the acceptance lands in my inbox
    await run(
        any_container,
        SendInvitations,
        member_id=me.id,
        event_id=newer.id,
        user_ids=[other.id],
        expiry_policy="48h",
        message="Join us",
    )  # the invitation lands in the other inbox, its text is theirs to keep

    async with any_container() as scope:
        personal = await scope.get(PersonalData)
        assert [d.player_id for d in await personal.devices(me.id)] == ["p-me-1", "p-me-2"]
        assert [e.title for e in await personal.hosted_events(me.id)] == ["Newer", "Older"]
        traces = await personal.erase_traces(me.id, me.phone)
        await (await scope.get(UnitOfWork)).commit()
    assert traces == ErasedTraces(
        devices=2,
        notifications=1,
        sign_in_codes=1,
        host_leads=1,
        messages=1,
        preferences=0,
        campaign_deliveries=0,
        bank_accounts=0,
    )

    async with any_container() as scope:
        personal = await scope.get(PersonalData)
        assert await personal.devices(me.id) == []
        assert [d.player_id for d in await personal.devices(other.id)] == ["p-other"]
        assert await (await scope.get(NotificationRepository)).for_member(me.id, 10) == []
        theirs_kept = await (await scope.get(NotificationRepository)).for_member(other.id, 10)
        assert "event_invite" in {n.kind for n in theirs_kept}
        assert await (await scope.get(OtpChallengeRepository)).get_for_update(me.phone) is None
        assert await (await scope.get(OtpChallengeRepository)).get_for_update(other.phone) is not None
        leads = await scope.get(HostLeadRepository)
        assert await leads.find_by_phone(me.phone) is None
        assert await leads.find_by_phone(other.phone) is not None
        await (await scope.get(UnitOfWork)).commit()
    export = await run(any_container, ExportMyData, member_id=other.id)
    assert [i.message for i in export.invitations] == ["Join us"]  # type: ignore[attr-defined]


async def test_settings_deliveries_places_and_bank_accounts(any_container: AsyncContainer, fakes: Fakes) -> None:
    """Notification settings go; campaign messages not yet delivered are cancelled (delivered ones stay the
    campaign's record); a bank account never paid to goes, one a payout went to keeps only what names it."""
    me, other = await active(any_container, fakes, 11), await active(any_container, fakes, 12)
    now = fakes.clock.now()
    mine, theirs = (
        await hosted(any_container, fakes, me, "Mine", 2),
        await hosted(any_container, fakes, other, "Theirs", 3),
    )
    for member in (me, other):
        await run(any_container, ChangeNotificationPreferences, member_id=member.id, muted=["reminder"])
    paid_to = await account(any_container, me, fakes, number="111122223333", primary=True)
    unused = await account(any_container, me, fakes, number="444455556666", minutes=1)
    kept = await account(any_container, other, fakes, number="777788889999")
    async with any_container() as scope:
        await (await scope.get(PayoutRepository)).add(
            PayoutRequest.draw(
                host_id=me.id,
                bank_account_id=paid_to.id,
                allocations=(Allocation(mine.id, Decimal("150.00")),),
                origin=PayoutOrigin.HOST,
                sender="manual",
                now=now,
            )
        )
        places = await scope.get(WaitlistRepository)
        for member in (me, other):
            await places.add(WaitlistPlace.join(theirs.id, member.id, 1, now))
        campaign = await (await scope.get(CampaignRepository)).add(
            Campaign.compose(
                name="c",
                template="promotion",
                values={"headline": "Hi", "message": "New events"},
                audience=Audience(),
                staff_id=other.id,
                now=now,
            )
        )
        audience = await scope.get(CampaignAudience)
        assert await audience.enroll(campaign.id, Audience(), NotificationKind.SYSTEM, now) >= 2
        await (await scope.get(UnitOfWork)).commit()

    async with any_container() as scope:
        personal = await scope.get(PersonalData)
        [record] = await personal.waitlist_places(me.id)
        assert (record.place.event_id, record.event_title, record.place.member_id) == (theirs.id, "Theirs", me.id)
        assert [a.id for a in await personal.bank_accounts(me.id)] == [paid_to.id, unused.id]
        traces = await personal.erase_traces(me.id, me.phone)
        await (await scope.get(UnitOfWork)).commit()
    assert (traces.preferences, traces.campaign_deliveries, traces.bank_accounts) == (1, 1, 2)

    async with any_container() as scope:
        personal = await scope.get(PersonalData)
        [left] = await personal.bank_accounts(me.id)
        assert (left.id, left.last4, left.ifsc_code, left.sealed_number, left.fingerprint) == (
            paid_to.id,
            "3333",
            "SBIN0001234",
            b"",
            "",
        )
        assert (left.is_active, left.is_primary) == (False, False)
        [their_account] = await personal.bank_accounts(other.id)
        assert their_account.sealed_number == kept.sealed_number
        assert their_account.is_active
        preferences = await scope.get(PreferenceRepository)
        assert (await preferences.get(me.id)).muted == frozenset()
        assert (await preferences.get(other.id)).muted == {NotificationKind.REMINDER}
        assert (
            len(await personal.waitlist_places(me.id)) == 1
        )  # the place is the line's record; the use case leaves it
        assert await (await scope.get(BankAccountRepository)).of_host(me.id) == []
        claimed = await (await scope.get(CampaignAudience)).claim(campaign.id, 10)
        assert me.id not in claimed
        assert other.id in claimed
        await (await scope.get(UnitOfWork)).rollback()
