"""KeyedDigest: HMAC-SHA256 under a server key, bound to a context, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from loopin.domain.shared import keyed_digest
from loopin.domain.shared.keyed_digest import KeyedDigest

KEY = bytes(range(32))


def test_the_digest_is_hmac_sha256_of_context_and_secret() -> None:
    expected = hmac.new(KEY, b"otp:+919812345678\x1f1234", hashlib.sha256).hexdigest()
    assert KeyedDigest(KEY).digest("1234", context="otp:+919812345678") == expected


def test_the_digest_is_stable_and_hex() -> None:
    digest = KeyedDigest(KEY)
    first = digest.digest("1234", context="c")
    assert first == digest.digest("1234", context="c")
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_key_context_and_secret_each_change_the_digest() -> None:
    base = KeyedDigest(KEY).digest("1234", context="a")
    assert KeyedDigest(KEY[::-1]).digest("1234", context="a") != base
    assert KeyedDigest(KEY).digest("1234", context="b") != base
    assert KeyedDigest(KEY).digest("1235", context="a") != base


def test_context_and_secret_cannot_be_shifted_into_each_other() -> None:
    digest = KeyedDigest(KEY)
    assert digest.digest("1234", context="otp:+9198") != digest.digest("981234", context="otp:+91")


def test_matches_only_the_same_secret_in_the_same_context() -> None:
    digest = KeyedDigest(KEY)
    stored = digest.digest("1234", context="a")
    assert digest.matches("1234", stored, context="a")
    assert not digest.matches("1235", stored, context="a")
    assert not digest.matches("1234", stored, context="b")
    assert not digest.matches("1234", stored[:-1], context="a")
    assert not KeyedDigest(KEY[::-1]).matches("1234", stored, context="a")


def test_matching_uses_a_constant_time_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(keyed_digest.hmac, "compare_digest", spy)
    digest = KeyedDigest(KEY)
    stored = digest.digest("1234", context="a")
    assert digest.matches("1234", stored, context="a")
    assert calls == [(stored, stored)]


def test_keys_shorter_than_16_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        KeyedDigest(b"x" * 15)
    KeyedDigest(b"x" * 16)  # the minimum is accepted
