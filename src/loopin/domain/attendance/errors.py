"""The failures of the attendance context, each with the stable code the app and the tests rely on."""

from __future__ import annotations

from loopin.domain.events.event import NotEventHost
from loopin.domain.shared.errors import Conflict, NotFound, Refused


class HostOnly(NotEventHost):
    """Attendance's answer to a member who does not host the event (the code the app knows for these calls)."""

    code = "NOT_HOST"
    default_message = "Only the host of this event can do this."


class EventNotOpen(Refused):
    code = "EVENT_NOT_OPEN"
    default_message = "This event is not open for guests."


class EventStarted(Refused):
    code = "EVENT_STARTED"
    default_message = "This event has already started."


class HostCannotJoin(Refused):
    code = "HOST_CANNOT_JOIN"
    default_message = "You host this event; you do not need to join it."


class GenderNotAllowed(Refused):
    code = "GENDER_NOT_ALLOWED"
    default_message = "This event is not open to your gender."


class PlusOnesNotAllowed(Refused):
    code = "PLUS_ONES_NOT_ALLOWED"
    default_message = "This event does not allow plus-ones: you can book one seat only."


class SeatsUnavailable(Refused):
    """Not enough seats left. ``CAPACITY_EXCEEDED`` when asking or accepting, ``CAPACITY_FULL`` at confirmation."""

    code = "CAPACITY_FULL"

    def __init__(self, requested: int, available: int | None, *, code: str | None = None) -> None:
        self.requested = requested
        self.available = available
        if available is not None and available <= 0:
            message = "This event is full."
        else:
            message = f"Only {available} seat{'s' if available != 1 else ''} left; you asked for {requested}."
        super().__init__(message, code=code)


# --- join requests -------------------------------------------------------------------------------------------


class RequestNotFound(NotFound):
    code = "REQUEST_NOT_FOUND"
    default_message = "Join request not found."


class DuplicateRequest(Refused):
    code = "DUPLICATE_REQUEST"
    default_message = "You have already asked to join this event; the host has not answered yet."


class AlreadyAccepted(Refused):
    code = "ALREADY_ACCEPTED"
    default_message = "Your request to join this event was already accepted."


class RequestDeclinedRecently(Refused):
    code = "REQUEST_DECLINED"


class RequestNotPending(Conflict):
    code = "REQUEST_NOT_PENDING"


class NoPendingRequests(Refused):
    code = "NO_PENDING_REQUESTS"
    default_message = "None of these requests is waiting for an answer."


# --- invitations ---------------------------------------------------------------------------------------------


class AlreadyInvited(Refused):
    code = "ALREADY_INVITED"
    default_message = "You are invited to this event: answer the invitation instead."


class InvitationNotFound(NotFound):
    code = "INVITATION_NOT_FOUND"
    default_message = "Invitation not found."


class InvitationExpired(Refused):
    code = "INVITATION_EXPIRED"
    default_message = "This invitation has expired."


# --- tickets -------------------------------------------------------------------------------------------------


class NoAcceptedRequest(Refused):
    code = "NO_ACCEPTED_REQUEST"
    default_message = "You need an accepted request or an accepted invitation to confirm attendance."


class ConfirmationExpired(Refused):
    code = "CONFIRMATION_EXPIRED"
    default_message = "The time to confirm your attendance has passed."


class AlreadyConfirmed(Conflict):
    code = "ALREADY_CONFIRMED"


class PaymentRequired(Refused):
    code = "PAYMENT_REQUIRED"
    default_message = "This is a paid event: complete the payment to get your ticket."


class TicketNotFound(NotFound):
    code = "TICKET_NOT_FOUND"
    default_message = "Ticket not found."


class TicketCancelled(Conflict):
    code = "TICKET_CANCELLED"
    default_message = "This ticket was cancelled."


class TicketHeld(Conflict):
    code = "TICKET_HELD"
    default_message = "A ticket was already issued: cancel the attendance instead."


class CheckInClosed(Conflict):
    code = "CHECK_IN_CLOSED"


class NotCheckedIn(Conflict):
    code = "NOT_CHECKED_IN"
    default_message = "This guest has not checked in."


class AlreadyCheckedIn(Conflict):
    code = "ALREADY_CHECKED_IN"
    default_message = "You have already checked in; the ticket can no longer be cancelled."


# --- the event waitlist ---


class SeatsAvailable(Refused):
    code = "SEATS_AVAILABLE"
    default_message = "Seats are still available for this event: confirm your attendance instead."


class NotOnWaitlist(NotFound):
    code = "NOT_ON_WAITLIST"
    default_message = "You are not on the waitlist of this event."


class NoSeatOffer(NotFound):
    code = "NO_SEAT_OFFER"
    default_message = "You have no seat offer for this event."


class SeatOfferExpired(Conflict):
    code = "SEAT_OFFER_EXPIRED"
    default_message = (
        "Your seat offer expired and went to the next guest in line. You can join the waitlist again."
    )


class MoreSeatsThanOffered(Refused):
    code = "MORE_SEATS_THAN_OFFERED"

    def __init__(self, offered: int) -> None:
        super().__init__(f"{offered} seat{'s are' if offered != 1 else ' is'} held for you; ask for at most that.")
