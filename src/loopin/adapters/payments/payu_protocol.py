"""PayU's hosted-checkout protocol, shared by the PayU adapter and the sandbox (facts and sources in
``docs/payments.md``).

    request  = sha512(key|txnid|amount|productinfo|firstname|email|udf1|udf2|udf3|udf4|udf5||||||SALT)
    reverse  = sha512([additionalCharges|]SALT|status||||||udf5|udf4|udf3|udf2|udf1|email|firstname|
                      productinfo|amount|txnid|key)
    command  = sha512(key|command|var1|SALT)

Lowercase hex, UTF-8. The reverse hash is computed over the values exactly as posted back (and our own key),
and compared in constant time. Values we send are cleaned first so that a ``|`` or a control character in an
event title or a name can never shift the hash fields (spec weakness W34).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from loopin.domain.identity.phone import digits_of
from loopin.domain.payments.errors import ForgedNotice
from loopin.domain.shared.money import CENT
from loopin.usecases.payments.ports import CheckoutRequest, Outcome, PaymentNotice

SUCCESS_PATH = "/api/payments/payu/success"
FAILURE_PATH = "/api/payments/payu/failure"
WEBHOOK_PATH = "/api/payments/payu/webhook"

NOTICE_REQUIRED = ("key", "txnid", "amount", "productinfo", "firstname", "email", "status", "hash")
# What is worth keeping of a notice (never the hash, never card data).
NOTICE_KEPT = (
    "mihpayid",
    "mode",
    "status",
    "unmappedstatus",
    "txnid",
    "amount",
    "net_amount_debit",
    "addedon",
    "bank_ref_num",
    "bankcode",
    "PG_TYPE",
    "error",
    "error_Message",
    "field9",
)
MAX_FIELDS, MAX_NAME, MAX_VALUE = 200, 64, 2000
LIMITS = {"txnid": 25, "productinfo": 100, "firstname": 60, "email": 50, "phone": 50}
_HEX128 = re.compile(r"[0-9a-f]{128}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_OUTCOMES = {
    "success": Outcome.SUCCESS,
    "failure": Outcome.FAILURE,
    "failed": Outcome.FAILURE,
    "pending": Outcome.PENDING,
}


def sha512(*parts: str) -> str:
    return hashlib.sha512("|".join(parts).encode("utf-8")).hexdigest()


class PayUSigner:
    """The three hashes, under one merchant key and salt."""

    def __init__(self, key: str, salt: str) -> None:
        if not key or not salt:
            raise ValueError("PayU needs a merchant key and a salt")
        self.key = key
        self._salt = salt

    def request_hash(self, fields: Mapping[str, str]) -> str:
        udf = [fields.get(f"udf{i}", "") for i in range(1, 6)]
        head = [fields["txnid"], fields["amount"], fields["productinfo"], fields["firstname"], fields["email"]]
        return sha512(self.key, *head, *udf, "", "", "", "", "", self._salt)

    def reverse_hash(self, fields: Mapping[str, str]) -> str:
        udf = [fields.get(f"udf{i}", "") for i in range(5, 0, -1)]
        tail = [fields["email"], fields["firstname"], fields["productinfo"], fields["amount"], fields["txnid"]]
        parts = [self._salt, fields["status"], "", "", "", "", "", *udf, *tail, self.key]
        charges = fields.get("additionalCharges", "")
        return sha512(charges, *parts) if charges else sha512(*parts)

    def command_hash(self, command: str, var1: str) -> str:
        return sha512(self.key, command, var1, self._salt)


def clean_text(value: str, limit: int) -> str:
    """Printable ASCII without ``|``, spaces collapsed, at most ``limit`` characters: what PayU displays
    and hashes stays byte-identical on both sides whatever the title or the name contains."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    printable = "".join(c if c.isprintable() and c != "|" else " " for c in ascii_text)
    return " ".join(printable.split())[:limit].strip()


def checkout_fields(signer: PayUSigner, request: CheckoutRequest) -> dict[str, str]:
    """The ten fields the app posts to the checkout page, signed."""
    txnid = request.txnid
    if not (txnid.isascii() and txnid.isalnum() and 0 < len(txnid) <= LIMITS["txnid"]):
        raise ValueError("a txnid is 1-25 ASCII letters and digits")
    email = request.email.strip()
    if len(email) > LIMITS["email"] or not _EMAIL.fullmatch(email):
        raise ValueError("PayU needs an email of at most 50 characters")
    amount = request.amount.quantize(CENT)
    if amount != request.amount or amount <= 0:
        raise ValueError("an amount in paise, above zero")
    base = request.base_url.rstrip("/")
    fields = {
        "key": signer.key,
        "txnid": txnid,
        "amount": str(amount),
        "productinfo": clean_text(request.productinfo, LIMITS["productinfo"]) or "Event ticket",
        "firstname": clean_text(request.firstname, LIMITS["firstname"]) or "Guest",
        "email": email,
        "phone": digits_of(request.phone)[: LIMITS["phone"]],
        "surl": base + SUCCESS_PATH,
        "furl": base + FAILURE_PATH,
    }
    fields["hash"] = signer.request_hash(fields)
    return fields


def parse_amount(raw: str) -> Decimal:
    """PayU's amounts are rupee strings with up to two decimals (``548.90``)."""
    try:
        amount = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {raw[:20]!r}") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT) or amount > Decimal(10) ** 9:
        raise ValueError(f"not an amount: {raw[:20]!r}")
    return amount.quantize(CENT)


def outcome_of(status: str) -> Outcome:
    """Anything but success/failure/pending decides nothing (treated as pending; verify settles it)."""
    return _OUTCOMES.get(status.strip().lower(), Outcome.PENDING)


def read_notice(signer: PayUSigner, fields: Mapping[str, str]) -> PaymentNotice:
    """Verifies what PayU posted back (redirect or webhook). ``ForgedNotice`` for anything that does not."""
    if len(fields) > MAX_FIELDS or any(
        not isinstance(k, str) or not isinstance(v, str) or len(k) > MAX_NAME or len(v) > MAX_VALUE
        for k, v in fields.items()
    ):
        raise ForgedNotice("The payment response is malformed.")
    missing = [name for name in NOTICE_REQUIRED if name not in fields]
    if missing:
        raise ForgedNotice(f"The payment response lacks {', '.join(missing)}.")
    if not hmac.compare_digest(fields["key"].encode(), signer.key.encode()):
        raise ForgedNotice()
    given = fields["hash"].strip().lower()
    if not _HEX128.fullmatch(given) or not hmac.compare_digest(signer.reverse_hash(fields), given):
        raise ForgedNotice()
    try:
        amount = parse_amount(fields["amount"])
    except ValueError:
        raise ForgedNotice("The payment response carries no valid amount.") from None
    details = {name: clean_text(fields[name], 200) for name in NOTICE_KEPT if fields.get(name)}
    return PaymentNotice(
        txnid=fields["txnid"],
        outcome=outcome_of(fields["status"]),
        amount=amount,
        gateway_payment_id=clean_text(fields.get("mihpayid", ""), 64),
        message=clean_text(fields.get("error_Message", "") or fields.get("field9", ""), 200),
        details=details,
    )
