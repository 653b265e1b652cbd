"""Member: statuses onboarding -> waitlisted -> active (deactivated apart), promotion and access rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loopin.domain.identity.member import (
    ERASED_NAME,
    Access,
    Member,
    MemberDeactivated,
    MemberStatus,
    MemberWaitlisted,
    ProfileIncomplete,
    Role,
)
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.domain.shared.errors import ErrorKind, Forbidden

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
PHONE = PhoneNumber.parse("+919812345678")
FIXED = WaitlistPolicy(215, 215)


def profile(name: str = "Asha Rao") -> Profile:
    return Profile(
        name=name,
        birth_date=date(2000, 1, 5),
        gender=Gender.FEMALE,
        interest_ids=(1, 4),
        picture_keys=("profiles/1/a.png",),
    )


def member_in(status: MemberStatus) -> Member:
    member = Member.register(PHONE, now=NOW)
    member.id = 7
    member.status = status
    return member


def waitlisted(promote_at: datetime = NOW + timedelta(minutes=215)) -> Member:
    member = member_in(MemberStatus.WAITLISTED)
    member.waitlisted_at = NOW
    member.promote_at = promote_at
    return member


def test_registering_starts_an_unsaved_onboarding_member() -> None:
    member = Member.register(PHONE, now=NOW)
    assert member.id == 0
    assert member.phone == PHONE
    assert member.status is MemberStatus.ONBOARDING
    assert member.role is Role.MEMBER
    assert member.profile == Profile()
    assert member.joined_at == member.updated_at == NOW
    assert member.waitlisted_at is None
    assert member.promote_at is None
    assert not member.is_active
    assert not member.is_staff


def test_status_values_are_the_wire_values() -> None:
    assert [s.value for s in MemberStatus] == ["onboarding", "waitlisted", "active", "deactivated", "erased"]


def test_erasing_forgets_the_person_and_hands_back_the_pictures_to_delete() -> None:
    member = Member.register(PHONE, now=NOW)
    member.role = Role.STAFF
    member.complete_profile(
        Profile(name="Asha Rao", bio="Climbs", location="Pune", picture_keys=("p/1.png",)),
        now=NOW,
        waitlist=WaitlistPolicy(),
    )
    later = NOW + timedelta(days=1)
    assert member.erase(later) == ("p/1.png",)
    assert (member.status, member.role, member.updated_at) == (MemberStatus.ERASED, Role.MEMBER, later)
    assert member.profile == Profile(name=ERASED_NAME)
    assert (member.waitlisted_at, member.promote_at) == (None, None)


@pytest.mark.parametrize(("role", "staff"), [(Role.MEMBER, False), (Role.STAFF, True), (Role.SUPERUSER, True)])
def test_staff_roles(role: Role, staff: bool) -> None:
    member = member_in(MemberStatus.ACTIVE)
    member.role = role
    assert member.is_staff is staff
    assert member.is_superuser is (role is Role.SUPERUSER)


def test_an_operator_makes_a_superuser_once_and_making_staff_never_demotes_one() -> None:
    member = member_in(MemberStatus.ACTIVE)
    later = NOW + timedelta(minutes=1)
    assert member.make_superuser(later) is True
    assert (member.role, member.updated_at, member.is_staff) == (Role.SUPERUSER, later, True)
    assert member.make_superuser(NOW + timedelta(minutes=2)) is False
    assert member.make_staff(NOW + timedelta(minutes=3)) is False
    assert (member.role, member.updated_at) == (Role.SUPERUSER, later)


def test_first_completion_waitlists_with_a_promotion_time_from_the_policy() -> None:
    member = Member.register(PHONE, now=NOW - timedelta(days=1))
    later = NOW + timedelta(minutes=3)
    assert member.complete_profile(profile(), now=later, waitlist=FIXED) is True
    assert member.status is MemberStatus.WAITLISTED
    assert member.waitlisted_at == later
    assert member.promote_at == later + timedelta(minutes=215)
    assert member.updated_at == later
    assert member.profile == profile()


def test_completing_again_replaces_the_profile_but_never_restarts_the_wait() -> None:
    member = Member.register(PHONE, now=NOW)
    member.complete_profile(profile(), now=NOW, waitlist=FIXED)
    first_promote_at = member.promote_at
    later = NOW + timedelta(hours=1)
    assert member.complete_profile(profile("Asha R"), now=later, waitlist=WaitlistPolicy(1, 1)) is False
    assert member.status is MemberStatus.WAITLISTED
    assert member.promote_at == first_promote_at
    assert member.waitlisted_at == NOW
    assert member.profile.name == "Asha R"
    assert member.updated_at == later


@pytest.mark.parametrize("status", [MemberStatus.ACTIVE, MemberStatus.DEACTIVATED])
def test_completing_as_an_active_or_deactivated_member_keeps_the_status(status: MemberStatus) -> None:
    member = member_in(status)
    assert member.complete_profile(profile(), now=NOW, waitlist=FIXED) is False
    assert member.status is status
    assert member.promote_at is None


def test_promotion_is_due_exactly_at_promote_at_and_not_a_microsecond_before() -> None:
    member = waitlisted()
    due = NOW + timedelta(minutes=215)
    assert not member.is_due_for_promotion(due - timedelta(microseconds=1))
    assert not member.promote_if_due(due - timedelta(microseconds=1))
    assert member.status is MemberStatus.WAITLISTED
    assert member.is_due_for_promotion(due)
    assert member.promote_if_due(due) is True
    assert member.status is MemberStatus.ACTIVE
    assert member.is_active
    assert member.updated_at == due


def test_promotion_happens_once() -> None:
    member = waitlisted()
    late = NOW + timedelta(days=3)
    assert member.promote_if_due(late) is True
    assert member.is_due_for_promotion(late) is False
    assert member.promote_if_due(late + timedelta(days=1)) is False


@pytest.mark.parametrize("status", [MemberStatus.ONBOARDING, MemberStatus.ACTIVE, MemberStatus.DEACTIVATED])
def test_only_waitlisted_members_are_promoted(status: MemberStatus) -> None:
    member = member_in(status)
    member.promote_at = NOW - timedelta(hours=1)
    assert not member.is_due_for_promotion(NOW)
    assert member.promote_if_due(NOW) is False
    assert member.status is status


def test_a_waitlisted_member_without_a_promotion_time_is_never_due() -> None:
    member = member_in(MemberStatus.WAITLISTED)
    assert not member.is_due_for_promotion(NOW + timedelta(days=365))


def test_the_waitlist_clock_never_undoes_a_deactivation() -> None:
    member = waitlisted()
    later = NOW + timedelta(minutes=1)
    member.deactivate(later)
    assert member.status is MemberStatus.DEACTIVATED
    assert member.updated_at == later
    assert member.promote_if_due(NOW + timedelta(days=1)) is False
    assert member.status is MemberStatus.DEACTIVATED


@pytest.mark.parametrize(
    ("status", "access"),
    [
        (MemberStatus.ONBOARDING, Access.SELF),
        (MemberStatus.WAITLISTED, Access.SELF),
        (MemberStatus.ACTIVE, Access.SELF),
        (MemberStatus.ACTIVE, Access.MEMBER),
    ],
)
def test_allowed_combinations(status: MemberStatus, access: Access) -> None:
    member_in(status).require(access, WaitlistPolicy())  # does not raise


@pytest.mark.parametrize("access", list(Access))
def test_deactivated_members_are_refused_everywhere(access: Access) -> None:
    with pytest.raises(MemberDeactivated) as caught:
        member_in(MemberStatus.DEACTIVATED).require(access, WaitlistPolicy())
    assert caught.value.kind is ErrorKind.FORBIDDEN
    assert caught.value.code == "ACCOUNT_DEACTIVATED"
    assert "deactivated" in caught.value.message


def test_onboarding_members_must_complete_their_profile_first() -> None:
    with pytest.raises(ProfileIncomplete) as caught:
        member_in(MemberStatus.ONBOARDING).require(Access.MEMBER, WaitlistPolicy())
    assert caught.value.kind is ErrorKind.FORBIDDEN
    assert caught.value.code == "PROFILE_INCOMPLETE"


def test_waitlisted_members_are_told_the_waiting_window() -> None:
    with pytest.raises(MemberWaitlisted) as caught:
        waitlisted().require(Access.MEMBER, WaitlistPolicy())
    error = caught.value
    assert isinstance(error, Forbidden)
    assert error.code == "WAITLISTED"
    assert "3.5–4 hours" in error.message
    assert "waitlist" in error.message


def test_the_waitlist_message_follows_the_configured_window() -> None:
    with pytest.raises(MemberWaitlisted, match="1–2 hours"):
        waitlisted().require(Access.MEMBER, WaitlistPolicy(60, 120))
