"""Push devices: platform values and OneSignal player ids."""

from __future__ import annotations

import pytest

from loopin.domain.notifications.device import PLAYER_ID_MAX, Device, DevicePlatform, check_player_id
from loopin.domain.shared.errors import InvalidInput


@pytest.mark.parametrize(
    ("raw", "platform"),
    [("ios", DevicePlatform.IOS), (" iOS ", DevicePlatform.IOS), ("ANDROID", DevicePlatform.ANDROID)],
)
def test_platforms_are_read_case_insensitively(raw: str, platform: DevicePlatform) -> None:
    assert DevicePlatform.parse(raw) is platform


@pytest.mark.parametrize("raw", ["", "web", "windows", "i os"])
def test_unknown_platforms_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        DevicePlatform.parse(raw)
    assert caught.value.problems[0].field == "platform"
    assert caught.value.message == "Platform must be ios or android"


def test_player_ids_are_trimmed() -> None:
    assert check_player_id("  3f1c2b7a-0d4e-4c9a-9b1e-5f6a7b8c9d0e \n") == "3f1c2b7a-0d4e-4c9a-9b1e-5f6a7b8c9d0e"


def test_a_player_id_may_be_up_to_128_characters() -> None:
    assert PLAYER_ID_MAX == 128
    assert check_player_id("a" * 128) == "a" * 128


@pytest.mark.parametrize("raw", ["", "   ", "a" * 129, "abc def", "abc\x00def", "abc\ndef", "abc\u200bdef"])
def test_bad_player_ids_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_player_id(raw)
    assert caught.value.problems[0].field == "onesignal_player_id"


def test_a_new_device_is_active() -> None:
    device = Device(1, 7, "player-1", DevicePlatform.ANDROID)
    assert device.is_active
    assert device.registered_at is None
