"""Invitations: answers until the deadline, changes of mind, expiry and sending again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.attendance.errors import InvitationExpired, TicketHeld
from loopin.domain.attendance.invitation import GRANTING_INVITATION, Invitation, InvitationStatus
from loopin.domain.events.event import RsvpExpiryPolicy

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
EXPIRES = NOW + timedelta(hours=48)
LATER = NOW + timedelta(hours=1)


def invitation() -> Invitation:
    return Invitation.send(
        7, 3, 1, policy=RsvpExpiryPolicy.HOURS_48, expires_at=EXPIRES, message="Come along!", now=NOW
    )


def test_a_new_invitation_is_pending_until_its_deadline() -> None:
    i = invitation()
    assert (i.id, i.event_id, i.invitee_id, i.host_id) == (0, 7, 3, 1)
    assert i.status is InvitationStatus.PENDING
    assert i.expiry_policy is RsvpExpiryPolicy.HOURS_48
    assert i.status_at(EXPIRES - timedelta(seconds=1)) is InvitationStatus.PENDING
    assert i.status_at(EXPIRES) is InvitationStatus.EXPIRED
    assert i.is_open(LATER)
    assert not i.is_open(EXPIRES)


def test_going_and_declined_answers_are_idempotent() -> None:
    i = invitation()
    assert i.answer(True, LATER, has_ticket=False) is True
    assert (i.status, i.answered_at) == (InvitationStatus.ACCEPTED, LATER)
    assert i.answer(True, LATER, has_ticket=False) is False
    assert i.answer(True, EXPIRES + timedelta(days=1), has_ticket=False) is False  # the same answer, late
    d = invitation()
    assert d.answer(False, LATER, has_ticket=False) is True
    assert d.status is InvitationStatus.DECLINED
    assert d.answer(False, LATER, has_ticket=False) is False


def test_a_guest_may_change_their_mind_before_the_deadline() -> None:
    i = invitation()
    i.answer(False, LATER, has_ticket=False)
    assert i.answer(True, LATER, has_ticket=False) is True
    assert i.answer(False, LATER, has_ticket=False) is True
    assert i.status is InvitationStatus.DECLINED


def test_no_answer_past_the_deadline_except_backing_out_of_an_accepted_one() -> None:
    pending = invitation()
    for going in (True, False):
        with pytest.raises(InvitationExpired):
            pending.answer(going, EXPIRES, has_ticket=False)
    declined = invitation()
    declined.answer(False, LATER, has_ticket=False)
    with pytest.raises(InvitationExpired):
        declined.answer(True, EXPIRES, has_ticket=False)
    accepted = invitation()
    accepted.answer(True, LATER, has_ticket=False)
    assert accepted.answer(False, EXPIRES, has_ticket=False) is True


def test_a_ticket_holder_cancels_the_attendance_rather_than_declining() -> None:
    i = invitation()
    i.answer(True, LATER, has_ticket=False)
    with pytest.raises(TicketHeld):
        i.answer(False, LATER, has_ticket=True)
    i.withdrawn_by_guest(LATER)
    assert i.status is InvitationStatus.DECLINED


def test_expire_marks_only_pending_invitations_past_their_deadline() -> None:
    i = invitation()
    assert (i.is_overdue(LATER), i.is_overdue(EXPIRES)) == (False, True)
    assert i.expire(LATER) is False
    assert i.expire(EXPIRES) is True
    assert i.is_overdue(EXPIRES) is False  # expired: nothing left for the sweep
    assert i.status is InvitationStatus.EXPIRED
    assert i.expire(EXPIRES) is False
    with pytest.raises(InvitationExpired):
        i.answer(True, EXPIRES, has_ticket=False)
    answered = invitation()
    answered.answer(True, LATER, has_ticket=False)
    assert answered.is_overdue(EXPIRES) is False
    assert answered.expire(EXPIRES) is False
    assert answered.status is InvitationStatus.ACCEPTED


def test_only_an_expired_invitation_is_sent_again() -> None:
    i = invitation()
    assert not i.can_resend(LATER)
    assert i.can_resend(EXPIRES)  # past the deadline even before the sweep marked it
    i.expire(EXPIRES)
    new_deadline = EXPIRES + timedelta(days=7)
    i.resend(policy=RsvpExpiryPolicy.DAYS_7, expires_at=new_deadline, message="", now=EXPIRES)
    assert (i.status, i.expiry_policy, i.expires_at, i.message) == (
        InvitationStatus.PENDING,
        RsvpExpiryPolicy.DAYS_7,
        new_deadline,
        "",
    )
    accepted = invitation()
    accepted.answer(True, LATER, has_ticket=False)
    assert not accepted.can_resend(EXPIRES)


def test_a_pending_or_accepted_invitation_opens_the_private_event() -> None:
    """GRANTING_INVITATION: the one set both stores' EventAccessGrants read (a declined or lapsed one does not)."""
    assert {InvitationStatus.PENDING, InvitationStatus.ACCEPTED} == GRANTING_INVITATION
