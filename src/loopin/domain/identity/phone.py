"""Phone numbers as identities: one person, one E.164 string."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from loopin.domain.shared.errors import InvalidInput

DEFAULT_REGION = "IN"
_SEPARATOR = r"[ \t().-]"  # written between the digits and ignored: +91 (98123) 456-78
WRITTEN_FORM = rf"^{_SEPARATOR}*\+?{_SEPARATOR}*[0-9](?:[0-9]|{_SEPARATOR})*$"
"""The form of a number the API documents: digits, an optional leading ``+``, separators. ``PhoneNumber.parse``
also reads a few rarer forms (an extension, non-ASCII digits) and refuses a number so written that the numbering
plan does not know as a mobile number."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A validated number in E.164 form (``+919812345678``).

    Every entry point parses through here, so ``919812345678``, ``+91 98123-45678`` and ``09812345678``
    all name the same account.
    """

    e164: str

    @classmethod
    def parse(cls, raw: str, *, field: str = "phone_number") -> PhoneNumber:
        text = re.sub(_SEPARATOR, "", raw or "")
        if not text:
            raise InvalidInput.single(field, "Phone number is required", code="INVALID_PHONE_NUMBER")
        if text.startswith("00"):
            text = "+" + text[2:]
        elif not text.startswith(("+", "0")) and len(text) > 10:  # a leading 0 is the national trunk prefix
            text = "+" + text
        try:
            parsed = phonenumbers.parse(text, DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not _takes_sms(parsed):  # a mobile type is only given to a valid number
            raise InvalidInput.single(
                field, "Enter a valid mobile number with its country code", code="INVALID_PHONE_NUMBER"
            )
        return cls(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))

    def masked(self) -> str:
        """For logs and messages: keeps the country code and the last two digits."""
        return mask_phone(self.e164)

    def __str__(self) -> str:
        return self.e164


def _takes_sms(number: phonenumbers.PhoneNumber) -> bool:
    """The code goes by SMS: landlines, toll-free and premium numbers cannot receive it. ``number_type`` answers
    UNKNOWN for a number that is not valid (the same check as ``is_valid_number``, which would repeat it)."""
    kind = phonenumbers.number_type(number)
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def mask_phone(e164: str) -> str:
    if len(e164) <= 6:
        return "*" * len(e164)
    return e164[:3] + "*" * (len(e164) - 5) + e164[-2:]


def digits_of(text: str) -> str:
    """The digits of a text as a stored E.164 number holds them (``98123 45678``): ASCII only, since
    ``str.isdigit`` also takes ``٤`` or ``²``, which no stored number contains."""
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())
