"""Analytics: pseudonymous ids, event properties only, sent through the job queue after commit."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from loopin.adapters.memory.platform import RecordingAnalytics
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.platform.analytics import CAPTURE, Pseudonyms, RecordAnalyticsEvent, analytics_event
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import NAME, PHONE

KEY = b"k" * 32


def test_pseudonyms_are_stable_keyed_and_distinct() -> None:
    pseudonyms = Pseudonyms(KeyedDigest(KEY))
    seven = pseudonyms.member(7)
    assert re.fullmatch(r"m_[0-9a-f]{32}", seven)
    assert seven == pseudonyms.member(7)
    assert seven != pseudonyms.member(8)
    assert seven != Pseudonyms(KeyedDigest(b"x" * 32)).member(7)
    assert seven == "m_" + KeyedDigest(KEY).digest("7", context="analytics")[:32]


def test_an_event_is_a_capture_job() -> None:
    job = analytics_event("profile_completed", 7, first_time=True, pictures=2)
    assert job.name == CAPTURE
    payload = dict(job.payload)
    capture_id = str(payload.pop("capture_id"))
    assert payload == {"event": "profile_completed", "member_id": 7, "first_time": True, "pictures": 2}
    assert uuid.UUID(capture_id).version == 4
    assert job.attempts == 3
    assert analytics_event("profile_completed", 7).payload["capture_id"] != capture_id


async def test_a_capture_the_job_repeats_is_one_event() -> None:
    """At-least-once delivery: the job may run twice, the capture id makes it one event."""
    analytics = RecordingAnalytics()
    record = RecordAnalyticsEvent(analytics, Pseudonyms(KeyedDigest(KEY)))
    job = analytics_event("otp_verified", 7, new_account=True)
    await record(payload=job.payload)
    await record(payload=job.payload)
    [event] = analytics.events
    assert event.capture_id == job.payload["capture_id"]
    assert event.properties == {"new_account": True}


async def test_the_handler_sends_the_event_under_the_pseudonym_without_the_member_id() -> None:
    analytics = RecordingAnalytics()
    pseudonyms = Pseudonyms(KeyedDigest(KEY))
    record = RecordAnalyticsEvent(analytics, pseudonyms)
    await record(payload={"event": "otp_verified", "member_id": 7, "new_account": True})
    [event] = analytics.events
    assert event.distinct_id == pseudonyms.member(7)
    assert event.event == "otp_verified"
    assert event.properties == {"new_account": True}


async def test_the_handler_refuses_an_event_without_an_integer_member_id() -> None:
    record = RecordAnalyticsEvent(RecordingAnalytics(), Pseudonyms(KeyedDigest(KEY)))
    with pytest.raises(TypeError):
        await record(payload={"event": "otp_verified", "member_id": "+919812345678"})


async def test_a_whole_onboarding_leaves_no_personal_data_in_analytics(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=0, waitlist_max_minutes=0)
    session = await world.sign_in()
    await world.complete(session.member_id)
    world.fakes.clock.advance(timedelta(seconds=30))
    await world.sign_in()
    pseudonym = (await world.get(Pseudonyms)).member(session.member_id)
    assert [e.event for e in world.analytics()] == [
        "member_signed_up",
        "otp_verified",
        "profile_completed",
        "member_promoted",  # a zero-minute window admits at completion
        "otp_verified",
    ]
    for event in world.analytics():
        assert event.distinct_id == pseudonym
        text = repr(event)
        for secret in (PHONE, PHONE[3:], NAME, "Asha", "profiles/", ".png", "2000-01-05"):
            assert secret not in text
        assert "member_id" not in event.properties
