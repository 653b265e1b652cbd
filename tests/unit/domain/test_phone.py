"""PhoneNumber: every spelling of one Indian mobile number is one E.164 identity; nonsense is refused."""

from __future__ import annotations

import dataclasses

import pytest

from loopin.domain.identity.phone import PhoneNumber, digits_of, mask_phone
from loopin.domain.shared.errors import ErrorKind, InvalidInput

E164 = "+919812345678"


@pytest.mark.parametrize(
    "raw",
    [
        "+919812345678",
        "+91 98123-45678",
        "919812345678",
        "9812345678",
        "0091 98123 45678",
        "+91 (98123) 45678",
        "  +91.98123.45678\t",
        "09812345678",
    ],
)
def test_every_spelling_of_an_indian_mobile_is_one_e164_number(raw: str) -> None:
    assert PhoneNumber.parse(raw).e164 == E164


def test_spellings_compare_and_hash_equal() -> None:
    a, b, c = PhoneNumber.parse("+91 98123-45678"), PhoneNumber.parse("919812345678"), PhoneNumber.parse(E164)
    assert a == b == c
    assert len({a, b, c}) == 1
    assert str(a) == E164


def test_numbers_of_other_countries_keep_their_country_code() -> None:
    assert PhoneNumber.parse("+44 7911 123456").e164 == "+447911123456"
    assert PhoneNumber.parse("0044 7911 123456").e164 == "+447911123456"


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "abc",
        "+91 98123 4567",  # one digit short
        "+9198123456789",  # one digit too many
        "98123456789",  # 11 digits, read as an international number that does not exist
        "+91 98123 4567a",
        "+",
    ],
)
def test_invalid_numbers_are_refused_with_a_field_error(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        PhoneNumber.parse(raw)
    error = caught.value
    assert error.kind is ErrorKind.INVALID_INPUT
    assert error.code == "INVALID_PHONE_NUMBER"
    assert [p.field for p in error.problems] == ["phone_number"]
    assert "valid mobile number" in error.problems[0].message


@pytest.mark.parametrize("raw", ["", "   ", " - ( ) . "])
def test_a_missing_number_is_reported_as_required(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        PhoneNumber.parse(raw)
    assert caught.value.code == "INVALID_PHONE_NUMBER"
    assert caught.value.problems[0].message == "Phone number is required"


def test_the_error_names_the_field_the_caller_chose() -> None:
    with pytest.raises(InvalidInput) as caught:
        PhoneNumber.parse("12", field="mobile")
    assert caught.value.problems[0].field == "mobile"


def test_a_phone_number_is_immutable() -> None:
    phone = PhoneNumber.parse(E164)
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.e164 = "+911111111111"  # type: ignore[misc]


def test_masking_keeps_only_the_country_code_and_last_two_digits() -> None:
    masked = PhoneNumber.parse(E164).masked()
    assert masked == "+91********78"
    assert len(masked) == len(E164)
    assert "98123456" not in masked


@pytest.mark.parametrize("short", ["", "+1", "+12345"])
def test_masking_a_short_string_hides_everything(short: str) -> None:
    assert mask_phone(short) == "*" * len(short)


@pytest.mark.parametrize("raw", ["+91 11 2338 2338", "+91 1800 180 1961", "+44 20 7946 0018"])
def test_numbers_that_cannot_receive_an_sms_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        PhoneNumber.parse(raw)


@pytest.mark.parametrize("raw", ["+1 650 253 0000", "+44 7911 123456"])
def test_mobile_numbers_of_other_countries_are_accepted(raw: str) -> None:
    assert PhoneNumber.parse(raw).e164 == "+" + "".join(ch for ch in raw if ch.isdigit())


@pytest.mark.parametrize(
    ("text", "digits"), [("+91 98123-45678", "919812345678"), ("98123 ٤٥", "98123"), ("Asha ²", ""), ("", "")]
)
def test_the_digits_of_a_text_are_those_a_stored_number_holds(text: str, digits: str) -> None:
    """ASCII digits only (an E.164 number has no others): the staff phone search and PayU's phone field."""
    assert digits_of(text) == digits
