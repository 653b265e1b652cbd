"""The bank-account form: every field's rule, every problem reported at once, the number only ever masked."""

from __future__ import annotations

from typing import Any

import pytest

from loopin.adapters.security.account_vault import AesGcmAccountVault
from loopin.domain.payouts.bank_account import BankDetails, mask
from loopin.domain.shared.errors import InvalidInput

GOOD = {
    "bank_name": "State Bank of India",
    "account_number": "123456789012",
    "ifsc_code": "SBIN0001234",
    "account_holder_name": "Asha Rao",
    "is_primary": False,
}


def parse(**changes: Any) -> BankDetails:
    return BankDetails.parse(**{**GOOD, **changes})


def problems(**changes: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse(**changes)
    return {p.field: p.message for p in caught.value.problems}


def test_the_apps_form_is_taken_as_sent() -> None:
    d = parse()
    assert (d.bank_name, d.account_number, d.ifsc_code, d.account_holder_name) == (
        "State Bank of India",
        "123456789012",
        "SBIN0001234",
        "Asha Rao",
    )
    assert d.last4 == "9012"


def test_lower_case_ifsc_and_spaced_numbers_are_normalised() -> None:
    d = parse(ifsc_code=" hdfc0abc123 ", account_number="1234 5678 9012", bank_name="  HDFC   Bank ")
    assert (d.ifsc_code, d.account_number, d.bank_name) == ("HDFC0ABC123", "123456789012", "HDFC Bank")


@pytest.mark.parametrize(
    "number", ["1234567", "1" * 31, "12345678x", "١٢٣٤٥٦٧٨٩", "12345678²", "", "-12345678", "1234\x005678"]
)
def test_account_numbers_are_8_to_30_ascii_digits(number: str) -> None:
    assert set(problems(account_number=number)) == {"account_number"}


@pytest.mark.parametrize(
    "ifsc", ["SBIN1001234", "SBI00001234", "SBIN000123", "SBIN00012345", "SBIN0-01234", "", "ＳBIN0001234"]
)
def test_ifsc_is_four_letters_a_zero_and_six_letters_or_digits(ifsc: str) -> None:
    assert set(problems(ifsc_code=ifsc)) == {"ifsc_code"}


def test_every_problem_is_listed_with_its_own_message() -> None:
    found = problems(bank_name="x", account_number="12", ifsc_code="nope", account_holder_name=" ")
    assert set(found) == {"bank_name", "account_number", "ifsc_code", "account_holder_name"}
    assert "8 to 30 digits" in found["account_number"]
    assert "IFSC" in found["ifsc_code"]
    assert "12" not in found["account_number"]  # a message never repeats the number


def test_the_number_is_masked_in_every_representation() -> None:
    d = parse()
    assert mask(d.last4) == "XXXXXX9012"
    assert "123456789012" not in repr(d)
    assert "XXXXXX9012" in repr(d)


def test_the_vault_opens_only_for_the_host_it_sealed_for() -> None:
    vault = AesGcmAccountVault(b"k" * 32)
    sealed = vault.seal("123456789012", host_id=7)
    assert b"123456789012" not in sealed
    assert vault.open(sealed, host_id=7) == "123456789012"
    with pytest.raises(ValueError, match="does not open"):
        vault.open(sealed, host_id=8)
    with pytest.raises(ValueError, match="does not open"):
        vault.open(sealed[:-1] + bytes([sealed[-1] ^ 1]), host_id=7)
    assert vault.seal("123456789012", host_id=7) != sealed  # a fresh nonce every time
    assert vault.fingerprint("SBIN0001234", "123456789012") == vault.fingerprint("SBIN0001234", "123456789012")
    assert AesGcmAccountVault(b"j" * 32).fingerprint("SBIN0001234", "123456789012") != vault.fingerprint(
        "SBIN0001234", "123456789012"
    )
