"""A staff campaign: one message from a campaign template, sent once to each member of an audience.

draft → sending → sent, or cancelled from draft or sending (the batches not yet sent are dropped). A sent or
cancelled campaign is final: it can never be previewed back into a sendable state or sent twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from loopin.domain.notifications.templates import TEMPLATES, Rendered, Template, TemplateError
from loopin.domain.shared.errors import Conflict, FieldProblem, InvalidInput
from loopin.domain.shared.ids import is_id
from loopin.domain.shared.transitions import Transitions

NAME_MAX, CITY_MAX, VALUE_MAX = 120, 100, 1000
INTERESTS_MAX, INACTIVE_DAYS_MAX = 50, 3650


class CampaignStatus(Enum):
    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Not over yet: a draft can be discarded, a campaign still sending can be stopped."""
        return not TRANSITIONS.is_final(self)


TRANSITIONS = Transitions(
    {
        CampaignStatus.DRAFT: {CampaignStatus.SENDING, CampaignStatus.CANCELLED},
        CampaignStatus.SENDING: {CampaignStatus.SENT, CampaignStatus.CANCELLED},
    }
)


@dataclass(frozen=True, slots=True)
class Audience:
    """Rules that all hold (AND); none: every active member. ``city`` matches the member's location exactly,
    ignoring case and spaces around it; ``interest_ids``: at least one of them; ``hosts``: members who hosted an
    event; ``attended_event_id``: members with a live ticket for that event; ``inactive_days``: members who joined
    at least that long ago and asked, held a ticket or hosted nothing since. Members are always active ones, and
    never those who muted the template's notification type."""

    city: str | None = None
    interest_ids: tuple[int, ...] = ()
    hosts: bool = False
    attended_event_id: int | None = None
    inactive_days: int | None = None

    @classmethod
    def checked(
        cls,
        *,
        city: str | None = None,
        interest_ids: tuple[int, ...] = (),
        hosts: bool = False,
        attended_event_id: int | None = None,
        inactive_days: int | None = None,
    ) -> Audience:
        problems = []
        city = city.strip() if city is not None else None
        if city is not None and (not city or len(city) > CITY_MAX or not city.isprintable()):
            problems.append(("audience.city", f"A city is 1 to {CITY_MAX} printable characters"))
        if len(interest_ids) > INTERESTS_MAX or not all(is_id(i) for i in interest_ids):
            problems.append(("audience.interest_ids", f"Up to {INTERESTS_MAX} interest ids"))
        if attended_event_id is not None and not is_id(attended_event_id):
            problems.append(("audience.attended_event_id", "A valid event id"))
        if inactive_days is not None and not 1 <= inactive_days <= INACTIVE_DAYS_MAX:
            problems.append(("audience.inactive_days", f"Between 1 and {INACTIVE_DAYS_MAX} days"))
        if problems:
            raise InvalidInput([FieldProblem(f, m) for f, m in problems])
        return cls(city or None, tuple(sorted(set(interest_ids))), hosts, attended_event_id, inactive_days)

    def describe(self) -> str:
        parts = []
        if self.city:
            parts.append(f"in {self.city}")
        if self.interest_ids:
            parts.append(f"interested in any of {len(self.interest_ids)} interests")
        if self.hosts:
            parts.append("who hosted an event")
        if self.attended_event_id:
            parts.append(f"holding a ticket for event {self.attended_event_id}")
        if self.inactive_days:
            parts.append(f"inactive for {self.inactive_days} days")
        return "Active members " + (", ".join(parts) if parts else "(everyone)")


def campaign_template(key: str) -> Template:
    found = TEMPLATES.get(key)
    if found is None or not found.campaign:
        options = ", ".join(sorted(k for k, t in TEMPLATES.items() if t.campaign))
        raise InvalidInput.single("template", f"Campaigns use one of these templates: {options}")
    return found


def checked_values(spec: Template, values: Mapping[str, object]) -> dict[str, str | int]:
    """The template's variables as the staff member filled them in; a 422 names what is missing or wrong."""
    clean: dict[str, str | int] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
            if not value or len(value) > VALUE_MAX or "\x00" in value:
                raise InvalidInput.single(f"values.{name}", f"1 to {VALUE_MAX} characters")
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            clean[name] = value
        else:
            raise InvalidInput.single(f"values.{name}", "A text or a whole number")
    try:
        spec.check(clean)
    except TemplateError:
        wanted = ", ".join(f"{n} ({t.__name__})" for n, t in spec.variables.items())
        raise InvalidInput.single("values", f"The template takes exactly: {wanted}") from None
    return clean


class CampaignNotEditable(Conflict, code="CAMPAIGN_NOT_SENDABLE"): ...


@dataclass(slots=True)
class Campaign:
    id: int
    name: str
    template: str
    values: Mapping[str, str | int]
    audience: Audience
    created_by: int
    status: CampaignStatus = CampaignStatus.DRAFT
    recipients: int = 0  # enrolled when sending started
    sent: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None
    sent_by: int | None = None
    updated_at: datetime | None = field(default=None)

    @classmethod
    def compose(
        cls,
        *,
        name: str,
        template: str,
        values: Mapping[str, object],
        audience: Audience,
        staff_id: int,
        now: datetime,
    ) -> Campaign:
        name = name.strip()
        if not name or len(name) > NAME_MAX or not name.isprintable():
            raise InvalidInput.single("name", f"A name of 1 to {NAME_MAX} printable characters")
        spec = campaign_template(template)
        clean = checked_values(spec, values)
        return cls(0, name, spec.key, clean, audience, staff_id, created_at=now, updated_at=now)

    def render(self) -> Rendered:
        return campaign_template(self.template).render(self.values)

    def start(self, staff_id: int, now: datetime) -> None:
        if not TRANSITIONS.allows(self.status, CampaignStatus.SENDING):
            raise CampaignNotEditable(f"This campaign is {self.status.value}; only a draft can be sent.")
        self.status, self.sent_by, self.started_at, self.updated_at = CampaignStatus.SENDING, staff_id, now, now

    def cancel(self, now: datetime) -> None:
        if not self.status.is_open:
            raise CampaignNotEditable(f"This campaign is already {self.status.value}.")
        self.status, self.cancelled_at, self.updated_at = CampaignStatus.CANCELLED, now, now

    def delivered(self, count: int, now: datetime) -> None:
        self.sent += count
        self.updated_at = now

    def finish(self, now: datetime) -> None:
        if TRANSITIONS.allows(self.status, CampaignStatus.SENT):
            self.status, self.finished_at, self.updated_at = CampaignStatus.SENT, now, now
