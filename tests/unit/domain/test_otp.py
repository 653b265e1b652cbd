"""OtpPolicy and OtpChallenge: 4-digit codes, stored only as a keyed digest, single use, 10 minutes, 3 tries."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.identity import otp as otp_module
from loopin.domain.identity.otp import (
    OtpChallenge,
    OtpNotRequested,
    OtpOutcome,
    OtpPolicy,
    OtpRejected,
    WrongCodeLimit,
)
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared import keyed_digest
from loopin.domain.shared.errors import ErrorKind, InvalidInput
from loopin.domain.shared.keyed_digest import KeyedDigest

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
KEY = b"k" * 32
PHONE = PhoneNumber.parse("+919812345678")
OTHER_PHONE = PhoneNumber.parse("+919812345679")
POLICY = OtpPolicy()
DIGEST = KeyedDigest(KEY)
CODE, WRONG = "4821", "4822"


def issue(code: str = CODE, phone: PhoneNumber = PHONE, policy: OtpPolicy = POLICY) -> OtpChallenge:
    return OtpChallenge.issue(phone, code, now=NOW, policy=policy, digest=DIGEST)


def attempt(challenge: OtpChallenge, code: str, *, at: datetime = NOW, policy: OtpPolicy = POLICY) -> OtpOutcome:
    return challenge.attempt(code, now=at, policy=policy, digest=DIGEST)


def test_policy_defaults_match_the_spec() -> None:
    assert POLICY.length == 4
    assert POLICY.validity == timedelta(minutes=10)
    assert POLICY.max_attempts == 3


def test_new_codes_are_four_ascii_digits() -> None:
    codes = {POLICY.new_code() for _ in range(300)}
    assert all(len(c) == 4 and c.isascii() and c.isdigit() for c in codes)
    assert len(codes) > 100  # drawn at random, not a constant or a short cycle


def test_new_code_comes_from_secrets_over_the_whole_range_zero_padded(monkeypatch: pytest.MonkeyPatch) -> None:
    bounds: list[int] = []

    def randbelow(n: int) -> int:
        bounds.append(n)
        return 7

    monkeypatch.setattr(otp_module.secrets, "randbelow", randbelow)
    assert POLICY.new_code() == "0007"
    assert OtpPolicy(length=6).new_code() == "000007"
    assert bounds == [10_000, 1_000_000]


def test_the_policy_reads_a_typed_code_without_its_surrounding_spaces() -> None:
    assert POLICY.read_code(" 0421\t") == "0421"
    assert OtpPolicy(length=6).read_code("004821") == "004821"


@pytest.mark.parametrize("text", ["", "123", "12345", "12a4", "12 4", "١٢٣٤", "１２３４", "+123", "1.23"])
def test_the_policy_refuses_anything_but_its_length_in_ascii_digits(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        POLICY.read_code(text)
    assert caught.value.code == "INVALID_OTP_FORMAT"
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("otp_code", "The code must be exactly 4 digits")
    ]


def test_a_challenge_keeps_only_the_keyed_digest_of_the_code() -> None:
    challenge = issue()
    assert {f.name for f in dataclasses.fields(OtpChallenge)} == {
        "phone",
        "code_digest",
        "issued_at",
        "expires_at",
        "attempts",
        "consumed_at",
        "requested_from",
        "wrong_codes",  # times only, never a code
    }
    expected = hmac.new(KEY, f"otp:{PHONE.e164}\x1f{CODE}".encode(), hashlib.sha256).hexdigest()
    assert challenge.code_digest == expected
    assert challenge.code_digest != hashlib.sha256(CODE.encode()).hexdigest()  # keyed, not a plain hash
    assert challenge.code_digest != issue(code=CODE, phone=OTHER_PHONE).code_digest  # bound to the phone


def test_issue_sets_the_ten_minute_window_and_no_tries() -> None:
    challenge = issue()
    assert challenge.issued_at == NOW
    assert challenge.expires_at == NOW + timedelta(minutes=10)
    assert challenge.attempts == 0
    assert challenge.consumed_at is None
    assert challenge.attempts_left(POLICY) == 3


def test_the_right_code_verifies_once_and_marks_the_challenge_used() -> None:
    challenge = issue()
    later = NOW + timedelta(minutes=3)
    assert attempt(challenge, CODE, at=later) is OtpOutcome.VERIFIED
    assert challenge.consumed_at == later
    assert challenge.attempts == 0


def test_a_used_code_never_works_again_even_when_right_and_fresh() -> None:
    challenge = issue()
    assert attempt(challenge, CODE) is OtpOutcome.VERIFIED
    assert attempt(challenge, CODE) is OtpOutcome.ALREADY_USED
    assert attempt(challenge, WRONG) is OtpOutcome.ALREADY_USED
    assert attempt(challenge, CODE, at=NOW + timedelta(hours=1)) is OtpOutcome.ALREADY_USED
    assert challenge.attempts == 0


def test_wrong_codes_count_and_the_fourth_try_is_exhausted_without_counting() -> None:
    challenge = issue()
    assert [attempt(challenge, WRONG) for _ in range(3)] == [OtpOutcome.WRONG_CODE] * 3
    assert challenge.attempts == 3
    assert challenge.attempts_left(POLICY) == 0
    assert attempt(challenge, WRONG) is OtpOutcome.EXHAUSTED
    assert attempt(challenge, CODE) is OtpOutcome.EXHAUSTED  # even the right code, once the tries are gone
    assert challenge.attempts == 3
    assert challenge.consumed_at is None


def test_the_right_code_still_works_on_the_third_try() -> None:
    challenge = issue()
    assert attempt(challenge, WRONG) is OtpOutcome.WRONG_CODE
    assert attempt(challenge, WRONG) is OtpOutcome.WRONG_CODE
    assert challenge.attempts_left(POLICY) == 1
    assert attempt(challenge, CODE) is OtpOutcome.VERIFIED


def test_attempts_left_counts_down_and_never_goes_negative() -> None:
    challenge = issue()
    left = []
    for _ in range(3):
        attempt(challenge, WRONG)
        left.append(challenge.attempts_left(POLICY))
    assert left == [2, 1, 0]
    challenge.attempts = 7
    assert challenge.attempts_left(POLICY) == 0


def test_the_code_is_valid_until_just_before_expiry_and_expired_exactly_at_it() -> None:
    expires = NOW + timedelta(minutes=10)
    fresh = issue()
    assert attempt(fresh, CODE, at=expires - timedelta(microseconds=1)) is OtpOutcome.VERIFIED
    stale = issue()
    assert attempt(stale, CODE, at=expires) is OtpOutcome.EXPIRED
    assert stale.consumed_at is None


def test_an_expired_code_does_not_use_up_tries() -> None:
    challenge = issue()
    assert attempt(challenge, WRONG, at=NOW + timedelta(minutes=11)) is OtpOutcome.EXPIRED
    assert challenge.attempts == 0


def test_expiry_is_reported_before_exhaustion() -> None:
    challenge = issue()
    for _ in range(3):
        attempt(challenge, WRONG)
    assert attempt(challenge, CODE, at=NOW + timedelta(minutes=10)) is OtpOutcome.EXPIRED


def test_a_code_is_bound_to_its_phone() -> None:
    """A digest copied onto another phone's challenge does not verify the same code there."""
    stolen = issue()
    forged = OtpChallenge(OTHER_PHONE, stolen.code_digest, NOW, NOW + timedelta(minutes=10))
    assert attempt(forged, CODE) is OtpOutcome.WRONG_CODE


def test_a_code_issued_under_another_key_does_not_verify() -> None:
    challenge = OtpChallenge.issue(PHONE, CODE, now=NOW, policy=POLICY, digest=KeyedDigest(b"x" * 32))
    assert attempt(challenge, CODE) is OtpOutcome.WRONG_CODE


def test_the_policy_decides_how_many_tries() -> None:
    generous = OtpPolicy(max_attempts=5)
    challenge = issue(policy=generous)
    assert [attempt(challenge, WRONG, policy=generous) for _ in range(5)] == [OtpOutcome.WRONG_CODE] * 5
    assert attempt(challenge, CODE, policy=generous) is OtpOutcome.EXHAUSTED


def test_codes_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(keyed_digest.hmac, "compare_digest", spy)
    challenge = issue()
    assert attempt(challenge, WRONG) is OtpOutcome.WRONG_CODE
    assert attempt(challenge, CODE) is OtpOutcome.VERIFIED
    assert len(calls) == 2
    assert all(stored == challenge.code_digest for _, stored in calls)


@pytest.mark.parametrize(
    ("outcome", "left", "code", "message"),
    [
        (OtpOutcome.WRONG_CODE, 2, "OTP_INVALID", "Invalid code. 2 attempts remaining."),
        (OtpOutcome.WRONG_CODE, 1, "OTP_INVALID", "Invalid code. 1 attempt remaining."),
        (OtpOutcome.WRONG_CODE, 0, "OTP_ATTEMPTS_EXCEEDED", "Too many wrong attempts. Please request a new code."),
        (OtpOutcome.EXHAUSTED, 0, "OTP_ATTEMPTS_EXCEEDED", "Too many wrong attempts. Please request a new code."),
        (OtpOutcome.EXPIRED, 3, "OTP_EXPIRED", "This code has expired. Please request a new code."),
        (
            OtpOutcome.ALREADY_USED,
            3,
            "OTP_ALREADY_USED",
            "This code has already been used. Please request a new code.",
        ),
    ],
)
def test_each_refusal_has_its_own_code_and_message(
    outcome: OtpOutcome, left: int, code: str, message: str
) -> None:
    error = OtpRejected.for_outcome(outcome, left)
    assert error.kind is ErrorKind.INVALID
    assert error.code == code
    assert error.message == message
    assert str(error) == message


def test_a_specific_refusal_code_does_not_leak_into_the_class() -> None:
    OtpRejected.for_outcome(OtpOutcome.EXPIRED, 0)
    assert OtpRejected.code == "OTP_INVALID"


def test_no_code_requested_is_a_not_found_error() -> None:
    error = OtpNotRequested()
    assert error.kind is ErrorKind.NOT_FOUND
    assert error.code == "OTP_NOT_FOUND"
    assert "request a new code" in error.message


DAY_LIMIT = WrongCodeLimit(3, timedelta(hours=24))


def test_wrong_codes_lock_the_phone_until_the_oldest_counted_leaves_the_window() -> None:
    challenge = issue()
    for minutes in (0, 10, 20):
        assert challenge.locked_for(NOW + timedelta(minutes=minutes), DAY_LIMIT) == 0
        challenge.count_wrong_code(NOW + timedelta(minutes=minutes), DAY_LIMIT)
    later = NOW + timedelta(minutes=30)
    assert challenge.locked_for(later, DAY_LIMIT) == int(timedelta(hours=23, minutes=30).total_seconds())
    challenge.count_wrong_code(later, DAY_LIMIT)  # locked: not counted, the lock does not grow
    assert len(challenge.wrong_codes) == 3
    assert challenge.locked_for(NOW + timedelta(hours=24), DAY_LIMIT) == 0  # the first left the window
    assert challenge.locked_for(NOW + timedelta(hours=24) - timedelta(milliseconds=1), DAY_LIMIT) == 1


def test_codes_past_the_window_are_dropped_when_a_wrong_code_is_counted() -> None:
    challenge = issue()
    challenge.wrong_codes = (NOW - timedelta(hours=25), NOW - timedelta(hours=1))
    challenge.count_wrong_code(NOW, DAY_LIMIT)
    assert challenge.wrong_codes == (NOW - timedelta(hours=1), NOW)
    challenge.forget_wrong_codes()
    assert challenge.wrong_codes == ()
    assert challenge.locked_for(NOW, DAY_LIMIT) == 0
