"""A host's bank account: where payouts go. The number itself is only ever held encrypted (the vault's
ciphertext) beside its last four digits; everything shown is ``XXXXXX1234``.

The form is checked field by field and every problem is reported at once (the app shows them as a list).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from loopin.domain.shared.errors import FieldProblem, InvalidInput

IFSC = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")
ACCOUNT_DIGITS = re.compile(r"[0-9]{8,30}")  # ASCII digits only (``isdigit`` would take ``٣`` or ``²``)
NAME_MIN, NAME_MAX = 2, 100
MASK = "XXXXXX"


def mask(last4: str) -> str:
    """What anyone is shown of an account number."""
    return MASK + last4


@dataclass(frozen=True, slots=True)
class BankDetails:
    """A checked form. ``account_number`` is the plain number: it goes to the vault and nowhere else."""

    bank_name: str
    account_number: str
    ifsc_code: str
    account_holder_name: str
    is_primary: bool

    def __repr__(self) -> str:  # never the number, even in a traceback's locals
        return f"BankDetails({self.bank_name!r}, {mask(self.last4)}, {self.ifsc_code})"

    @property
    def last4(self) -> str:
        return self.account_number[-4:]

    @classmethod
    def parse(
        cls, *, bank_name: str, account_number: str, ifsc_code: str, account_holder_name: str, is_primary: bool
    ) -> BankDetails:
        problems: list[FieldProblem] = []
        bank = _name(bank_name, "bank_name", "Bank name", problems)
        holder = _name(account_holder_name, "account_holder_name", "Account holder name", problems)
        number = account_number.replace(" ", "")
        if not ACCOUNT_DIGITS.fullmatch(number):
            problems.append(FieldProblem("account_number", "Account number must be 8 to 30 digits (0-9 only)."))
        ifsc = ifsc_code.strip().upper()
        if not IFSC.fullmatch(ifsc):
            problems.append(
                FieldProblem(
                    "ifsc_code",
                    "IFSC code must be 11 characters: 4 letters, the digit 0, then 6 letters or digits "
                    "(e.g. SBIN0001234).",
                )
            )
        if problems:
            raise InvalidInput(problems)
        return cls(bank, number, ifsc, holder, is_primary)


def _name(raw: str, field: str, label: str, problems: list[FieldProblem]) -> str:
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not NAME_MIN <= len(text) <= NAME_MAX or not text.isprintable():
        problems.append(FieldProblem(field, f"{label} must be {NAME_MIN} to {NAME_MAX} printable characters."))
    return text


@dataclass(slots=True)
class BankAccount:
    """``sealed_number`` is the vault's ciphertext (bound to the host), ``fingerprint`` a keyed digest of IFSC
    and number that finds the same account added twice without decrypting anything."""

    id: int
    host_id: int
    bank_name: str
    ifsc_code: str
    account_holder_name: str
    last4: str
    sealed_number: bytes
    fingerprint: str
    is_primary: bool = False
    is_active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    removed_at: datetime | None = None

    def __repr__(self) -> str:
        return f"BankAccount(id={self.id}, host_id={self.host_id}, {self.masked_number}, {self.ifsc_code})"

    @property
    def masked_number(self) -> str:
        return mask(self.last4)

    def make_primary(self, now: datetime) -> None:
        self.is_primary, self.updated_at = True, now

    def demote(self, now: datetime) -> None:
        self.is_primary, self.updated_at = False, now

    def remove(self, now: datetime) -> None:
        """Soft: payouts already made to it keep pointing at it."""
        self.is_active, self.is_primary, self.removed_at, self.updated_at = False, False, now, now
