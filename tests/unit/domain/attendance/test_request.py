"""Join requests: one row per member and event, renewed in place; the host's answers; expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.attendance.errors import (
    AlreadyAccepted,
    DuplicateRequest,
    RequestDeclinedRecently,
    RequestNotPending,
)
from loopin.domain.attendance.request import DECLINED_RENEWAL_WAIT, OPEN_REQUEST, JoinRequest, RequestStatus

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
DEADLINE = NOW + timedelta(days=2)


def pending() -> JoinRequest:
    return JoinRequest.open(7, 3, 2, "I would love to attend this event!", NOW)


def test_a_new_request_is_pending_and_unsaved() -> None:
    r = pending()
    assert (r.id, r.event_id, r.requester_id, r.seats_requested) == (0, 7, 3, 2)
    assert r.status is RequestStatus.PENDING
    assert r.host_message == ""
    assert r.created_at == r.updated_at == NOW
    assert not r.can_confirm(NOW, has_ticket=False)
    assert pending().uuid != r.uuid


def test_accept_sets_a_confirmation_deadline_and_is_idempotent() -> None:
    r = pending()
    assert r.accept(LATER, "Welcome!", DEADLINE) is True
    assert r.status is RequestStatus.ACCEPTED
    assert (r.host_message, r.confirm_by, r.decided_at) == ("Welcome!", DEADLINE, LATER)
    assert r.can_confirm(LATER, has_ticket=False)
    assert not r.can_confirm(LATER, has_ticket=True)
    assert r.accept(LATER, "again", DEADLINE + timedelta(days=1)) is False
    assert (r.host_message, r.confirm_by) == ("Welcome!", DEADLINE)


def test_an_empty_host_message_keeps_the_previous_one() -> None:
    r = pending()
    r.host_message = "earlier"
    r.accept(LATER, "", DEADLINE)
    assert r.host_message == "earlier"


def test_an_accepted_request_reads_as_expired_after_its_deadline_until_a_ticket_is_issued() -> None:
    r = pending()
    r.accept(LATER, "", DEADLINE)
    assert r.status_at(DEADLINE - timedelta(seconds=1)) is RequestStatus.ACCEPTED
    assert r.status_at(DEADLINE) is RequestStatus.EXPIRED
    assert not r.can_confirm(DEADLINE, has_ticket=False)
    assert (r.is_overdue(DEADLINE - timedelta(seconds=1)), r.is_overdue(DEADLINE)) == (False, True)
    assert r.expire(DEADLINE - timedelta(seconds=1)) is False
    assert r.expire(DEADLINE) is True
    assert r.status is RequestStatus.EXPIRED
    assert r.is_overdue(DEADLINE) is False
    assert r.expire(DEADLINE) is False

    ticketed = pending()
    ticketed.accept(LATER, "", DEADLINE)
    ticketed.ticket_issued(LATER)
    assert ticketed.confirm_by is None
    assert ticketed.status_at(DEADLINE + timedelta(days=30)) is RequestStatus.ACCEPTED
    assert ticketed.is_overdue(DEADLINE + timedelta(days=30)) is False
    assert ticketed.expire(DEADLINE + timedelta(days=30)) is False


def test_decline_from_pending_or_from_accepted_without_a_ticket() -> None:
    r = pending()
    assert r.decline(LATER, "Sorry, full house", has_ticket=False) is True
    assert r.status is RequestStatus.DECLINED
    assert r.host_message == "Sorry, full house"
    assert r.decline(LATER, "", has_ticket=False) is False

    changed_mind = pending()
    changed_mind.accept(LATER, "", DEADLINE)
    assert changed_mind.decline(LATER, "", has_ticket=False) is True
    assert changed_mind.confirm_by is None

    ticketed = pending()
    ticketed.accept(LATER, "", DEADLINE)
    with pytest.raises(RequestNotPending, match="ticket"):
        ticketed.decline(LATER, "", has_ticket=True)


@pytest.mark.parametrize("status", [RequestStatus.CANCELLED, RequestStatus.EXPIRED, RequestStatus.DECLINED])
def test_only_pending_requests_can_be_accepted(status: RequestStatus) -> None:
    r = pending()
    r.status = status
    with pytest.raises(RequestNotPending, match=status.value):
        r.accept(LATER, "", DEADLINE)


@pytest.mark.parametrize("status", [RequestStatus.CANCELLED, RequestStatus.EXPIRED])
def test_withdrawn_and_expired_requests_cannot_be_declined(status: RequestStatus) -> None:
    r = pending()
    r.status = status
    with pytest.raises(RequestNotPending):
        r.decline(LATER, "", has_ticket=False)


def test_withdraw_tells_whether_the_request_was_pending() -> None:
    r = pending()
    assert r.withdraw(LATER) is True
    assert r.status is RequestStatus.CANCELLED
    accepted = pending()
    accepted.accept(LATER, "", DEADLINE)
    assert accepted.withdraw(LATER) is False
    assert accepted.confirm_by is None
    with pytest.raises(RequestNotPending):
        accepted.withdraw(LATER)


def test_renewal_reuses_the_row_and_resets_the_answer() -> None:
    r = pending()
    r.id = 11
    r.withdraw(LATER)
    r.renew(1, "again", LATER + timedelta(minutes=1))
    assert r.id == 11
    assert r.status is RequestStatus.PENDING
    assert (r.seats_requested, r.message, r.host_message) == (1, "again", "")
    assert (r.confirm_by, r.decided_at) == (None, None)


def test_a_live_request_cannot_be_renewed() -> None:
    r = pending()
    with pytest.raises(DuplicateRequest):
        r.renew(1, "", LATER)
    r.accept(LATER, "", DEADLINE)
    with pytest.raises(AlreadyAccepted):
        r.renew(1, "", LATER)
    r.renew(1, "", DEADLINE)  # its confirmation deadline passed: it reads as expired, so asking again is fine
    assert r.status is RequestStatus.PENDING


def test_a_declined_request_can_be_renewed_only_after_the_wait() -> None:
    r = pending()
    r.decline(LATER, "", has_ticket=False)
    with pytest.raises(RequestDeclinedRecently, match="24 hours"):
        r.renew(1, "", LATER)
    with pytest.raises(RequestDeclinedRecently, match="1 hour"):
        r.renew(1, "", LATER + DECLINED_RENEWAL_WAIT - timedelta(minutes=50))
    r.renew(1, "please", LATER + DECLINED_RENEWAL_WAIT)
    assert r.status is RequestStatus.PENDING


def test_statuses_parse_from_the_wire() -> None:
    assert RequestStatus.parse(" Accepted ") is RequestStatus.ACCEPTED
    with pytest.raises(ValueError, match="bogus"):
        RequestStatus.parse("bogus")


def test_an_open_request_is_pending_or_accepted() -> None:
    """The one set (OPEN_REQUEST) withdrawing, declining, an erasure and both readers' "requested" go by."""
    assert {s for s in RequestStatus if s.is_open} == OPEN_REQUEST
    assert {RequestStatus.PENDING, RequestStatus.ACCEPTED} == OPEN_REQUEST
