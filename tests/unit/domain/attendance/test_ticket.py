"""Tickets: issuing, the code, the door (idempotent check-in, check-out, re-entry), cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.attendance.errors import AlreadyCheckedIn, NotCheckedIn, TicketCancelled
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import PaymentStatus, Ticket, TicketSource, TicketStatus

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
DOOR = NOW + timedelta(days=3)
CODES = TicketCodes(b"k" * 32)


def issued(**kwargs: object) -> Ticket:
    return Ticket.issue(7, 3, 2, source=TicketSource.REQUEST, codes=CODES, now=NOW, request_id=5, **kwargs)  # type: ignore[arg-type]


def test_a_free_ticket_is_going_unpaid_and_stores_only_a_digest_of_its_code() -> None:
    t = issued()
    assert (t.id, t.event_id, t.member_id, t.seats, t.request_id) == (0, 7, 3, 2, 5)
    assert t.status is TicketStatus.GOING
    assert t.payment_status is PaymentStatus.UNPAID
    assert t.is_live
    assert not t.has_attended
    secret = t.secret(CODES)
    assert t.secret(CODES) == secret
    assert t.secret_digest == CODES.lookup_digest(secret)
    stored = (str(t.uuid), t.nonce, t.secret_digest)
    assert all(secret not in value for value in stored)


def test_a_ticket_with_a_payment_order_is_paid() -> None:
    t = issued(payment_order_id="ORD_1")
    assert t.payment_status is PaymentStatus.PAID
    assert t.payment_order_id == "ORD_1"


def test_check_in_is_idempotent() -> None:
    t = issued()
    first = t.check_in(DOOR)
    assert first.already is False
    assert (t.status, t.checked_in_at) == (TicketStatus.CHECKED_IN, DOOR)
    second = t.check_in(DOOR + timedelta(minutes=5))
    assert second.already is True
    assert t.checked_in_at == DOOR


def test_check_out_then_back_in_keeps_the_first_arrival() -> None:
    t = issued()
    with pytest.raises(NotCheckedIn):
        t.check_out(DOOR)
    t.check_in(DOOR)
    assert t.check_out(DOOR + timedelta(hours=1)).already is False
    assert (t.status, t.checked_out_at) == (TicketStatus.CHECKED_OUT, DOOR + timedelta(hours=1))
    assert t.check_out(DOOR + timedelta(hours=2)).already is True
    assert t.is_live  # they still held their seats
    back = t.check_in(DOOR + timedelta(hours=2))
    assert back.already is True
    assert (t.status, t.checked_in_at, t.checked_out_at) == (TicketStatus.CHECKED_IN, DOOR, None)


def test_cancel_releases_the_seats_once_and_closes_the_door() -> None:
    t = issued()
    assert t.cancel(NOW) == 2
    assert (t.status, t.cancelled_at, t.is_live) == (TicketStatus.CANCELLED, NOW, False)
    with pytest.raises(TicketCancelled):
        t.cancel(NOW)
    with pytest.raises(TicketCancelled):
        t.check_in(DOOR)
    with pytest.raises(TicketCancelled):
        t.check_out(DOOR)


def test_a_guest_who_came_cannot_cancel() -> None:
    t = issued()
    t.check_in(DOOR)
    with pytest.raises(AlreadyCheckedIn):
        t.cancel(DOOR)


def test_reissuing_a_cancelled_ticket_gives_a_new_code() -> None:
    t = issued()
    old_secret, old_digest = t.secret(CODES), t.secret_digest
    with pytest.raises(ValueError, match="cancelled"):
        t.reissue(1, source=TicketSource.INVITATION, codes=CODES, now=NOW, invitation_id=9)
    t.cancel(NOW)
    later = NOW + timedelta(days=1)
    t.reissue(1, source=TicketSource.INVITATION, codes=CODES, now=later, invitation_id=9)
    assert (t.status, t.seats, t.source, t.request_id, t.invitation_id) == (
        TicketStatus.GOING,
        1,
        TicketSource.INVITATION,
        None,
        9,
    )
    assert (t.issued_at, t.cancelled_at) == (later, None)
    assert t.secret(CODES) != old_secret
    assert t.secret_digest != old_digest
