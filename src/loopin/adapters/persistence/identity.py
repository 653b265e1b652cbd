"""Identity repositories over PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, exists, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.exc import IntegrityError

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import EventInterestRow, MemberRow, OtpChallengeRow, is_storable_id
from loopin.adapters.persistence.rows import RowRepository, entity_from_row, row_values
from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.member import AccountExists, Member, MemberStatus
from loopin.domain.identity.otp import OtpChallenge
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.usecases.identity.ports import (
    InterestRepository,
    MemberRepository,
    OtpChallengeRepository,
    SignInChallenge,
)


def member_from_row(row: MemberRow | Row[Any]) -> Member:
    profile = entity_from_row(Profile, row, gender=Gender(row.gender) if row.gender else None)
    return entity_from_row(
        Member, row, phone=PhoneNumber(row.phone_number or ""), profile=profile, joined_at=row.created_at
    )


def _member_values(member: Member) -> dict[str, Any]:
    # An erased member's phone is released (NULL): the number may sign up again, as someone new.
    values = row_values(member.profile, skip=())
    values.update(row_values(member, skip=("id", "phone", "profile", "joined_at", "updated_at")))
    values["phone_number"] = None if member.status is MemberStatus.ERASED else member.phone.e164
    return values


def _copy_to_row(member: Member, row: MemberRow) -> None:
    for name, value in _member_values(member).items():
        setattr(row, name, value)


_MEMBERS = cast(Table, MemberRow.__table__)
# A first sign-in's member: stored unless the phone is taken (then no row, no error: the caller locks the holder)
_ADD_MEMBER_IF_FREE = (
    insert(_MEMBERS)
    .on_conflict_do_nothing(index_elements=[_MEMBERS.c.phone_number])
    .returning(_MEMBERS.c.id, _MEMBERS.c.created_at)
)
# Every returning sign-in locks its member by phone: the table's columns straight into the entity (no ORM load)
_LOCK_BY_PHONE = select(*_MEMBERS.c).where(_MEMBERS.c.phone_number == bindparam("phone")).with_for_update()


def _live(member: Member | None) -> Member | None:
    """An erased member is nobody: no use case may load them again."""
    return member if member is not None and member.status is not MemberStatus.ERASED else None


def live_member_from_row(row: MemberRow) -> Member | None:
    """The member the row holds, or nobody for an erased one (as every read of this repository)."""
    return _live(member_from_row(row))


class SqlMemberRepository(RowRepository[Member, MemberRow], MemberRepository):
    conflict = AccountExists

    def _entity(self, row: MemberRow) -> Member:
        return member_from_row(row)

    def _write(self, member: Member, row: MemberRow) -> None:
        _copy_to_row(member, row)

    async def add(self, member: Member) -> Member:
        if await self.add_if_phone_free(member) is None:
            raise self.conflict()
        return member

    async def add_if_phone_free(self, member: Member) -> Member | None:
        """One INSERT ... ON CONFLICT DO NOTHING RETURNING built once, not the ORM's add and flush: every
        first sign-in adds a member (less than half the CPU). A later ``save`` in the use case reads the row."""
        values = _member_values(member)
        if member.joined_at is not None:
            values["created_at"] = member.joined_at
        try:
            stored: Any = (await self._run_core(_ADD_MEMBER_IF_FREE, values)).one_or_none()
        except IntegrityError as exc:
            raise self.conflict() from exc
        if stored is None:
            return None
        member.id, member.joined_at = stored
        return member

    async def get(self, member_id: int) -> Member | None:
        return _live(await self._get(member_id))

    async def get_for_update(self, member_id: int) -> Member | None:
        return _live(await self._get(member_id, lock=True))

    async def find_by_phone(self, phone: PhoneNumber) -> Member | None:
        row = await self._session.scalar(select(MemberRow).where(MemberRow.phone_number == phone.e164))
        return member_from_row(row) if row else None

    async def lock_by_phone(self, phone: PhoneNumber) -> Member | None:
        return _live(await self._core_one(_LOCK_BY_PHONE, {"phone": phone.e164}))

    async def lock_due_for_promotion(self, now: datetime, limit: int) -> list[Member]:
        return await self._lock_overdue(
            MemberRow.status == MemberStatus.WAITLISTED.value,
            MemberRow.promote_at <= now,
            order=MemberRow.promote_at,
            limit=limit,
        )

    async def list_waitlisted(self, limit: int) -> list[Member]:
        rows = await self._session.scalars(
            select(MemberRow)
            .where(MemberRow.status == MemberStatus.WAITLISTED.value)
            .order_by(MemberRow.promote_at, MemberRow.id)
            .limit(limit)
        )
        return [member_from_row(r) for r in rows]


_OTP = cast(Table, OtpChallengeRow.__table__)
_LOCK_OTP = select(*_OTP.c).where(_OTP.c.phone_number == bindparam("phone")).with_for_update()
# The sign-in's lock of its challenge also says whether an account holds the phone (an index probe, no row read)
_PHONE_TAKEN = exists().where(_MEMBERS.c.phone_number == bindparam("phone")).label("phone_taken")
_LOCK_FOR_SIGN_IN = (
    select(*_OTP.c, _PHONE_TAKEN).where(_OTP.c.phone_number == bindparam("phone")).with_for_update(of=_OTP)
)


def _put_otp(*, keep: frozenset[str] = frozenset()) -> Insert:
    """The phone's challenge stored over any earlier one, except the columns in ``keep``."""
    statement = insert(_OTP)
    return statement.on_conflict_do_update(
        index_elements=[_OTP.c.phone_number],
        set_={c.name: statement.excluded[c.name] for c in _OTP.c if not c.primary_key and c.name not in keep},
    )


_PUT_OTP = _put_otp()
_PUT_NEW_OTP = _put_otp(keep=frozenset({"wrong_codes"}))  # a new code: the phone's wrong codes stay as they are


class SqlOtpChallengeRepository(SqlAdapter, OtpChallengeRepository):
    """Core statements built once, on the table: a sign-in reads and writes its challenge as plain rows, with no
    ORM identity map to keep in step (half the CPU of the ORM select and insert they replaced)."""

    async def get_for_update(self, phone: PhoneNumber) -> OtpChallenge | None:
        row = (await self._run_core(_LOCK_OTP, {"phone": phone.e164})).one_or_none()
        return entity_from_row(OtpChallenge, row, phone=phone) if row else None

    async def lock_for_sign_in(self, phone: PhoneNumber) -> SignInChallenge | None:
        row = (await self._run_core(_LOCK_FOR_SIGN_IN, {"phone": phone.e164})).one_or_none()
        if row is None:
            return None
        return SignInChallenge(entity_from_row(OtpChallenge, row, phone=phone), phone_taken=row.phone_taken)

    async def put(self, challenge: OtpChallenge) -> None:
        values = row_values(challenge, skip=("phone",))
        await self._run_core(_PUT_OTP, {"phone_number": challenge.phone.e164, **values})

    async def put_new(self, challenge: OtpChallenge) -> None:
        values = row_values(challenge, skip=("phone",))
        await self._run_core(_PUT_NEW_OTP, {"phone_number": challenge.phone.e164, **values})


def interest_from_row(row: EventInterestRow) -> EventInterest:
    return entity_from_row(EventInterest, row)


class SqlInterestRepository(SqlAdapter, InterestRepository):
    async def list_active(self) -> list[EventInterest]:
        rows = await self._session.scalars(
            select(EventInterestRow).where(EventInterestRow.is_active.is_(True)).order_by(EventInterestRow.name)
        )
        return [interest_from_row(r) for r in rows]

    async def get_many(self, ids: Sequence[int]) -> list[EventInterest]:
        keys = [i for i in ids if is_storable_id(i)]
        if not keys:
            return []
        rows = await self._session.scalars(select(EventInterestRow).where(EventInterestRow.id.in_(keys)))
        return [interest_from_row(r) for r in rows]
