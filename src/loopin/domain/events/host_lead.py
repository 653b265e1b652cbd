"""People who asked to become hosts ("become a host"): one open lead per phone number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.events.problems import Problems
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import is_person_name
from loopin.domain.shared.errors import InvalidInput

NAME_MAX = 100
MESSAGE_MAX = 1000


@dataclass(slots=True)
class HostLead:
    id: int
    first_name: str
    last_name: str
    phone: PhoneNumber
    message: str = ""
    is_contacted: bool = False
    is_converted: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


def clean_lead_name(raw: str, field: str, problems: Problems) -> str:
    name = " ".join((raw or "").split())
    if not name:
        problems.add(field, f"{field} is required")
    elif len(name) > NAME_MAX:
        problems.add(field, f"{field} must be at most {NAME_MAX} characters")
    elif not is_person_name(name):
        problems.add(field, f"{field} may contain only letters, spaces, hyphens, apostrophes and dots")
    return name


def new_lead(first_name: str, last_name: str, phone: str, message: str, *, now: datetime) -> HostLead:
    """Validates every field at once; the phone is normalised (``98123 45678`` and ``+919812345678`` are one)."""
    problems = Problems()
    first = clean_lead_name(first_name, "first_name", problems)
    last = clean_lead_name(last_name, "last_name", problems)
    text = (message or "").strip()
    if len(text) > MESSAGE_MAX:
        problems.add("message", f"message must be at most {MESSAGE_MAX} characters")
    elif any(ch < " " and ch not in "\t\n\r" for ch in text):
        problems.add("message", "message contains characters that are not allowed")
    number: PhoneNumber | None = None
    try:
        number = PhoneNumber.parse(phone)
    except InvalidInput as exc:
        for p in exc.problems:
            problems.add(p.field, p.message, exc.code)
    problems.raise_if_any()
    assert number is not None
    return HostLead(0, first, last, number, text, created_at=now, updated_at=now)
