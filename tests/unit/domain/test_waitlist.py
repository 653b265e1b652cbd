"""WaitlistPolicy: a uniformly random whole number of minutes in [min, max] (210-240 by default)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.identity import waitlist as waitlist_module
from loopin.domain.identity.waitlist import WaitlistPolicy

JOINED = datetime(2026, 3, 2, 6, 30, 17, 123456, tzinfo=UTC)


def test_default_window_is_210_to_240_minutes() -> None:
    policy = WaitlistPolicy()
    assert (policy.min_minutes, policy.max_minutes) == (210, 240)


def test_every_wait_is_a_whole_number_of_minutes_inside_the_window() -> None:
    policy = WaitlistPolicy()
    waits = [policy.promotion_time(JOINED) - JOINED for _ in range(1000)]
    assert all(w % timedelta(minutes=1) == timedelta(0) for w in waits)
    minutes = {w // timedelta(minutes=1) for w in waits}
    assert minutes <= set(range(210, 241))
    assert len(minutes) >= 20  # spread over the window (31 values), not a fixed delay


@pytest.mark.parametrize(("drawn", "minutes"), [("low", 210), ("high", 240)])
def test_both_ends_of_the_window_can_be_drawn(monkeypatch: pytest.MonkeyPatch, drawn: str, minutes: int) -> None:
    bounds: list[int] = []

    def randbelow(n: int) -> int:
        bounds.append(n)
        return 0 if drawn == "low" else n - 1

    monkeypatch.setattr(waitlist_module.secrets, "randbelow", randbelow)
    assert WaitlistPolicy().promotion_time(JOINED) == JOINED + timedelta(minutes=minutes)
    assert bounds == [31]  # uniform over all 31 whole minutes, both ends included


def test_a_window_of_one_value_is_that_value() -> None:
    assert WaitlistPolicy(5, 5).promotion_time(JOINED) == JOINED + timedelta(minutes=5)
    assert WaitlistPolicy(0, 0).promotion_time(JOINED) == JOINED


@pytest.mark.parametrize(("low", "high"), [(-1, 5), (10, 5), (-5, -1)])
def test_an_impossible_window_is_refused(low: int, high: int) -> None:
    with pytest.raises(ValueError, match="waitlist window"):
        WaitlistPolicy(low, high)


@pytest.mark.parametrize(
    ("low", "high", "text"), [(210, 240, "3.5–4 hours"), (60, 120, "1–2 hours"), (90, 90, "1.5–1.5 hours")]
)
def test_the_window_is_described_in_hours(low: int, high: int, text: str) -> None:
    assert WaitlistPolicy(low, high).describe() == text


def test_a_window_of_odd_minutes_is_described_in_minutes() -> None:
    assert WaitlistPolicy(215, 230).describe() == "215–230 minutes"
