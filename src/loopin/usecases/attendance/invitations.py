"""Invitations, the host's side: find members to invite, invite them, list who was invited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loopin.domain.attendance.errors import HostOnly
from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.rules import (
    HOST_MESSAGE_MAX,
    answer_deadline,
    check_text,
    parse_policy,
    require_open,
)
from loopin.domain.events.event import Event
from loopin.domain.events.problems import Problems
from loopin.domain.identity.member import Access
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    EventBrief,
    InvitationRepository,
)
from loopin.usecases.attendance.status_lists import HostedEventList
from loopin.usecases.attendance.views import (
    InvitationsSent,
    InvitationView,
    SearchHit,
    SearchPage,
    distinct_ids,
    picture_url,
)
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.paging import offset_problem, search_problem, search_terms
from loopin.usecases.shared.ports import Clock


class SearchInvitees(MemberUseCase):
    """Active members by name for the host to invite, with ``already_invited``. Never phone numbers."""

    event_access: EventAccess
    reader: AttendanceReader
    storage: FileStorage
    config: AttendanceConfig

    async def __call__(
        self,
        *,
        member_id: int,
        event_id: int,
        search: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> SearchPage:
        limit = self.config.search_default_limit if limit is None else limit
        search = search_terms(search)
        problems = Problems()
        problems.note(offset_problem(offset))
        if not 1 <= limit <= self.config.search_max_limit:
            problems.add("limit", f"limit must be between 1 and {self.config.search_max_limit}")
        problems.note(search_problem(search))
        problems.raise_if_any()
        host = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, host, refusal=HostOnly)
        found = await self.reader.search_members(search or None, host.id, offset, limit)
        invited = await self.reader.invited_among(event.id, [c.id for c in found.rows])
        await self.uow.commit()
        hits = tuple(
            SearchHit(c.id, c.name, picture_url(self.storage, c.picture_key), c.id in invited) for c in found.rows
        )
        return SearchPage(found.total, offset, limit, hits)


class SendInvitations(MemberUseCase):
    """Invites up to 50 members at once. Members who cannot be invited (unknown, inactive, the host, already
    invited, already asking or going) are reported in ``skipped`` with a reason, never as a failure of the
    whole call; an expired invitation is sent again."""

    event_access: EventAccess
    invitations: InvitationRepository
    reader: AttendanceReader
    storage: FileStorage
    cache: EventCache
    clock: Clock
    config: AttendanceConfig

    async def __call__(
        self,
        *,
        member_id: int,
        event_id: int,
        user_ids: Sequence[int],
        expiry_policy: str | None = None,
        message: str | None = None,
    ) -> InvitationsSent:
        ids = distinct_ids(user_ids, "user_ids", self.config.invite_max_users)
        policy = parse_policy(expiry_policy)
        message = check_text(message, "message", HOST_MESSAGE_MAX)
        host = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, host, lock=True, refusal=HostOnly)
        now = self.clock.now()
        require_open(event, now)
        cards = await self.reader.member_cards(ids)
        engaged = await self.reader.engaged_among(event.id, ids)
        existing = await self.invitations.lock_for_members(event.id, ids)
        expires_at = answer_deadline(policy, now, event.start_time)
        brief = EventBrief.of(event)
        created: list[InvitationView] = []
        skipped: list[tuple[int, str]] = []
        for user_id in ids:
            card = cards.get(user_id)
            invitation = existing.get(user_id)
            if user_id == host.id:
                skipped.append((user_id, "You host this event."))
            elif card is None or not card.is_active:
                skipped.append((user_id, "This member cannot be invited."))
            elif engaged.get(user_id) == "going":
                skipped.append((user_id, "Already going."))
            elif engaged.get(user_id) == "requested":
                skipped.append((user_id, "Already asked to join: answer their request instead."))
            elif invitation is not None and not invitation.can_resend(now):
                skipped.append((user_id, f"Already invited ({invitation.status_at(now).value})."))
            else:
                if invitation is None:
                    invitation = await self.invitations.add(
                        Invitation.send(
                            event.id,
                            user_id,
                            host.id,
                            policy=policy,
                            expires_at=expires_at,
                            message=message,
                            now=now,
                        )
                    )
                    action = "sent"
                else:
                    invitation.resend(policy=policy, expires_at=expires_at, message=message, now=now)
                    await self.invitations.save(invitation)
                    action = "resent"
                self.uow.enqueue(jobs.audited_invitation(action, invitation, host.id, now))
                self.uow.enqueue(jobs.invited(invitation, event, host.profile.name))
                created.append(InvitationView.of(invitation, now, brief, invitee=card, storage=self.storage))
        if created:
            self.uow.after_commit(self.cache.invalidate)  # invitees may now see a private event
        await self.uow.commit()
        return InvitationsSent(tuple(created), tuple(skipped))


class ListEventInvitations(HostedEventList[InvitationView]):
    statuses = InvitationStatus

    async def _views(self, event: Event, now: datetime) -> list[InvitationView]:
        brief, rows = EventBrief.of(event), await self.reader.event_invitations(event.id)
        return [InvitationView.of(i, now, brief, invitee=card, storage=self.storage) for i, card in rows]
