"""The failures of the attendance context, each with the stable code the app and the tests rely on."""

from __future__ import annotations

from loopin.domain.events.event import NotEventHost
from loopin.domain.shared.errors import Conflict, NotFound, Refused


class HostOnly(NotEventHost, code="NOT_HOST", message="Only the host of this event can do this."):
    """Attendance's answer to a member who does not host the event (the code the app knows for these calls)."""


class EventNotOpen(Refused, code="EVENT_NOT_OPEN", message="This event is not open for guests."): ...


class EventStarted(Refused, code="EVENT_STARTED", message="This event has already started."): ...


class HostCannotJoin(
    Refused, code="HOST_CANNOT_JOIN", message="You host this event; you do not need to join it."
): ...


class GenderNotAllowed(Refused, code="GENDER_NOT_ALLOWED", message="This event is not open to your gender."): ...


class PlusOnesNotAllowed(
    Refused,
    code="PLUS_ONES_NOT_ALLOWED",
    message="This event does not allow plus-ones: you can book one seat only.",
): ...


class SeatsUnavailable(Refused, code="CAPACITY_FULL"):
    """Not enough seats left. ``CAPACITY_EXCEEDED`` when asking or accepting, ``CAPACITY_FULL`` at confirmation."""

    def __init__(self, requested: int, available: int | None, *, code: str | None = None) -> None:
        self.requested = requested
        self.available = available
        if available is not None and available <= 0:
            message = "This event is full."
        else:
            message = f"Only {available} seat{'s' if available != 1 else ''} left; you asked for {requested}."
        super().__init__(message, code=code)


# --- join requests -------------------------------------------------------------------------------------------


class RequestNotFound(NotFound, code="REQUEST_NOT_FOUND", message="Join request not found."): ...


class DuplicateRequest(
    Refused,
    code="DUPLICATE_REQUEST",
    message="You have already asked to join this event; the host has not answered yet.",
): ...


class AlreadyAccepted(
    Refused, code="ALREADY_ACCEPTED", message="Your request to join this event was already accepted."
): ...


class RequestDeclinedRecently(Refused, code="REQUEST_DECLINED"): ...


class RequestNotPending(Conflict, code="REQUEST_NOT_PENDING"): ...


class NoPendingRequests(
    Refused, code="NO_PENDING_REQUESTS", message="None of these requests is waiting for an answer."
): ...


# --- invitations ---------------------------------------------------------------------------------------------


class AlreadyInvited(
    Refused, code="ALREADY_INVITED", message="You are invited to this event: answer the invitation instead."
): ...


class InvitationNotFound(NotFound, code="INVITATION_NOT_FOUND", message="Invitation not found."): ...


class InvitationExpired(Refused, code="INVITATION_EXPIRED", message="This invitation has expired."): ...


# --- tickets -------------------------------------------------------------------------------------------------


class NoAcceptedRequest(
    Refused,
    code="NO_ACCEPTED_REQUEST",
    message="You need an accepted request or an accepted invitation to this event first.",
): ...


class ConfirmationExpired(
    Refused, code="CONFIRMATION_EXPIRED", message="The time to confirm your attendance has passed."
): ...


class AlreadyConfirmed(
    Conflict, code="ALREADY_CONFIRMED", message="You already hold a ticket for this event."
): ...


class PaymentRequired(
    Refused, code="PAYMENT_REQUIRED", message="This is a paid event: complete the payment to get your ticket."
): ...


class TicketNotFound(NotFound, code="TICKET_NOT_FOUND", message="Ticket not found."): ...


class TicketCancelled(Conflict, code="TICKET_CANCELLED", message="This ticket was cancelled."): ...


class TicketHeld(
    Conflict, code="TICKET_HELD", message="A ticket was already issued: cancel the attendance instead."
): ...


class CheckInClosed(Conflict, code="CHECK_IN_CLOSED"): ...


class NotCheckedIn(Conflict, code="NOT_CHECKED_IN", message="This guest has not checked in."): ...


class AlreadyCheckedIn(
    Conflict,
    code="ALREADY_CHECKED_IN",
    message="You have already checked in; the ticket can no longer be cancelled.",
): ...


# --- the event waitlist ---


class SeatsAvailable(
    Refused,
    code="SEATS_AVAILABLE",
    message="Seats are still available for this event: confirm your attendance instead.",
): ...


class NotOnWaitlist(NotFound, code="NOT_ON_WAITLIST", message="You are not on the waitlist of this event."): ...


class NoSeatOffer(NotFound, code="NO_SEAT_OFFER", message="You have no seat offer for this event."): ...


class SeatOfferExpired(
    Conflict,
    code="SEAT_OFFER_EXPIRED",
    message="Your seat offer expired and went to the next guest in line. You can join the waitlist again.",
): ...


class MoreSeatsThanOffered(Refused, code="MORE_SEATS_THAN_OFFERED"):
    def __init__(self, offered: int) -> None:
        super().__init__(f"{offered} seat{'s are' if offered != 1 else ' is'} held for you; ask for at most that.")
