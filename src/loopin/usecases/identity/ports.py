"""Ports the identity use cases depend on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.member import Member
from loopin.domain.identity.otp import OtpChallenge
from loopin.domain.identity.phone import PhoneNumber


class MemberRepository(Protocol):
    async def get(self, member_id: int) -> Member | None: ...

    async def get_for_update(self, member_id: int) -> Member | None:
        """Loads and locks the member until the transaction ends."""
        ...

    async def find_by_phone(self, phone: PhoneNumber) -> Member | None: ...

    async def lock_by_phone(self, phone: PhoneNumber) -> Member | None:
        """Finds and locks the member with this phone until the transaction ends: one read, under the lock."""
        ...

    async def add(self, member: Member) -> Member:
        """Stores a new member and returns it with its id; a second account for a phone is a Conflict."""
        ...

    async def add_if_phone_free(self, member: Member) -> Member | None:
        """``add``, unless an account holds the phone: then nothing is stored (``None``). One statement for a
        first sign-in, which expects a new phone and must not read for a member first."""
        ...

    async def save(self, member: Member) -> None: ...

    async def lock_due_for_promotion(self, now: datetime, limit: int) -> list[Member]:
        """Waitlisted members whose time has come, locked, skipping rows another worker holds."""
        ...

    async def list_waitlisted(self, limit: int) -> list[Member]:
        """Waitlisted members, the soonest to be let in first."""
        ...


@dataclass(frozen=True, slots=True)
class SignInChallenge:
    """A phone's challenge, locked, and whether an account held the phone when it was read (in the same
    statement). ``phone_taken`` only orders the sign-in's next statement (insert a new member, or lock the
    holder): the insert or the lock decides, so a stale answer costs a statement, never a wrong account."""

    challenge: OtpChallenge
    phone_taken: bool


class OtpChallengeRepository(Protocol):
    async def get_for_update(self, phone: PhoneNumber) -> OtpChallenge | None: ...

    async def lock_for_sign_in(self, phone: PhoneNumber) -> SignInChallenge | None:
        """``get_for_update``, with whether an account holds the phone (``None``: no challenge)."""
        ...

    async def put(self, challenge: OtpChallenge) -> None:
        """Stores the phone's challenge as it is (its wrong codes too), replacing any earlier one."""
        ...

    async def put_new(self, challenge: OtpChallenge) -> None:
        """Stores a new code for the phone, replacing any earlier one but keeping the phone's wrong codes (the
        lockout counts them across codes)."""
        ...


class InterestRepository(Protocol):
    async def list_active(self) -> list[EventInterest]: ...

    async def get_many(self, ids: Sequence[int]) -> list[EventInterest]: ...


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: datetime


class TokenIssuer(Protocol):
    def issue(self, member: Member, *, now: datetime) -> IssuedToken: ...


class TokenRevocations(Protocol):
    async def revoke(self, token_id: str, *, until: datetime, now: datetime) -> None: ...

    async def revoke_member(self, member_id: int, *, until: datetime, now: datetime) -> None:
        """Ends every session of the member (an erased account): ``until`` covers the longest token lifetime."""
        ...

    async def is_revoked(self, token_id: str, member_id: int | None = None) -> bool:
        """Whether the token, or every session of its member, was revoked (one round trip)."""
        ...


@dataclass(frozen=True, slots=True)
class KeptProfile:
    """One round trip's worth for ``GET /api/auth/profile``: whether the session was revoked, the member's
    profile version (``None`` when the cache cannot be reached) and the bytes kept under it (``None`` on a miss
    or when they were kept under an older version)."""

    revoked: bool
    version: str | None
    body: bytes | None


class ProfileCache(Protocol):
    """A member's rendered profile, kept under a version that every save of the member replaces (after its
    commit). Versions are unique, never reused: bytes read before a change can never be taken for after it."""

    async def read(self, member_id: int, token_id: str) -> KeptProfile:
        """The session's revocation (as ``TokenRevocations.is_revoked``), the version and the kept bytes, in one
        round trip; ``version`` is ``None`` when the cache cannot be reached (nothing is kept then)."""
        ...

    async def keep(self, member_id: int, version: str, body: bytes, ttl_seconds: int) -> None: ...

    async def forget(self, member_id: int) -> None:
        """A new version for the member: whatever was kept before is never sent again."""
        ...


class SmsSender(Protocol):
    async def send(self, to: PhoneNumber, body: str) -> None:
        """Raises ``SmsNotSent`` when the provider refuses or cannot be reached."""
        ...
