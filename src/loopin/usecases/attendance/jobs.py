"""Side effects attendance use cases leave behind after commit: audit entries and notifications.

Notification texts never carry phone numbers; push ``data`` carries the keys the app routes on
(``route``, ``type``, ``event_id``, ``request_id``, ``invite_id``, ``ticket_id``).
"""

from __future__ import annotations

from datetime import datetime

from loopin.domain.attendance.invitation import Invitation
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.audit.entry import JsonValue
from loopin.domain.events.event import Event
from loopin.domain.notifications.templates import seats_text
from loopin.usecases.audit.record import audited_change, facts_of
from loopin.usecases.notifications.deliver import notification_job
from loopin.usecases.shared.ports import Job

EXPIRE_ATTENDANCE = "attendance.expire_overdue"


def audited_request(action: str, r: JoinRequest, actor_id: int | None, at: datetime, **details: JsonValue) -> Job:
    """``join_request.created|renewed|accepted|declined|withdrawn|expired``."""
    facts = facts_of(r, "event_id", "requester_id", "status", "seats_requested", **details)
    return audited_change("join_request", action, target_id=r.id, actor_id=actor_id, at=at, facts=facts)


def audited_invitation(
    action: str, i: Invitation, actor_id: int | None, at: datetime, **details: JsonValue
) -> Job:
    """``invitation.sent|resent|accepted|declined|expired``."""
    facts = facts_of(i, "event_id", "invitee_id", "status", "expires_at", "expiry_policy", **details)
    return audited_change("invitation", action, target_id=i.id, actor_id=actor_id, at=at, facts=facts)


def audited_ticket(action: str, t: Ticket, actor_id: int | None, at: datetime, **details: JsonValue) -> Job:
    """``ticket.issued|cancelled|checked_in|checked_out`` (never the code)."""
    facts = facts_of(t, "event_id", "member_id", "seats", "status", "source", **details)
    return audited_change("ticket", action, target_id=t.id, actor_id=actor_id, at=at, facts=facts)


# --- notifications (the templates are in domain/notifications/templates.py) ---------------------------------


def request_answered(r: JoinRequest, event: Event) -> Job:
    """The host accepted (``request_approved``, ``…_paid`` when a payment follows) or declined the request."""
    accepted = r.status is RequestStatus.ACCEPTED
    paid = "_paid" if event.is_paid else ""
    return notification_job(
        f"request_approved{paid}" if accepted else "request_declined",
        recipient_id=r.requester_id,
        sender_id=event.host_id,
        values={"event_name": event.title},
        data={"action": "accepted" if accepted else "declined", "event_id": event.id, "request_id": r.id},
    )


def new_request(r: JoinRequest, event: Event, requester_name: str) -> Job:
    return notification_job(
        "new_join_request",
        recipient_id=event.host_id,
        sender_id=r.requester_id,
        values={"member_name": requester_name or "Someone", "event_name": event.title},
        data={"event_id": event.id, "request_id": r.id},
    )


def invited(i: Invitation, event: Event, host_name: str) -> Job:
    return notification_job(
        "event_invite",
        recipient_id=i.invitee_id,
        sender_id=event.host_id,
        values={"host_name": host_name or "A host", "event_name": event.title},
        data={"event_id": event.id, "invite_id": i.id},
    )


def ticket_issued(t: Ticket, event: Event, *, paid: bool = False) -> Job:
    """``booking_confirmed`` when a payment bought it, ``ticket_confirmed`` otherwise."""
    return notification_job(
        "booking_confirmed" if paid else "ticket_confirmed",
        recipient_id=t.member_id,
        values={"event_name": event.title, "seats": seats_text(t.seats)},
        data={"event_id": event.id, "ticket_id": t.id},
    )


def ticket_given_back(t: Ticket, event: Event, guest_name: str) -> Job:
    """The host hears that seats came free."""
    return notification_job(
        "ticket_cancelled",
        recipient_id=event.host_id,
        sender_id=t.member_id,
        values={"member_name": guest_name or "A guest", "seats": seats_text(t.seats), "event_name": event.title},
        data={"event_id": event.id, "ticket_id": t.id},
    )


def invitation_answered(i: Invitation, event: Event, guest_name: str) -> Job:
    going = i.status.value == "accepted"
    return notification_job(
        "invite_accepted" if going else "invite_declined",
        recipient_id=event.host_id,
        sender_id=i.invitee_id,
        values={"member_name": guest_name or "A guest", "event_name": event.title},
        data={"event_id": event.id, "invite_id": i.id},
    )


def event_changed(template: str, event: Event, guest_id: int, **values: str) -> Job:
    """``event_updated`` (``what`` changed), ``event_postponed``, ``event_cancelled``: to one guest."""
    return notification_job(
        template,
        recipient_id=guest_id,
        sender_id=event.host_id,
        values={"event_name": event.title, **values},
        data={"event_id": event.id},
    )


# --- the event waitlist ------------------------------------------------------------------------------------

SEAT_OFFER_SWEEP = "attendance.pass_on_seat_offers"


def audited_place(action: str, p: WaitlistPlace, actor_id: int | None, at: datetime, **details: JsonValue) -> Job:
    """``waitlist.joined|left|offered|accepted|expired|lapsed``."""
    facts = facts_of(p, "event_id", "member_id", "seats", "status", **details)
    if p.offer_expires_at is not None:
        facts["offer_expires_at"] = p.offer_expires_at.isoformat()
    return audited_change(
        "waitlist", action, target_id=p.id, actor_id=actor_id, at=at, facts=facts, target_type="waitlist_place"
    )


def _held_for(place: WaitlistPlace) -> str:
    if place.offered_at is None or place.offer_expires_at is None:
        return "for a short while"
    minutes = max(1, round((place.offer_expires_at - place.offered_at).total_seconds() / 60))
    if minutes < 90:
        return f"for {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"for {hours} hours"


def seat_offered(place: WaitlistPlace, event: Event) -> Job:
    seats = f"{place.seats} seats" if place.seats > 1 else "A seat"
    then = "complete the payment" if event.is_paid else "confirm"
    return notification_job(
        "waitlist_offer",
        recipient_id=place.member_id,
        values={
            "seats": seats,
            "event_name": event.title,
            "verb": "are" if place.seats > 1 else "is",
            "held_for": _held_for(place),
            "then": then,
        },
        data={
            "route": "event_payment_or_ticket" if event.is_paid else "event_details",
            "action": "offer",
            "event_id": event.id,
            "waitlist_id": place.id,
            "expires_at": place.offer_expires_at.isoformat() if place.offer_expires_at else "",
        },
    )


def seat_offer_expired(place: WaitlistPlace, event: Event) -> Job:
    return notification_job(
        "waitlist_offer_expired",
        recipient_id=place.member_id,
        values={"event_name": event.title},
        data={
            "route": "event_details",
            "action": "expired",
            "event_id": event.id,
            "waitlist_id": place.id,
        },
    )
