"""Re-entering a code: the proof a sensitive change asks for. Loopin has no passwords (staff sign in with their
phone and an SMS code), so the spec's "re-enters their password" is a code entered within the last few minutes:
a step-up's, or the sign-in's own (the same proof, typed just as recently)."""

from __future__ import annotations

from datetime import datetime, timedelta

from loopin.domain.shared.errors import Forbidden

REAUTHENTICATION_WINDOW = timedelta(minutes=5)  # how long an entered code opens sensitive changes
_MINUTES = int(REAUTHENTICATION_WINDOW.total_seconds() // 60)


class ReauthenticationRequired(
    Forbidden,
    code="REAUTHENTICATION_REQUIRED",
    message=f"Please enter a new code first: this change needs a code entered in the last {_MINUTES} minutes.",
): ...


def recently_confirmed(confirmed_at: datetime | None, now: datetime) -> bool:
    """Whether a code entered at ``confirmed_at`` (None: never) still counts at ``now``."""
    return confirmed_at is not None and now - confirmed_at <= REAUTHENTICATION_WINDOW


def require_recent_code(confirmed_at: datetime | None, now: datetime) -> None:
    if not recently_confirmed(confirmed_at, now):
        raise ReauthenticationRequired()
