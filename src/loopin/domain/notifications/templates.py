"""Every message the platform sends, in one registry: a template per notification, its type, the screen the app
opens, whether it may wait out the quiet hours, and the typed variables its title and body take.

Rendering is one pass over the text: a value that itself looks like a placeholder (an event called
``{host_name}``) is printed as it is, never expanded, and a template can never be sent half-filled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from loopin.domain.shared.errors import InvalidInput

PLACEHOLDER = re.compile(r"\{(\w+)\}")
TITLE_MAX, BODY_MAX = 200, 1000


class NotificationKind(Enum):
    """The app's notification types (``type`` in the push data). A member may mute any type that is not about
    their money or their account."""

    EVENT_REQUEST = "event_request"
    EVENT_INVITE = "event_invite"
    EVENT_UPDATE = "event_update"
    EVENT_CANCELLED = "event_cancelled"
    PAYMENT_SUCCESS = "payment_success"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_REFUND = "payment_refund"
    PAYOUT = "payout"
    REMINDER = "reminder"
    WAITLIST = "waitlist"
    SYSTEM = "system"
    PROMOTIONAL = "promotional"

    @property
    def mutable(self) -> bool:
        return self not in UNMUTABLE

    @property
    def label(self) -> str:
        return LABELS[self]


UNMUTABLE = frozenset(
    {
        NotificationKind.PAYMENT_SUCCESS,
        NotificationKind.PAYMENT_FAILED,
        NotificationKind.PAYMENT_REFUND,
        NotificationKind.PAYOUT,
        NotificationKind.SYSTEM,
    }
)
LABELS = {
    NotificationKind.EVENT_REQUEST: "Join requests and their answers",
    NotificationKind.EVENT_INVITE: "Invitations and their answers",
    NotificationKind.EVENT_UPDATE: "Changes to events you are going to",
    NotificationKind.EVENT_CANCELLED: "Cancelled events",
    NotificationKind.PAYMENT_SUCCESS: "Payments",
    NotificationKind.PAYMENT_FAILED: "Failed payments",
    NotificationKind.PAYMENT_REFUND: "Refunds",
    NotificationKind.PAYOUT: "Payouts",
    NotificationKind.REMINDER: "Reminders",
    NotificationKind.WAITLIST: "Event waitlists",
    NotificationKind.SYSTEM: "Your account",
    NotificationKind.PROMOTIONAL: "News and offers from Loopin",
}


def parse_kind(raw: str, field_name: str = "type") -> NotificationKind:
    try:
        return NotificationKind(raw)
    except ValueError:
        raise InvalidInput.single(field_name, f"Unknown notification type: {raw[:50]!r}") from None


class TemplateError(ValueError):
    """A programming error (a sender passed the wrong variables), never a member's."""


@dataclass(frozen=True, slots=True)
class Rendered:
    template: str
    kind: NotificationKind
    route: str
    urgent: bool
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    kind: NotificationKind
    route: str  # the app's target screen
    title: str
    body: str
    variables: Mapping[str, type] = field(default_factory=dict)  # name -> str or int
    urgent: bool = False  # pushed at once, even in the quiet hours
    campaign: bool = False  # staff may compose a campaign from it

    def __post_init__(self) -> None:
        used = set(PLACEHOLDER.findall(self.title)) | set(PLACEHOLDER.findall(self.body))
        if used != set(self.variables):
            raise TemplateError(f"template {self.key}: placeholders {sorted(used)} != {sorted(self.variables)}")

    def check(self, values: Mapping[str, object]) -> dict[str, str]:
        """The values as text, each of its declared type; raises ``TemplateError`` for a missing, extra or
        mistyped one."""
        if set(values) != set(self.variables):
            raise TemplateError(f"template {self.key} takes {sorted(self.variables)}, got {sorted(values)}")
        text: dict[str, str] = {}
        for name, kind in self.variables.items():
            value = values[name]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TemplateError(f"template {self.key}: {name} must be {kind.__name__}")
            text[name] = str(value)
        return text

    def render(self, values: Mapping[str, object]) -> Rendered:
        text = self.check(values)

        def fill(pattern: str, limit: int) -> str:
            filled = PLACEHOLDER.sub(lambda m: text[m.group(1)], pattern)
            return filled if len(filled) <= limit else filled[: limit - 1] + "…"

        return Rendered(
            self.key, self.kind, self.route, self.urgent, fill(self.title, TITLE_MAX), fill(self.body, BODY_MAX)
        )


def _t(
    key: str,
    kind: NotificationKind,
    route: str,
    title: str,
    body: str,
    *,
    urgent: bool = False,
    campaign: bool = False,
    **variables: type,
) -> Template:
    return Template(key, kind, route, title, body, MappingProxyType(variables), urgent, campaign)


K = NotificationKind
_ALL = (
    # join requests
    _t("new_join_request", K.EVENT_REQUEST, "event_requests", "New request: {event_name}",
       "{member_name} asked to join {event_name}.", member_name=str, event_name=str),
    _t("request_approved", K.EVENT_REQUEST, "event_details", "Request Accepted: {event_name}",
       "Your request to join {event_name} was accepted. Confirm your spot to get your ticket.", event_name=str),
    _t("request_approved_paid", K.EVENT_REQUEST, "event_payment_or_ticket", "Request Accepted: {event_name}",
       "Your request to join {event_name} was accepted. Complete the payment to get your ticket.",
       event_name=str),
    _t("request_declined", K.EVENT_REQUEST, "event_detail", "Request Declined: {event_name}",
       "Your request to join {event_name} was declined.", event_name=str),
    # invitations
    _t("event_invite", K.EVENT_INVITE, "event_invites", "You're invited: {event_name}",
       "{host_name} invited you to {event_name}.", host_name=str, event_name=str),
    _t("invite_accepted", K.EVENT_INVITE, "event_invites", "Going: {event_name}",
       "{member_name} accepted your invitation to {event_name}.", member_name=str, event_name=str),
    _t("invite_declined", K.EVENT_INVITE, "event_invites", "Not going: {event_name}",
       "{member_name} declined your invitation to {event_name}.", member_name=str, event_name=str),
    # tickets
    _t("ticket_confirmed", K.REMINDER, "ticket_detail", "You're going: {event_name}",
       "Your ticket for {seats} is confirmed. Show it at the door.", urgent=True, event_name=str, seats=str),
    _t("booking_confirmed", K.PAYMENT_SUCCESS, "ticket_detail", "Booking Confirmed: {event_name}",
       "Payment received: your ticket for {seats} is confirmed. Show it at the door.", urgent=True,
       event_name=str, seats=str),
    _t("ticket_cancelled", K.EVENT_REQUEST, "event_detail", "A guest can't make it: {event_name}",
       "{member_name} gave back {seats} for {event_name}.", member_name=str, seats=str, event_name=str),
    # events
    _t("event_updated", K.EVENT_UPDATE, "event_detail", "Event Updated: {event_name}",
       "{event_name} changed: {what}. Check the details before you go.", urgent=True, event_name=str, what=str),
    _t("event_postponed", K.EVENT_UPDATE, "event_detail", "Event Postponed: {event_name}",
       "{event_name} is postponed. Your ticket stays valid; the host will share the new date.", urgent=True,
       event_name=str),
    _t("event_cancelled", K.EVENT_CANCELLED, "event_detail", "Event Cancelled: {event_name}",
       "{event_name} was cancelled by the host. Paid tickets are refunded in full.", urgent=True,
       event_name=str),
    # payments
    _t("payment_failed", K.PAYMENT_FAILED, "payment_retry", "Payment Failed",
       "Your payment for {event_name} did not go through. You can try again.", urgent=True, event_name=str),
    _t("payment_expired", K.PAYMENT_FAILED, "payment_retry", "Payment window closed",
       "Your checkout for {event_name} timed out before the payment completed. You can try again.",
       urgent=True, event_name=str),
    _t("refund_initiated", K.PAYMENT_REFUND, "event_detail", "Refund on its way",
       "{reason}: ₹{amount} is being refunded to your original payment method.", reason=str, amount=str),
    _t("refund_completed", K.PAYMENT_REFUND, "event_detail", "Refund completed",
       "₹{amount} was refunded to your original payment method.", amount=str),
    # payouts (the payouts context sends these)
    _t("payout_paid", K.PAYOUT, "payouts", "Payout sent",
       "₹{amount} has been sent to your bank account (reference {utr}).", amount=str, utr=str),
    _t("payout_account_missing", K.PAYOUT, "payouts", "Add a bank account to get paid",
       "₹{amount} from your events is ready to be paid out. Add a bank account so we can send it.", amount=str),
    _t("payout_failed", K.PAYOUT, "payouts", "Payout failed",
       "Your payout of ₹{amount} could not be completed: {reason} The amount is back in your available balance.",
       amount=str, reason=str),
    # the member waitlist and the event waitlist
    _t("account_activated", K.SYSTEM, "home", "Welcome to Loopin!",
       "Your account is active. Go explore events near you.", urgent=True),
    _t("waitlist_offer", K.WAITLIST, "event_details", "A seat opened up: {event_name}",
       "{seats} at {event_name} {verb} held for you {held_for}: {then} before it passes to the next guest.",
       urgent=True, seats=str, event_name=str, verb=str, held_for=str, then=str),
    _t("waitlist_offer_expired", K.WAITLIST, "event_details", "Seat offer expired: {event_name}",
       "The seat held for you at {event_name} went to the next guest in line. You can join the waitlist again.",
       event_name=str),
    # reminders
    _t("reminder_day_before", K.REMINDER, "ticket_detail", "Tomorrow: {event_name}",
       "{event_name} starts {when}. Can't make it? Release your seat so someone else can go.",
       event_name=str, when=str),
    _t("reminder_soon", K.REMINDER, "ticket_detail", "Starting soon: {event_name}",
       "{event_name} starts {when}. Still coming? If not, release your seat.", urgent=True, event_name=str,
       when=str),
    _t("reminder_pending_requests", K.REMINDER, "event_requests", "{count} waiting: {event_name}",
       "{count} join requests for {event_name} are waiting for your answer.", event_name=str, count=int),
    _t("reminder_check_in", K.REMINDER, "check_in", "{event_name} has started",
       "{count} guests hold tickets for {event_name}. Open the scanner to check them in at the door.", urgent=True,
       event_name=str, count=int),
    _t("reminder_invitation_expiring", K.REMINDER, "event_invites", "Invitation expiring: {event_name}",
       "Your invitation to {event_name} expires {when}. Answer it before it lapses.", event_name=str, when=str),
    # campaigns (staff)
    _t("announcement", K.SYSTEM, "home", "{headline}", "{message}", campaign=True, headline=str, message=str),
    _t("promotion", K.PROMOTIONAL, "home", "{headline}", "{message}", campaign=True, headline=str, message=str),
    _t("events_in_city", K.PROMOTIONAL, "home", "New in {city}",
       "{message}", campaign=True, city=str, message=str),
)  # fmt: skip

TEMPLATES: Mapping[str, Template] = MappingProxyType({t.key: t for t in _ALL})


def template(key: str) -> Template:
    found = TEMPLATES.get(key)
    if found is None:
        raise TemplateError(f"no template {key!r}")
    return found


def render(key: str, values: Mapping[str, object]) -> Rendered:
    return template(key).render(values)


def seats_text(seats: int) -> str:
    return f"{seats} seat{'s' if seats != 1 else ''}"
