"""A Loopin account: the phone that proves who someone is, their profile, and where they stand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Profile
from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.domain.shared.errors import Conflict, Forbidden


class Role(Enum):
    MEMBER = "member"
    STAFF = "staff"
    SUPERUSER = "superuser"

    @property
    def is_staff(self) -> bool:
        return self is not Role.MEMBER


class MemberStatus(Enum):
    ONBOARDING = "onboarding"  # verified the phone, has not completed a profile yet
    WAITLISTED = "waitlisted"  # completed the profile, waiting to be let in
    ACTIVE = "active"
    DEACTIVATED = "deactivated"  # switched off by staff; never undone by the waitlist clock
    ERASED = "erased"  # deleted by the member: personal data gone, the row kept for the records that name it


ERASED_NAME = "Former member"  # what others see where an erased member took part (past events, lists)


class Access(Enum):
    """How far a use case lets a member in."""

    SELF = "self"  # own profile, devices and the interest list: onboarding and waitlisted members too
    MEMBER = "member"  # everything else: active members only
    STAFF = "staff"  # staff tools (host leads, the audit log): active staff and superusers only


class AccountExists(
    Conflict, code="ACCOUNT_EXISTS", message="An account with this phone number already exists."
): ...


class MemberWaitlisted(Forbidden, code="WAITLISTED"): ...


class MemberDeactivated(
    Forbidden, code="ACCOUNT_DEACTIVATED", message="Your account has been deactivated. Please contact support."
): ...


class StaffOnly(Forbidden, code="STAFF_ONLY", message="Only staff can do this."): ...


class MemberErased(Forbidden, code="ACCOUNT_ERASED", message="This account was deleted by its member."): ...


class ProfileIncomplete(Forbidden, code="PROFILE_INCOMPLETE", message="Please complete your profile first."): ...


@dataclass(slots=True)
class Member:
    id: int
    phone: PhoneNumber
    role: Role = Role.MEMBER
    status: MemberStatus = MemberStatus.ONBOARDING
    profile: Profile = field(default_factory=Profile)
    waitlisted_at: datetime | None = None
    promote_at: datetime | None = None
    joined_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def register(cls, phone: PhoneNumber, *, now: datetime) -> Member:
        """Id 0 means "not stored yet"; the repository assigns the real id."""
        return cls(id=0, phone=phone, joined_at=now, updated_at=now)

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def is_superuser(self) -> bool:
        return self.role is Role.SUPERUSER

    def complete_profile(self, profile: Profile, *, now: datetime, waitlist: WaitlistPolicy) -> bool:
        """Replaces the profile; the first completion puts the member on the waitlist. Returns that fact."""
        first_time = self.status is MemberStatus.ONBOARDING
        self.profile = profile
        self.updated_at = now
        if first_time:
            self.status = MemberStatus.WAITLISTED
            self.waitlisted_at = now
            self.promote_at = waitlist.promotion_time(now)
        return first_time

    def is_due_for_promotion(self, now: datetime) -> bool:
        return self.status is MemberStatus.WAITLISTED and self.promote_at is not None and now >= self.promote_at

    def promote_if_due(self, now: datetime) -> bool:
        if not self.is_due_for_promotion(now):
            return False
        self.status = MemberStatus.ACTIVE
        self.updated_at = now
        return True

    def erase(self, now: datetime) -> tuple[str, ...]:
        """Forgets who this was: the profile is cleared and the phone released (it may sign up again, as someone
        new); the id stays, so tickets, payments and the audit log that name it stay whole. Returns the keys of
        the pictures to delete."""
        pictures = self.profile.picture_keys
        self.status = MemberStatus.ERASED
        self.role = Role.MEMBER
        self.profile = Profile(name=ERASED_NAME)
        self.waitlisted_at = self.promote_at = None
        self.updated_at = now
        return pictures

    def admit(self, now: datetime) -> bool:
        """Staff let a waitlisted member in before their time; False when they are already in."""
        if self.status is MemberStatus.DEACTIVATED:
            raise MemberDeactivated("This account has been deactivated; it cannot be let in.")
        if self.status is MemberStatus.ONBOARDING:
            raise ProfileIncomplete("This member has not completed their profile yet.")
        if self.status is MemberStatus.ACTIVE:
            return False
        self.promote_at = now
        return self.promote_if_due(now)

    def deactivate(self, now: datetime) -> bool:
        """Switched off by staff; False when already off. An erased account stays erased."""
        if self.status is MemberStatus.ERASED:
            raise MemberErased()
        if self.status is MemberStatus.DEACTIVATED:
            return False
        self.status = MemberStatus.DEACTIVATED
        self.updated_at = now
        return True

    def reactivate(self, now: datetime) -> bool:
        """Staff switch a deactivated account back on: active once profiled (the waitlist was what the switch
        interrupted, and staff vouch for them), onboarding otherwise. False when it was not off."""
        if self.status is not MemberStatus.DEACTIVATED:
            return False
        self.status = MemberStatus.ACTIVE if self.profile.is_complete else MemberStatus.ONBOARDING
        self.updated_at = now
        return True

    def make_staff(self, now: datetime) -> bool:
        """Staff run the console; a superuser stays one. False when already staff."""
        return not self.is_staff and self._appoint(Role.STAFF, now)

    def make_superuser(self, now: datetime) -> bool:
        """Staff who may also change what only a superuser may (the platform fee). False when already one."""
        return not self.is_superuser and self._appoint(Role.SUPERUSER, now)

    def _appoint(self, role: Role, now: datetime) -> bool:
        self.role, self.updated_at = role, now
        return True

    def require(self, access: Access, waitlist: WaitlistPolicy) -> None:
        """Raises the error the app shows when this member may not do what they asked."""
        if passes(access, self.status, self.role):
            return
        if self.status is MemberStatus.DEACTIVATED:
            raise MemberDeactivated()
        if access is Access.STAFF and not self.is_staff:
            raise StaffOnly()
        if self.status is MemberStatus.ONBOARDING:
            raise ProfileIncomplete()
        raise MemberWaitlisted(
            "Your account is on the waitlist. You can only access your profile for now; "
            f"new members are let in within {waitlist.describe()} of completing their profile."
        )


def passes(access: Access, status: MemberStatus, role: Role) -> bool:
    """Whether a member standing so may do what ``access`` guards (``Member.require`` raises otherwise): reads
    that know only a member's status and role decide with it (a waitlisted member due for promotion does not
    pass here; loading the member lets them in)."""
    if status is MemberStatus.DEACTIVATED or (access is Access.STAFF and not role.is_staff):
        return False
    return access is Access.SELF or status is MemberStatus.ACTIVE
