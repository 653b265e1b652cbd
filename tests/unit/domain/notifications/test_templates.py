"""The template registry: every template renders from its typed variables, never half-filled; quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from loopin.domain.notifications.preferences import Preferences, QuietHours
from loopin.domain.notifications.templates import (
    TEMPLATES,
    NotificationKind,
    Template,
    TemplateError,
    parse_kind,
    render,
)
from loopin.domain.shared.errors import InvalidInput

SAMPLE: dict[type, object] = {str: "Sunday Jam", int: 3}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_renders_with_each_value_in_its_text(key: str) -> None:
    spec = TEMPLATES[key]
    values = {name: f"<{name}>" if kind is str else 7 for name, kind in spec.variables.items()}
    done = spec.render(values)
    text = done.title + " " + done.body
    for value in values.values():
        assert str(value) in text
    assert "{" not in text
    assert done.title
    assert done.body
    assert (done.kind, done.route, done.template) == (spec.kind, spec.route, key)


def test_a_value_that_looks_like_a_placeholder_is_printed_as_it_is() -> None:
    done = render("event_invite", {"host_name": "{event_name}", "event_name": "Jam"})
    assert done.body == "{event_name} invited you to Jam."


def test_missing_extra_and_mistyped_variables_are_refused() -> None:
    with pytest.raises(TemplateError):
        render("event_invite", {"host_name": "Asha"})
    with pytest.raises(TemplateError):
        render("event_invite", {"host_name": "Asha", "event_name": "Jam", "x": "y"})
    with pytest.raises(TemplateError):
        render("reminder_pending_requests", {"event_name": "Jam", "count": "3"})
    with pytest.raises(TemplateError):
        render("reminder_pending_requests", {"event_name": "Jam", "count": True})
    with pytest.raises(TemplateError):
        render("no_such_template", {})


def test_a_template_must_declare_exactly_the_placeholders_it_uses() -> None:
    with pytest.raises(TemplateError):
        Template("bad", NotificationKind.SYSTEM, "home", "Hi {name}", "body", {})


def test_long_values_are_cut_to_the_columns() -> None:
    done = render("announcement", {"headline": "h" * 500, "message": "m" * 5000})
    assert (len(done.title), len(done.body)) == (200, 1000)
    assert done.title.endswith("…")


def test_the_seat_offered_template_waits_for_the_event_waitlist() -> None:
    values = {
        "seats": "A seat",
        "event_name": "Jam",
        "verb": "is",
        "held_for": "for 30 minutes",
        "then": "confirm",
    }
    done = render("waitlist_offer", values)
    assert done.urgent
    assert done.kind is NotificationKind.WAITLIST


def test_unknown_types_are_input_errors() -> None:
    assert parse_kind("reminder") is NotificationKind.REMINDER
    with pytest.raises(InvalidInput):
        parse_kind("reminders\x00")


def test_money_and_account_notifications_cannot_be_muted() -> None:
    chosen = Preferences(1)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    chosen.mute(frozenset({NotificationKind.REMINDER, NotificationKind.PROMOTIONAL}), now)
    assert not chosen.allows_push(NotificationKind.REMINDER)
    assert chosen.allows_push(NotificationKind.EVENT_CANCELLED)
    with pytest.raises(InvalidInput):
        chosen.mute(frozenset({NotificationKind.PAYMENT_REFUND}), now)


IST = ZoneInfo("Asia/Kolkata")


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=IST).astimezone(UTC)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (at(12), at(12)),
        (at(21, 59), at(21, 59)),
        (at(22), at(8, day=3)),
        (at(23, 30), at(8, day=3)),
        (at(0, 15), at(8)),
        (at(7, 59), at(8)),
        (at(8), at(8)),
    ],
)
def test_quiet_hours_defer_non_urgent_pushes_to_the_morning(asked: datetime, due: datetime) -> None:
    quiet = QuietHours(time(22), time(8), IST)
    assert quiet.push_at(asked, urgent=False) == due
    assert quiet.push_at(asked, urgent=True) == asked


def test_a_window_within_one_day_and_no_window() -> None:
    afternoon = QuietHours(time(13), time(15), IST)
    assert afternoon.push_at(at(14), urgent=False) == at(15)
    assert afternoon.push_at(at(16), urgent=False) == at(16)
    assert QuietHours(time(8), time(8), IST).push_at(at(3), urgent=False) == at(3)
