"""A notification's push: due once its quiet hours are over, never when muted, once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from loopin.domain.notifications.notification import Notification

NOW = datetime(2030, 1, 1, 22, tzinfo=UTC)
MORNING = NOW + timedelta(hours=10)


def held_until_morning() -> Notification:
    return Notification(
        1, "k", 3, "reminder", "event_reminder", "Title", "Body", created_at=NOW, push_due_at=MORNING
    )


def test_a_push_held_for_the_quiet_hours_is_due_when_they_end() -> None:
    n = held_until_morning()
    assert n.is_push_due(MORNING - timedelta(seconds=1)) is False
    assert n.is_push_due(MORNING) is True
    assert n.is_push_due(MORNING + timedelta(days=1)) is True


def test_a_pushed_or_muted_notification_is_never_due() -> None:
    assert replace(held_until_morning(), pushed_at=MORNING).is_push_due(MORNING) is False
    assert replace(held_until_morning(), push_due_at=None).is_push_due(MORNING) is False
