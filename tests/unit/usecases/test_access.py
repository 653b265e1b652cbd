"""MemberAccess: the gate of member-facing use cases (who is calling, may they do this, are they due)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loopin.adapters.memory.identity import MemoryMemberRepository
from loopin.domain.identity.member import (
    Access,
    Member,
    MemberDeactivated,
    MemberStatus,
    MemberWaitlisted,
    ProfileIncomplete,
    Role,
    StaffOnly,
)
from loopin.domain.shared.errors import ErrorKind, Unauthenticated
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.identity.profile import GetProfile
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.conftest import MakeApp
from tests.unit.usecases.harness import START, App, YieldPoint, pause_provider

WAIT = timedelta(minutes=215)


@pytest.fixture
async def fixed_app(make_app: MakeApp) -> App:
    return await make_app(waitlist_min_minutes=215, waitlist_max_minutes=215)


async def load(app: App, member_id: int, access: Access, *, commit: bool = True) -> Member:
    async with app.container() as scope:
        gate = await scope.get(MemberAccess)
        member = await gate.load(member_id, access)
        if commit:
            await (await scope.get(UnitOfWork)).commit()
        return member


async def test_an_unknown_member_is_asked_to_sign_in_again(app: App) -> None:
    with pytest.raises(Unauthenticated) as caught:
        await load(app, 12345, Access.SELF)
    assert caught.value.code == "ACCOUNT_NOT_FOUND"
    assert caught.value.kind is ErrorKind.UNAUTHENTICATED


async def test_an_onboarding_member_reaches_only_their_own_things(app: App) -> None:
    member_id = (await app.sign_in()).member_id
    assert (await load(app, member_id, Access.SELF)).status is MemberStatus.ONBOARDING
    with pytest.raises(ProfileIncomplete) as caught:
        await load(app, member_id, Access.MEMBER)
    assert caught.value.code == "PROFILE_INCOMPLETE"


async def test_a_waitlisted_member_is_refused_everywhere_else_until_due(fixed_app: App) -> None:
    member_id = await fixed_app.onboard()
    assert (await load(fixed_app, member_id, Access.SELF)).status is MemberStatus.WAITLISTED
    fixed_app.fakes.clock.advance(WAIT - timedelta(seconds=1))
    with pytest.raises(MemberWaitlisted) as caught:
        await load(fixed_app, member_id, Access.MEMBER)
    assert caught.value.kind is ErrorKind.FORBIDDEN
    assert caught.value.code == "WAITLISTED"
    assert (await fixed_app.member(member_id)).status is MemberStatus.WAITLISTED
    assert fixed_app.events("member_promoted") == []


@pytest.mark.parametrize(("low", "high", "window"), [(210, 240, "3.5–4 hours"), (60, 120, "1–2 hours")])
async def test_the_waitlist_message_names_the_configured_window(
    make_app: MakeApp, low: int, high: int, window: str
) -> None:
    app = await make_app(waitlist_min_minutes=low, waitlist_max_minutes=high)
    member_id = await app.onboard()
    with pytest.raises(MemberWaitlisted) as caught:
        await load(app, member_id, Access.MEMBER)
    assert f"within {window} of completing their profile" in caught.value.message


async def test_a_due_member_is_promoted_and_let_in_on_their_next_request(fixed_app: App) -> None:
    app = fixed_app
    member_id = await app.onboard()
    app.fakes.clock.advance(WAIT)
    member = await load(app, member_id, Access.MEMBER)
    assert member.status is MemberStatus.ACTIVE
    assert member.updated_at == START + WAIT
    assert (await app.member(member_id)).status is MemberStatus.ACTIVE
    [event] = app.events("member_promoted")
    assert event.properties == {}
    [dispatched] = [d for d in app.jobs.dispatched if d.job.payload.get("event") == "member_promoted"]
    assert dispatched.committed["members"][member_id].status is MemberStatus.ACTIVE


async def test_the_promotion_is_kept_only_if_the_callers_transaction_commits(fixed_app: App) -> None:
    app = fixed_app
    member_id = await app.onboard()
    app.fakes.clock.advance(WAIT)
    member = await load(app, member_id, Access.MEMBER, commit=False)
    assert member.status is MemberStatus.ACTIVE  # what the caller saw
    assert (await app.member(member_id)).status is MemberStatus.WAITLISTED  # nothing committed
    assert app.events("member_promoted") == []


async def test_a_deactivated_member_is_refused_even_when_their_wait_is_over(fixed_app: App) -> None:
    app = fixed_app
    member_id = await app.onboard()
    await app.change_member(member_id, lambda m: m.deactivate(START))
    app.fakes.clock.advance(WAIT * 2)
    for access in Access:
        with pytest.raises(MemberDeactivated) as caught:
            await load(app, member_id, access)
        assert caught.value.code == "ACCOUNT_DEACTIVATED"
    assert (await app.member(member_id)).status is MemberStatus.DEACTIVATED
    assert app.events("member_promoted") == []


async def test_an_active_member_goes_everywhere(make_app: MakeApp) -> None:
    app = await make_app(waitlist_min_minutes=0, waitlist_max_minutes=0)
    member_id = await app.onboard()
    for access in (Access.SELF, Access.MEMBER):
        assert (await load(app, member_id, access)).is_active
    with pytest.raises(StaffOnly):
        await load(app, member_id, Access.STAFF)
    await app.change_member(member_id, lambda m: setattr(m, "role", Role.STAFF))
    assert (await load(app, member_id, Access.STAFF)).is_staff


async def test_parallel_requests_of_a_due_member_promote_once(make_app: MakeApp) -> None:
    """Every request reads the member (still waitlisted) before any promotes; the re-read under the row lock
    lets only the first one promote."""
    app = await make_app(
        pause_provider(MemberRepository, MemoryMemberRepository, after={"get": YieldPoint()}),
        waitlist_min_minutes=215,
        waitlist_max_minutes=215,
    )
    member_id = await app.onboard()
    app.fakes.clock.advance(WAIT)
    views = await asyncio.gather(*(app.call(GetProfile, member_id=member_id) for _ in range(10)))
    assert {v.status for v in views} == {MemberStatus.ACTIVE}
    assert len(app.events("member_promoted")) == 1
