"""Field rules of events and venues: each cleaner returns the clean value, or notes a problem and None.

Multipart sends everything as text (``true``, ``3.0``, ``[1,4]``), so these parse text; JSON callers
pass already-typed values through the same checks.
"""

from __future__ import annotations

import math
import re
from contextlib import suppress
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loopin.domain.events.event import AllowedGenders, EventStatus, RsvpExpiryPolicy
from loopin.domain.events.problems import Problems
from loopin.domain.events.venue import ADDRESS_MAX, CITY_MAX, NAME_MAX, PLACE_ID_MAX, VenueType
from loopin.domain.shared.errors import not_one_of
from loopin.domain.shared.ids import is_id, parse_int_array
from loopin.domain.shared.money import ZERO, to_money

TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 20_000
DURATION_MIN_HOURS, DURATION_MAX_HOURS = 0.25, 168.0
CAPACITY_MAX = 100_000
PRICE_MIN, PRICE_MAX = Decimal("1.00"), Decimal("100000.00")
INTERESTS_MAX = 10
FURTHEST_START = timedelta(days=3 * 366)
_GSTIN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_TRUE = frozenset({"true", "1", "yes", "y", "on", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "f"})
Choice = TypeVar("Choice", bound=Enum)


def _unprintable(text: str) -> bool:
    """NUL and other control characters (tabs and newlines aside) have no place in these fields, and
    PostgreSQL refuses NUL outright."""
    return any(ch < " " and ch not in "\t\n\r" for ch in text)


def clean_title(raw: str | None, problems: Problems) -> str | None:
    title = " ".join((raw or "").split())
    if _unprintable(title):
        problems.add("title", "Event title contains characters that are not allowed", "INVALID_TITLE")
        return None
    if not title:
        problems.add("title", "Event title is required", "TITLE_REQUIRED")
        return None
    if len(title) < TITLE_MIN:
        problems.add("title", f"Event title must be at least {TITLE_MIN} characters", "INVALID_TITLE")
        return None
    if len(title) > TITLE_MAX:
        problems.add("title", f"Event title must be at most {TITLE_MAX} characters", "INVALID_TITLE")
        return None
    return title


def clean_description(raw: str | None, problems: Problems) -> str | None:
    text = (raw or "").strip()
    if _unprintable(text):
        problems.add("description", "Description contains characters that are not allowed", "INVALID_DESCRIPTION")
        return None
    if len(text) > DESCRIPTION_MAX:
        problems.add(
            "description", f"Description must be at most {DESCRIPTION_MAX} characters", "INVALID_DESCRIPTION"
        )
        return None
    return text


TIMEZONE_NAME_MAX = 64  # the longest IANA name is 32 characters


def parse_timezone(raw: str | None, default: str, problems: Problems) -> ZoneInfo | None:
    """An IANA zone name. Checked for length first: ZoneInfo looks the name up as a file path."""
    name = (raw or "").strip() or default
    try:
        if len(name) > TIMEZONE_NAME_MAX:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.add("timezone", "Unknown time zone; use an IANA name such as Asia/Kolkata", "INVALID_TIMEZONE")
        return None


def parse_start_time(
    raw: str | datetime | None, zone: ZoneInfo, now: datetime, problems: Problems, *, field: str = "start_time"
) -> datetime | None:
    """ISO-8601. With ``Z`` or an offset it is that instant; without, it is the event's local wall-clock time.
    The same rules read an end time (``field="end_time"``); the messages name the field that was sent."""
    label = "End time" if field == "end_time" else "Start time"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        problems.add(field, f"{label} is required", "INVALID_DATETIME_FORMAT")
        return None
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            problems.add(
                field,
                f"Invalid {label.lower()}; use ISO-8601 such as 2025-12-20T18:30:00Z or 2025-12-21T00:00:00+05:30",
                "INVALID_DATETIME_FORMAT",
            )
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    value = value.astimezone(now.tzinfo)
    if value <= now:
        problems.add(field, f"{label} must be in the future", "START_TIME_IN_PAST")
        return None
    if value > now + FURTHEST_START:
        problems.add(field, f"{label} is too far in the future", "INVALID_DATETIME_FORMAT")
        return None
    return value


def is_event_length(hours: float) -> bool:
    """An event lasts 15 minutes to a week, whether its length is sent as ``duration_hours`` or as an end time."""
    return DURATION_MIN_HOURS <= hours <= DURATION_MAX_HOURS


def parse_duration(raw: str | float | None, problems: Problems) -> timedelta | None:
    """Hours as a decimal (``3.0``); at least 15 minutes, at most a week; kept to the minute."""
    hours: float | None
    if raw is None or isinstance(raw, bool):
        hours = None
    elif isinstance(raw, int | float):
        hours = float(raw)
    else:
        try:
            hours = float(raw.strip())
        except ValueError:
            hours = None
    if hours is None or not math.isfinite(hours):
        problems.add("duration_hours", "Duration must be a number of hours, e.g. 3.0", "INVALID_DURATION")
        return None
    if not is_event_length(hours):
        problems.add(
            "duration_hours",
            f"Duration must be between {DURATION_MIN_HOURS:g} and {DURATION_MAX_HOURS:g} hours",
            "INVALID_DURATION",
        )
        return None
    return timedelta(minutes=round(hours * 60))


def parse_bool(raw: str | bool | None, field: str, default: bool, problems: Problems) -> bool:
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    text = raw.strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    problems.add(field, f"{field} must be true or false", "INVALID_BOOLEAN")
    return default


def parse_int(raw: str | int | None, field: str, default: int, problems: Problems) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    if isinstance(raw, bool):
        problems.add(field, f"{field} must be a whole number", "VALIDATION_ERROR")
        return None
    if isinstance(raw, int):
        return raw
    text = raw.strip()
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        number = None
    if number is None or (isinstance(number, float) and not number.is_integer()):
        problems.add(field, f"{field} must be a whole number", "VALIDATION_ERROR")
        return None
    return int(number)


def check_capacity(value: int | None, problems: Problems, field: str = "max_capacity") -> int | None:
    """``field`` is the name the value came under: an event's ``max_capacity``, a venue's ``capacity``."""
    if value is None:
        return None
    if not 0 <= value <= CAPACITY_MAX:
        problems.add(field, f"Capacity must be between 0 (unlimited) and {CAPACITY_MAX}", "INVALID_CAPACITY")
        return None
    return value


def parse_price(raw: str | float | Decimal | None, problems: Problems) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ZERO
    if not isinstance(raw, bool):  # JSON true and false are not amounts
        with suppress(ValueError):
            return to_money(raw if isinstance(raw, str | Decimal) else repr(raw))
    problems.add("ticket_price", "Ticket price must be an amount in rupees", "INVALID_TICKET_PRICE")
    return None


def check_pricing(is_paid: bool, price: Decimal | None, problems: Problems) -> Decimal | None:
    """Free events cost nothing; paid events cost between ₹1 and ₹1,00,000 (the base the host earns)."""
    if price is None:
        return None
    if price < 0:
        problems.add("ticket_price", "Ticket price cannot be negative", "INVALID_TICKET_PRICE")
        return None
    if not is_paid:
        if price != 0:
            problems.add("ticket_price", "A free event cannot have a ticket price", "INVALID_TICKET_PRICE")
            return None
        return ZERO
    if not PRICE_MIN <= price <= PRICE_MAX:
        problems.add(
            "ticket_price",
            f"Ticket price of a paid event must be between ₹{PRICE_MIN} and ₹{PRICE_MAX}",
            "INVALID_TICKET_PRICE",
        )
        return None
    return price


def clean_gst_number(raw: str | None, problems: Problems) -> str | None:
    text = (raw or "").strip().upper().replace(" ", "")
    if text and not _GSTIN.match(text):
        problems.add("gst_number", "GST number must be a 15-character GSTIN", "INVALID_GST_NUMBER")
        return None
    return text


def parse_allowed_genders(raw: str | None, problems: Problems) -> AllowedGenders | None:
    text = (raw or "").strip().lower().replace("-", "_").replace(" ", "_") or "all"
    if text == "nonbinary":
        text = "non_binary"
    return _one_of(AllowedGenders, text, "allowed_genders", "INVALID_ALLOWED_GENDERS", problems)


def parse_rsvp_policy(
    raw: str | None, problems: Problems, field: str = "rsvp_expiry_policy"
) -> RsvpExpiryPolicy | None:
    """An event's RSVP policy, and an invitation's (``expiry_policy``): one reading, one error code."""
    text = (raw or "").strip().lower()
    return _one_of(RsvpExpiryPolicy, text, field, "INVALID_RSVP_EXPIRY_POLICY", problems)


def parse_status(raw: str | None, problems: Problems) -> EventStatus | None:
    text = (raw or "").strip().lower()
    return _one_of(EventStatus, text, "status", "INVALID_STATUS", problems)


def parse_interest_ids(raw: str | list[int] | None, problems: Problems) -> tuple[int, ...] | None:
    """A JSON array of interest ids (multipart sends ``[1,4,7]`` as text); duplicates count once."""
    value = parse_int_array(raw) if isinstance(raw, str) else raw if raw is not None else []
    if value is None or not all(is_id(v) for v in value):
        problems.add(
            "event_interest_ids",
            "event_interest_ids must be a JSON array of interest ids, e.g. [1,4,7]",
            "INVALID_INTEREST_IDS_FORMAT",
        )
        return None
    unique = tuple(dict.fromkeys(value))
    if len(unique) > INTERESTS_MAX:
        problems.add(
            "event_interest_ids", f"At most {INTERESTS_MAX} interests per event", "INVALID_INTEREST_IDS_FORMAT"
        )
        return None
    return unique


def clean_text_field(
    raw: str | None,
    field: str,
    limit: int,
    problems: Problems,
    *,
    code: str = "VALIDATION_ERROR",
    required: str | None = None,
) -> str | None:
    """Spaces folded; ``required`` is the message when it is left empty (None: empty is fine). Every problem
    is noted under ``code``."""
    text = " ".join((raw or "").split())
    if _unprintable(text):
        problems.add(field, f"{field} contains characters that are not allowed", code)
        return None
    if not text and required:
        problems.add(field, required, code)
        return None
    if len(text) > limit:
        problems.add(field, f"{field} must be at most {limit} characters", code)
        return None
    return text


def clean_venue_name(raw: str | None, problems: Problems, field: str = "venue_name") -> str | None:
    required = f"Venue name is required ({field})"
    return clean_text_field(raw, field, NAME_MAX, problems, code="VENUE_NAME_REQUIRED", required=required)


def clean_address(raw: str | None, problems: Problems, field: str = "location_address") -> str | None:
    return clean_text_field(raw, field, ADDRESS_MAX, problems)


def clean_city(raw: str | None, problems: Problems, field: str = "location_city") -> str | None:
    return clean_text_field(raw, field, CITY_MAX, problems)


def clean_place_id(raw: str | None, problems: Problems, field: str = "location_place_id") -> str | None:
    text = (raw or "").strip()
    if len(text) > PLACE_ID_MAX or any(c.isspace() for c in text) or _unprintable(text):
        problems.add(field, f"{field} is not a valid place id", "VALIDATION_ERROR")
        return None
    return text


def parse_coordinate(raw: str | float | None, field: str, bound: float, problems: Problems) -> float | None:
    """A coordinate in degrees, kept to 6 decimals (about 10 cm); None when absent."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(raw, bool) or not math.isfinite(value) or not -bound <= value <= bound:
        problems.add(field, f"{field} must be a number between -{bound:g} and {bound:g}", "INVALID_COORDINATES")
        return None
    return round(value, 6)


def is_country_code(text: str) -> bool:
    """Two ASCII letters, either case (ISO 3166-1 alpha-2): what a venue stores, lowercased, and so the only
    country a feed or a city page can be asked for."""
    return len(text) == 2 and text.isascii() and text.isalpha()


def clean_country_code(raw: str | None, problems: Problems, field: str = "location_country_code") -> str:
    text = (raw or "").strip().lower() or "in"
    if not is_country_code(text):
        problems.add(field, f"{field} must be a 2-letter country code such as IN", "VALIDATION_ERROR")
        return "in"
    return text


def parse_venue_type(raw: str | None, problems: Problems) -> VenueType | None:
    text = (raw or "").strip().lower() or VenueType.INDOOR.value
    return _one_of(VenueType, text, "venue_type", "VALIDATION_ERROR", problems)


def _one_of(kind: type[Choice], text: str, field: str, code: str, problems: Problems) -> Choice | None:
    """The enum member spelled ``text``, or a problem that lists every allowed value."""
    try:
        return kind(text)
    except ValueError:
        problems.add(field, not_one_of(kind, field), code)
        return None
