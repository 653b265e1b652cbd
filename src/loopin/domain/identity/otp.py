"""One-time codes proving that a person holds a phone."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.errors import InvalidInput, NotFound, RateLimited, Refused
from loopin.domain.shared.keyed_digest import KeyedDigest


@dataclass(frozen=True, slots=True)
class OtpPolicy:
    length: int = 4
    validity: timedelta = timedelta(minutes=10)
    max_attempts: int = 3

    def new_code(self) -> str:
        return f"{secrets.randbelow(10**self.length):0{self.length}d}"

    def read_code(self, text: str) -> str:
        """The code a person typed, as ``new_code`` makes them (surrounding spaces dropped). Anything else is
        refused before a challenge is touched, so a typo never uses up a try."""
        code = text.strip()
        if len(code) != self.length or not code.isascii() or not code.isdigit():
            raise InvalidInput.single(
                "otp_code", f"The code must be exactly {self.length} digits", code="INVALID_OTP_FORMAT"
            )
        return code

    @property
    def code_pattern(self) -> str:
        """The codes ``new_code`` makes, as a regular expression (for the API document)."""
        return f"^[0-9]{{{self.length}}}$"


class OtpOutcome(Enum):
    VERIFIED = "verified"
    WRONG_CODE = "wrong_code"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    ALREADY_USED = "already_used"


@dataclass(slots=True)
class OtpChallenge:
    """The live code of one phone. Only its keyed digest is kept; a new code replaces the old one."""

    phone: PhoneNumber
    code_digest: str
    issued_at: datetime
    expires_at: datetime
    attempts: int = 0
    consumed_at: datetime | None = None
    requested_from: str = ""  # the client network that asked for the code (see domain.shared.client_network)
    # The phone's wrong codes of the last window, across all its codes: a new code keeps them (the lockout)
    wrong_codes: tuple[datetime, ...] = ()

    @classmethod
    def issue(
        cls,
        phone: PhoneNumber,
        code: str,
        *,
        now: datetime,
        policy: OtpPolicy,
        digest: KeyedDigest,
        requested_from: str = "",
    ) -> OtpChallenge:
        return cls(
            phone=phone,
            code_digest=digest.digest(code, context=_context(phone)),
            issued_at=now,
            expires_at=now + policy.validity,
            requested_from=requested_from,
        )

    def allows_one_try_from(self, network: str) -> bool:
        """While the phone is locked: a fresh code, typed in from the network that asked for it, gets one try.
        The owner of a locked phone can still sign in; a guesser gets one guess per code sent, and codes are
        capped per day."""
        return bool(self.requested_from) and self.requested_from == network and self.attempts == 0

    def spend(self, policy: OtpPolicy) -> None:
        """Uses up every remaining try: the code can no longer be verified."""
        self.attempts = max(self.attempts, policy.max_attempts)

    def attempt(self, code: str, *, now: datetime, policy: OtpPolicy, digest: KeyedDigest) -> OtpOutcome:
        """Checks a candidate code; a wrong code uses up one try even when the caller then fails."""
        if self.consumed_at is not None:
            return OtpOutcome.ALREADY_USED
        if now >= self.expires_at:
            return OtpOutcome.EXPIRED
        if self.attempts >= policy.max_attempts:
            return OtpOutcome.EXHAUSTED
        if digest.matches(code, self.code_digest, context=_context(self.phone)):
            self.consumed_at = now
            return OtpOutcome.VERIFIED
        self.attempts += 1
        return OtpOutcome.WRONG_CODE

    def awaits(self, code: str, *, now: datetime, policy: OtpPolicy, digest: KeyedDigest) -> bool:
        """Whether ``code`` is still the one this phone may sign in with (not replaced, used up or expired)."""
        if self.consumed_at is not None or now >= self.expires_at or self.attempts >= policy.max_attempts:
            return False
        return digest.matches(code, self.code_digest, context=_context(self.phone))

    def attempts_left(self, policy: OtpPolicy) -> int:
        return max(0, policy.max_attempts - self.attempts)

    def locked_for(self, now: datetime, limit: WrongCodeLimit) -> int:
        """Seconds until the phone's wrong codes in the window fall below the limit (0: the phone is not locked):
        until the oldest of the last ``limit`` of them leaves the window."""
        recent = sorted(self._wrong_codes_within(now, limit))
        if len(recent) < limit.count:
            return 0
        wait = recent[len(recent) - limit.count] + limit.window - now
        return max(1, math.ceil(wait.total_seconds()))

    def count_wrong_code(self, now: datetime, limit: WrongCodeLimit) -> None:
        """Counts a wrong code against the phone unless it is locked already; codes past the window are dropped."""
        recent = self._wrong_codes_within(now, limit)
        self.wrong_codes = (*recent, now) if len(recent) < limit.count else recent

    def _wrong_codes_within(self, now: datetime, limit: WrongCodeLimit) -> tuple[datetime, ...]:
        return tuple(t for t in self.wrong_codes if t > now - limit.window)

    def forget_wrong_codes(self) -> None:
        """The phone's owner signed in: the day's count starts again."""
        self.wrong_codes = ()


@dataclass(frozen=True, slots=True)
class WrongCodeLimit:
    """How many wrong codes a phone may send within a rolling window, across all its codes."""

    count: int
    window: timedelta


def _context(phone: PhoneNumber) -> str:
    return f"otp:{phone.e164}"


class OtpRejected(Refused, code="OTP_INVALID"):
    @classmethod
    def for_outcome(cls, outcome: OtpOutcome, attempts_left: int) -> OtpRejected:
        if outcome is OtpOutcome.WRONG_CODE and attempts_left > 0:
            noun = "attempt" if attempts_left == 1 else "attempts"
            return cls(f"Invalid code. {attempts_left} {noun} remaining.", code="OTP_INVALID")
        if outcome is OtpOutcome.WRONG_CODE or outcome is OtpOutcome.EXHAUSTED:
            return cls("Too many wrong attempts. Please request a new code.", code="OTP_ATTEMPTS_EXCEEDED")
        if outcome is OtpOutcome.EXPIRED:
            return cls("This code has expired. Please request a new code.", code="OTP_EXPIRED")
        return cls("This code has already been used. Please request a new code.", code="OTP_ALREADY_USED")


class OtpLocked(RateLimited, code="OTP_LOCKED"):
    """Too many wrong codes for this phone today, across all its codes."""

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, -(-retry_after_seconds // 60))
        wait = f"{minutes} minutes" if minutes < 120 else f"{-(-minutes // 60)} hours"
        super().__init__(
            retry_after_seconds,
            f"Too many wrong codes for this number. Please try again in {wait}, or request a new code "
            "and enter it on the phone that requested it.",
        )


class OtpNotRequested(
    NotFound, code="OTP_NOT_FOUND", message="No code was requested for this number. Please request a new code."
): ...
