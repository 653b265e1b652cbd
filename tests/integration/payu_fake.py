"""A stand-in for PayU's command API (``postservice.php?form=2``) on an httpx MockTransport.

It checks every request's command hash against PayU's documented formula, computed here independently of the
adapter, and answers in the documented shapes (verify_payment, cancel_refund_transaction, check_action_status).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx


def sha512_hex(text: str) -> str:
    return hashlib.sha512(text.encode("utf-8")).hexdigest()


def payu_request_hash(key: str, salt: str, f: dict[str, str]) -> str:
    """``key|txnid|amount|productinfo|firstname|email|udf1..udf5||||||SALT``; empty udfs: 11 pipes after email."""
    return sha512_hex(
        f"{key}|{f['txnid']}|{f['amount']}|{f['productinfo']}|{f['firstname']}|{f['email']}|||||||||||{salt}"
    )


def payu_reverse_hash(key: str, salt: str, status: str, f: dict[str, str]) -> str:
    """``SALT|status||||||udf5|udf4|udf3|udf2|udf1|email|firstname|productinfo|amount|txnid|key``: 11 pipes
    between status and email when the udfs are empty."""
    return sha512_hex(
        f"{salt}|{status}|||||||||||{f['email']}|{f['firstname']}|{f['productinfo']}|{f['amount']}|{f['txnid']}|{key}"
    )


def payu_command_hash(key: str, salt: str, command: str, var1: str) -> str:
    return sha512_hex(f"{key}|{command}|{var1}|{salt}")


@dataclass
class FakePayU:
    key: str
    salt: str
    payments: dict[str, dict[str, str]] = field(default_factory=dict)  # txnid -> transaction_details entry
    refunds: dict[str, dict[str, str]] = field(default_factory=dict)  # token -> action entry
    refund_code: int = 102
    requests: list[dict[str, str]] = field(default_factory=list)
    fail_with: int | None = None  # an HTTP status to answer every request with
    garbage: bool = False

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert str(request.url).endswith("/merchant/postservice.php?form=2")
        form = {k: v[0] for k, v in parse_qs(request.content.decode(), keep_blank_values=True).items()}
        self.requests.append(form)
        if self.fail_with:
            return httpx.Response(self.fail_with, text="<html>busy</html>")
        if self.garbage:
            return httpx.Response(200, text="<html>not json</html>")
        if form.get("key") != self.key or form.get("hash") != payu_command_hash(
            self.key, self.salt, form["command"], form["var1"]
        ):
            return httpx.Response(200, text=json.dumps({"status": 0, "msg": "Invalid Hash."}))
        answer = getattr(self, "_" + form["command"])(form)
        return httpx.Response(200, text=json.dumps(answer), headers={"content-type": "text/html"})

    def _verify_payment(self, form: dict[str, str]) -> dict[str, object]:
        txnid = form["var1"]
        if txnid not in self.payments:
            return {
                "status": 0,
                "msg": "0 out of 1 Transactions Fetched Successfully",
                "transaction_details": {txnid: {"mihpayid": "Not Found", "status": "Not Found"}},
            }
        return {
            "status": 1,
            "msg": "1 out of 1 Transactions Fetched Successfully",
            "transaction_details": {txnid: self.payments[txnid]},
        }

    def _cancel_refund_transaction(self, form: dict[str, str]) -> dict[str, object]:
        token = form["var2"]
        if token in self.refunds:
            return {"status": 0, "msg": "Token already exists.", "error_code": 106}
        if self.refund_code not in (100, 101, 102):
            return {"status": 0, "msg": "Invalid amount", "error_code": self.refund_code}
        request_id = str(131278400 + len(self.refunds))
        self.refunds[token] = {
            "mihpayid": form["var1"],
            "request_id": request_id,
            "amt": form["var3"],
            "action": "refund",
            "token": token,
            "status": "success" if self.refund_code == 100 else "queued",
        }
        return {
            "status": 1,
            "msg": "Refund Request Queued",
            "request_id": request_id,
            "bank_ref_num": None,
            "mihpayid": form["var1"],
            "error_code": self.refund_code,
        }

    def _check_action_status(self, form: dict[str, str]) -> dict[str, object]:
        mihpayid = form["var1"]
        actions = {a["request_id"]: a for a in self.refunds.values() if a["mihpayid"] == mihpayid}
        actions["131278418"] = {"mihpayid": mihpayid, "request_id": "131278418", "action": "capture", "token": ""}
        return {"status": 1, "msg": "Fetched", "transaction_details": {mihpayid: actions}}

    def record(self, txnid: str, amount: str, status: str, mihpayid: str) -> None:
        self.payments[txnid] = {
            "mihpayid": mihpayid,
            "request_id": "",
            "bank_ref_num": "721522" if status == "success" else "",
            "amt": amount,
            "transaction_amount": amount,
            "txnid": txnid,
            "additional_charges": "0.00",
            "error_code": "E000",
            "error_Message": "NO ERROR" if status == "success" else "Bank declined",
            "status": status,
            "unmappedstatus": {"success": "captured", "failure": "failed", "pending": "pending"}[status],
        }
