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
    """A push subscription. While active it belongs to the member who registered it: someone who learns the
    id cannot move another member's pushes to their own account. Once its member retires it (the app does at
    logout) the next member signing in on that phone may take it."""

    id: int
    member_id: int
    player_id: str
    platform: DevicePlatform
    is_active: bool = True
    registered_at: datetime | None = None
    updated_at: datetime | None = None

    def can_be_registered_by(self, member_id: int) -> bool:
        return self.member_id == member_id or not self.is_active
