"""Field rules: what each cleaner accepts, and the code it reports when it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from loopin.domain.events.event import AllowedGenders, EventStatus, RsvpExpiryPolicy
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import (
    check_capacity,
    check_pricing,
    clean_country_code,
    clean_description,
    clean_gst_number,
    clean_title,
    is_country_code,
    parse_allowed_genders,
    parse_bool,
    parse_coordinate,
    parse_duration,
    parse_int,
    parse_interest_ids,
    parse_price,
    parse_rsvp_policy,
    parse_start_time,
    parse_status,
    parse_timezone,
)
from loopin.domain.shared.errors import InvalidInput

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
IST = ZoneInfo("Asia/Kolkata")


def codes(problems: Problems) -> list[str]:
    return problems.codes


def test_title() -> None:
    p = Problems()
    assert clean_title("  Sunset   Jam ", p) == "Sunset Jam"
    assert clean_title("", p) is None
    assert clean_title(None, p) is None
    assert clean_title("ab", p) is None
    assert clean_title("x" * 201, p) is None
    assert codes(p) == ["TITLE_REQUIRED", "TITLE_REQUIRED", "INVALID_TITLE", "INVALID_TITLE"]


def test_description_is_optional_and_bounded() -> None:
    p = Problems()
    assert clean_description(None, p) == ""
    assert clean_description(" hi ", p) == "hi"
    assert clean_description("x" * 20_001, p) is None
    assert codes(p) == ["INVALID_DESCRIPTION"]


def test_start_time_with_z_or_offset_is_that_instant() -> None:
    p = Problems()
    assert parse_start_time("2030-01-05T18:30:00.000Z", IST, NOW, p) == datetime(2030, 1, 5, 18, 30, tzinfo=UTC)
    assert parse_start_time("2030-01-06T00:00:00+05:30", IST, NOW, p) == datetime(2030, 1, 5, 18, 30, tzinfo=UTC)
    assert not p


def test_start_time_without_offset_is_the_events_wall_clock() -> None:
    p = Problems()
    assert parse_start_time("2030-01-06T00:00:00", IST, NOW, p) == datetime(2030, 1, 5, 18, 30, tzinfo=UTC)
    assert parse_start_time("2030-01-06", IST, NOW, p) == datetime(2030, 1, 5, 18, 30, tzinfo=UTC)
    assert not p


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("tomorrow", "INVALID_DATETIME_FORMAT"),
        ("", "INVALID_DATETIME_FORMAT"),
        (None, "INVALID_DATETIME_FORMAT"),
        ("2030-13-01T00:00:00Z", "INVALID_DATETIME_FORMAT"),
        ("2029-12-31T00:00:00Z", "START_TIME_IN_PAST"),
        ("2030-01-01T12:00:00Z", "START_TIME_IN_PAST"),
        ("2040-01-01T00:00:00Z", "INVALID_DATETIME_FORMAT"),
    ],
)
def test_bad_start_times(raw: str | None, code: str) -> None:
    p = Problems()
    assert parse_start_time(raw, IST, NOW, p) is None
    assert codes(p) == [code]


@pytest.mark.parametrize(("raw", "minutes"), [("3.0", 180), ("0.25", 15), (2, 120), (1.5, 90), ("168", 10080)])
def test_duration(raw: str | float, minutes: int) -> None:
    p = Problems()
    assert parse_duration(raw, p) == timedelta(minutes=minutes)
    assert not p


@pytest.mark.parametrize("raw", ["0", "-1", "0.1", "169", "abc", "", None, "nan", "inf", True])
def test_bad_durations(raw: str | None) -> None:
    p = Problems()
    assert parse_duration(raw, p) is None  # type: ignore[arg-type]
    assert codes(p) == ["INVALID_DURATION"]


def test_booleans_as_multipart_text() -> None:
    p = Problems()
    assert parse_bool("true", "is_paid", False, p) is True
    assert parse_bool("False", "is_paid", True, p) is False
    assert parse_bool("1", "x", False, p) is True
    assert parse_bool(None, "x", True, p) is True
    assert parse_bool("", "x", False, p) is False
    assert parse_bool(True, "x", False, p) is True
    assert not p
    parse_bool("maybe", "is_public", True, p)
    assert codes(p) == ["INVALID_BOOLEAN"]


def test_ints_as_multipart_text() -> None:
    p = Problems()
    assert parse_int("40", "max_capacity", 0, p) == 40
    assert parse_int("40.0", "max_capacity", 0, p) == 40
    assert parse_int(None, "max_capacity", 0, p) == 0
    assert parse_int("4.5", "max_capacity", 0, p) is None
    assert parse_int("forty", "max_capacity", 0, p) is None
    assert len(p.items) == 2


def test_capacity_bounds() -> None:
    p = Problems()
    assert check_capacity(0, p) == 0
    assert check_capacity(100_000, p) == 100_000
    assert check_capacity(-1, p) is None
    assert check_capacity(100_001, p) is None
    assert codes(p) == ["INVALID_CAPACITY", "INVALID_CAPACITY"]


def test_prices_are_rupees_with_two_places_rounded_half_up() -> None:
    p = Problems()
    assert parse_price("500.0", p) == Decimal("500.00")
    assert parse_price("10.005", p) == Decimal("10.01")
    assert parse_price(499.99, p) == Decimal("499.99")
    assert parse_price(None, p) == Decimal("0.00")
    assert parse_price("abc", p) is None
    assert parse_price("NaN", p) is None
    assert codes(p) == ["INVALID_TICKET_PRICE", "INVALID_TICKET_PRICE"]


def test_pricing_must_match_is_paid() -> None:
    p = Problems()
    assert check_pricing(False, Decimal("0.00"), p) == Decimal("0.00")
    assert check_pricing(True, Decimal("500.00"), p) == Decimal("500.00")
    assert check_pricing(False, Decimal("10.00"), p) is None
    assert check_pricing(True, Decimal("0.00"), p) is None
    assert check_pricing(True, Decimal("-1.00"), p) is None
    assert check_pricing(True, Decimal("100000.01"), p) is None
    assert codes(p) == ["INVALID_TICKET_PRICE"] * 4


def test_gst_number() -> None:
    p = Problems()
    assert clean_gst_number("", p) == ""
    assert clean_gst_number(" 27aapfu0939f1zv ", p) == "27AAPFU0939F1ZV"
    assert clean_gst_number("12345", p) is None
    assert codes(p) == ["INVALID_GST_NUMBER"]


def test_enumerations() -> None:
    p = Problems()
    assert parse_allowed_genders("ALL", p) is AllowedGenders.ALL
    assert parse_allowed_genders("non-binary", p) is AllowedGenders.NON_BINARY
    assert parse_allowed_genders(None, p) is AllowedGenders.ALL
    assert parse_rsvp_policy("48h", p) is RsvpExpiryPolicy.HOURS_48
    assert parse_rsvp_policy("day_before_event", p) is RsvpExpiryPolicy.DAY_BEFORE_EVENT
    assert parse_status("PUBLISHED", p) is EventStatus.PUBLISHED
    assert not p
    assert parse_allowed_genders("aliens", p) is None
    assert parse_rsvp_policy("1y", p) is None
    assert parse_status("Bogus", p) is None
    assert codes(p) == ["INVALID_ALLOWED_GENDERS", "INVALID_RSVP_EXPIRY_POLICY", "INVALID_STATUS"]


def test_interest_ids() -> None:
    p = Problems()
    assert parse_interest_ids("[1,4,7]", p) == (1, 4, 7)
    assert parse_interest_ids("[1,1,4]", p) == (1, 4)
    assert parse_interest_ids("[]", p) == ()
    assert parse_interest_ids(None, p) == ()
    assert parse_interest_ids([3, 2], p) == (3, 2)
    assert not p
    for bad in ("1,4", '["a"]', "[true]", "{}", str(list(range(11)))):
        parse_interest_ids(bad, p)
    assert codes(p) == ["INVALID_INTEREST_IDS_FORMAT"] * 5


def test_coordinates() -> None:
    p = Problems()
    assert parse_coordinate("19.0760123456", "location_latitude", 90, p) == 19.076012
    assert parse_coordinate("0", "location_latitude", 90, p) == 0.0  # zero is a coordinate, not "missing"
    assert parse_coordinate(None, "location_latitude", 90, p) is None
    assert not p
    parse_coordinate("91", "location_latitude", 90, p)
    parse_coordinate("east", "location_longitude", 180, p)
    assert codes(p) == ["INVALID_COORDINATES"] * 2


def test_timezone() -> None:
    p = Problems()
    assert parse_timezone(None, "Asia/Kolkata", p) == IST
    assert parse_timezone("Europe/Berlin", "Asia/Kolkata", p) == ZoneInfo("Europe/Berlin")
    assert parse_timezone("Mars/Olympus", "Asia/Kolkata", p) is None
    assert codes(p) == ["INVALID_TIMEZONE"]


def test_problems_raise_all_at_once_named_by_the_first_coded_one() -> None:
    p = Problems()
    p.add("x", "plain")
    p.add("title", "Event title is required", "TITLE_REQUIRED")
    p.add("venue_name", "Venue name is required", "VENUE_NAME_REQUIRED")
    with pytest.raises(InvalidInput) as raised:
        p.raise_if_any()
    assert raised.value.code == "TITLE_REQUIRED"
    assert [x.field for x in raised.value.problems] == ["x", "title", "venue_name"]
    Problems().raise_if_any()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2000-01-01T00:00:00Z", "End time must be in the future"),
        ("soon", "Invalid end time; use ISO-8601 such as 2025-12-20T18:30:00Z or 2025-12-21T00:00:00+05:30"),
        ("", "End time is required"),
        ("9999-01-01T00:00:00Z", "End time is too far in the future"),
    ],
)
def test_an_end_time_is_called_an_end_time(raw: str, message: str) -> None:
    """The same rules read an event's end (``PUT`` with ``end_time``): the message names the field sent."""
    p = Problems()
    assert parse_start_time(raw, IST, NOW, p, field="end_time") is None
    assert [(f.field, f.message) for f in p.items] == [("end_time", message)]


@pytest.mark.parametrize("text", ["in", "IN", "Us"])
def test_a_country_code_is_two_ascii_letters(text: str) -> None:
    assert is_country_code(text)
    problems = Problems()
    assert clean_country_code(f" {text} ", problems) == text.lower()
    assert not problems


@pytest.mark.parametrize("text", ["ind", "i", "12", "i1", "éé", "\u212ak", "i "])
def test_anything_else_is_not_a_country_code(text: str) -> None:
    """The feed filter, the city page and a venue read a country by this one rule."""
    assert not is_country_code(text)
