"""Phones that receive push notifications (OneSignal subscriptions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from loopin.domain.shared.errors import InvalidInput

PLAYER_ID_MAX = 128


class DevicePlatform(Enum):
    IOS = "ios"
    ANDROID = "android"

    @classmethod
    def parse(cls, raw: str) -> DevicePlatform:
        try:
            return cls(raw.strip().lower())
        except ValueError:
            raise InvalidInput.single("platform", "Platform must be ios or android") from None


def check_player_id(raw: str) -> str:
    player_id = raw.strip()
    if not player_id or len(player_id) > PLAYER_ID_MAX or not player_id.isprintable() or " " in player_id:
        raise InvalidInput.single("onesignal_player_id", "A valid OneSignal player id is required")
    return player_id


@dataclass(slots=True)
class Device:
    """One subscription belongs to whoever signed in on that phone last."""

    id: int
    member_id: int
    player_id: str
    platform: DevicePlatform
    is_active: bool = True
    registered_at: datetime | None = None
    updated_at: datetime | None = None
