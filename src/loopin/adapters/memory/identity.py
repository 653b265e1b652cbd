"""In-memory identity repositories, token revocations, and an SMS outbox that records instead of sending."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from loopin.adapters.memory.store import MemoryAdapter, MemoryTransaction
from loopin.domain.identity.interest import SEED_INTERESTS, EventInterest, slugify
from loopin.domain.identity.member import AccountExists, Member, MemberStatus
from loopin.domain.identity.otp import OtpChallenge
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity.ports import (
    InterestRepository,
    KeptProfile,
    MemberRepository,
    OtpChallengeRepository,
    ProfileCache,
    SignInChallenge,
    SmsSender,
    TokenRevocations,
)
from loopin.usecases.shared.ports import Clock

MEMBERS, PHONES, OTPS, INTERESTS = "members", "member_phones", "otp_challenges", "event_interests"


class MemoryMemberRepository(MemoryAdapter, MemberRepository):
    async def get(self, member_id: int) -> Member | None:
        member: Member | None = self._tx.read(MEMBERS, member_id)
        return member if member is not None and member.status is not MemberStatus.ERASED else None

    async def get_for_update(self, member_id: int) -> Member | None:
        await self._tx.lock(MEMBERS, member_id)
        return await self.get(member_id)

    async def find_by_phone(self, phone: PhoneNumber) -> Member | None:
        member_id = self._tx.read(PHONES, phone.e164)
        return await self.get(member_id) if member_id is not None else None

    async def lock_by_phone(self, phone: PhoneNumber) -> Member | None:
        member_id = self._tx.read(PHONES, phone.e164)
        if member_id is None:
            return None
        await self._tx.lock(MEMBERS, member_id)
        return await self.get(member_id)

    async def add(self, member: Member) -> Member:
        if await self.add_if_phone_free(member) is None:
            raise AccountExists()
        return member

    async def add_if_phone_free(self, member: Member) -> Member | None:
        await self._tx.lock(PHONES, member.phone.e164)  # a unique index: a concurrent add waits, then finds it
        if self._tx.read(PHONES, member.phone.e164) is not None:
            return None
        member.id = self._tx.next_id(MEMBERS)
        self._tx.write(PHONES, member.phone.e164, member.id)
        self._tx.write(MEMBERS, member.id, member)
        return member

    async def save(self, member: Member) -> None:
        if self._tx.read(MEMBERS, member.id) is None:
            raise LookupError(f"member {member.id} is not stored")
        if member.status is MemberStatus.ERASED:  # the phone is free for a new account
            await self._tx.lock(PHONES, member.phone.e164)
            self._tx.delete(PHONES, member.phone.e164)
        self._tx.write(MEMBERS, member.id, member)

    async def lock_due_for_promotion(self, now: datetime, limit: int) -> list[Member]:
        due = sorted(
            (m for m in self._tx.rows(MEMBERS) if m.is_due_for_promotion(now)),
            key=lambda m: m.promote_at,
        )
        locked: list[Member] = []
        for member in due:
            if len(locked) >= limit:
                break
            if await self._tx.try_lock(MEMBERS, member.id):  # rows another transaction holds are skipped
                locked.append(member)
        return locked

    async def list_waitlisted(self, limit: int) -> list[Member]:
        waiting = [m for m in self._tx.rows(MEMBERS) if m.status is MemberStatus.WAITLISTED]
        return sorted(waiting, key=lambda m: (m.promote_at or datetime.max.replace(tzinfo=UTC), m.id))[:limit]


class MemoryOtpChallengeRepository(MemoryAdapter, OtpChallengeRepository):
    async def get_for_update(self, phone: PhoneNumber) -> OtpChallenge | None:
        await self._tx.lock(OTPS, phone.e164)
        challenge: OtpChallenge | None = self._tx.read(OTPS, phone.e164)
        return challenge

    async def lock_for_sign_in(self, phone: PhoneNumber) -> SignInChallenge | None:
        challenge = await self.get_for_update(phone)
        if challenge is None:
            return None
        return SignInChallenge(challenge, phone_taken=self._tx.read(PHONES, phone.e164) is not None)

    async def put(self, challenge: OtpChallenge) -> None:
        await self._tx.lock(OTPS, challenge.phone.e164)  # as the SQL upsert waits for the row lock
        self._tx.write(OTPS, challenge.phone.e164, challenge)

    async def put_new(self, challenge: OtpChallenge) -> None:
        await self._tx.lock(OTPS, challenge.phone.e164)
        earlier: OtpChallenge | None = self._tx.read(OTPS, challenge.phone.e164)
        kept = earlier.wrong_codes if earlier is not None else ()
        self._tx.write(OTPS, challenge.phone.e164, replace(challenge, wrong_codes=kept))


class MemoryInterestRepository(MemoryAdapter, InterestRepository):
    async def list_active(self) -> list[EventInterest]:
        return sorted((i for i in self._tx.rows(INTERESTS) if i.is_active), key=lambda i: i.name)

    async def get_many(self, ids: Sequence[int]) -> list[EventInterest]:
        found = (self._tx.read(INTERESTS, i) for i in dict.fromkeys(ids))
        return [i for i in found if i is not None]

    def add(self, interest: EventInterest) -> EventInterest:
        interest.id = self._tx.next_id(INTERESTS)
        self._tx.write(INTERESTS, interest.id, interest)
        return interest


def seed_interests(tx: MemoryTransaction, clock: Clock) -> None:
    """The same starting list the first migration inserts into PostgreSQL."""
    repo = MemoryInterestRepository(tx)
    now = clock.now()
    for name in SEED_INTERESTS:
        repo.add(EventInterest(0, name, slugify(name), True, now, now))
    tx.commit()


class MemoryTokenRevocations(TokenRevocations):
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._until: dict[str, datetime] = {}

    async def revoke(self, token_id: str, *, until: datetime, now: datetime) -> None:
        if until > now:
            self._until[token_id] = until

    async def revoke_member(self, member_id: int, *, until: datetime, now: datetime) -> None:
        await self.revoke(f"member:{member_id}", until=until, now=now)

    async def is_revoked(self, token_id: str, member_id: int | None = None) -> bool:
        keys = [token_id] if member_id is None else [token_id, f"member:{member_id}"]
        return any(self._live(key) for key in keys)

    def _live(self, key: str) -> bool:
        until = self._until.get(key)
        if until is None:
            return False
        if until <= self._clock.now():
            del self._until[key]
            return False
        return True


@dataclass(frozen=True, slots=True)
class SentSms:
    to: str
    body: str


class SmsOutbox(SmsSender):
    """Records messages instead of sending them; tests read sign-in codes from here."""

    def __init__(self) -> None:
        self.sent: list[SentSms] = []

    async def send(self, to: PhoneNumber, body: str) -> None:
        self.sent.append(SentSms(to.e164, body))

    def last_code_for(self, phone: str) -> str:
        for sms in reversed(self.sent):
            if sms.to == phone:
                return next(w.rstrip(".") for w in sms.body.split() if w.rstrip(".").isdigit())
        raise LookupError(f"no SMS was sent to {phone}")


class MemoryProfileCache(ProfileCache):
    """Rendered profiles in this process, with expiry; revocations read from the in-process revocations."""

    max_entries = 10_000

    def __init__(self, clock: Clock, revocations: TokenRevocations) -> None:
        self._clock = clock
        self._revocations = revocations
        self._versions: dict[int, str] = {}
        self._entries: dict[int, tuple[float, str, bytes]] = {}

    async def read(self, member_id: int, token_id: str) -> KeptProfile:
        revoked = await self._revocations.is_revoked(token_id, member_id)
        version = self._versions.get(member_id, "0")
        kept = self._entries.get(member_id)
        fresh = kept is not None and kept[0] > self._clock.now().timestamp() and kept[1] == version
        return KeptProfile(revoked, version, kept[2] if kept is not None and fresh and not revoked else None)

    async def keep(self, member_id: int, version: str, body: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[member_id] = (self._clock.now().timestamp() + ttl_seconds, version, body)

    async def forget(self, member_id: int) -> None:
        self._versions[member_id] = secrets.token_hex(8)
        self._entries.pop(member_id, None)
