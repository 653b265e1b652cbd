"""Contract of the ``PaymentGateway`` port, run against PayU (its API faked on an httpx MockTransport) and the
sandbox (records in memory and in Redis).

Every hash is checked against a value computed here from PayU's documented formula (``payu_fake``), never
by calling the adapter's own hasher; forged, truncated and re-ordered payloads are refused.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal as D

import httpx
import pytest
from redis.asyncio import Redis

from loopin.adapters.payments.payu import PayUGateway
from loopin.adapters.payments.payu_protocol import PayUSigner
from loopin.adapters.payments.sandbox import (
    SANDBOX_KEY,
    MemorySandboxRecords,
    RedisSandboxRecords,
    SandboxGateway,
)
from loopin.domain.payments.errors import ForgedNotice
from loopin.usecases.payments.ports import (
    CHECKOUT_FIELDS,
    CheckoutRequest,
    GatewayUnavailable,
    Outcome,
    PaymentGateway,
    RefundOutcome,
)
from tests.integration.payu_fake import (
    FakePayU,
    payu_command_hash,
    payu_request_hash,
    payu_reverse_hash,
    sha512_hex,
)
from tests.support import TEST_REDIS_URL

BASE = "https://app.loopinsocial.in"
SALT = "4R38IvwiV57FwVpsgOvTXBdLE4tHUXFW"


def request(**overrides: object) -> CheckoutRequest:
    values: dict[str, object] = {
        "txnid": "LP300101ABCDEFGHJKLM",
        "amount": D("548.90"),
        "productinfo": "Event Ticket: Sunset Jam",
        "firstname": "Asha",
        "email": "asha@example.com",
        "phone": "+919876543210",
        "base_url": BASE + "/",
    }
    values.update(overrides)
    return CheckoutRequest(**values)  # type: ignore[arg-type]


@dataclass
class Case:
    name: str
    gateway: PaymentGateway
    key: str
    checkout_url: str
    settle: Callable[[dict[str, str], str], Awaitable[str]]  # makes the gateway's own record say ``status``

    def notice(self, fields: dict[str, str], status: str, **overrides: str) -> dict[str, str]:
        """What PayU posts back, signed per the documented reverse-hash formula."""
        base = {k: fields[k] for k in ("txnid", "amount", "productinfo", "firstname", "email", "phone")}
        notice = {
            "mihpayid": "403993715521889530",
            "mode": "UPI",
            "status": status,
            "unmappedstatus": "captured",
            "key": self.key,
            **base,
            "udf1": "",
            "udf2": "",
            "udf3": "",
            "udf4": "",
            "udf5": "",
            "bank_ref_num": "721522",
            "error": "E000",
            "error_Message": "No Error",
            "cardnum": "512345XXXXXX2346",
        }
        notice["hash"] = payu_reverse_hash(self.key, SALT, status, notice)
        notice.update(overrides)
        return notice


@pytest.fixture(params=["payu", "sandbox-memory", "sandbox-redis"])
async def case(request: pytest.FixtureRequest) -> AsyncIterator[Case]:
    if request.param == "payu":
        fake = FakePayU("gtKFFx", SALT)
        gateway = PayUGateway("gtKFFx", SALT, "test", transport=fake.transport())

        async def settle_payu(fields: dict[str, str], status: str) -> str:
            mihpayid = str(403993715521889530 + len(fake.payments))
            fake.record(fields["txnid"], fields["amount"], status, mihpayid)
            return mihpayid

        yield Case("payu", gateway, "gtKFFx", "https://test.payu.in/_payment", settle_payu)
        await gateway.close()
        return
    redis = Redis.from_url(TEST_REDIS_URL)
    isolated = type("IsolatedRecords", (RedisSandboxRecords,), {"PREFIX": f"test:{secrets.token_hex(4)}"})
    records = isolated(redis) if request.param == "sandbox-redis" else MemorySandboxRecords()
    sandbox = SandboxGateway(SALT, records)

    async def settle_sandbox(fields: dict[str, str], status: str) -> str:
        response = await sandbox.complete(fields, pay=status == "success")
        return response.fields["mihpayid"]

    yield Case(request.param, sandbox, SANDBOX_KEY, BASE + "/api/payments/sandbox/checkout", settle_sandbox)
    await redis.aclose()


# --- checkout ----------------------------------------------------------------------------------------------------


def test_the_checkout_form_is_the_ten_fields_signed_per_payus_formula(case: Case) -> None:
    checkout = case.gateway.checkout(request())
    fields = dict(checkout.fields)
    assert checkout.url == case.checkout_url
    assert tuple(fields) == CHECKOUT_FIELDS
    assert fields == {
        "key": case.key,
        "txnid": "LP300101ABCDEFGHJKLM",
        "amount": "548.90",
        "productinfo": "Event Ticket: Sunset Jam",
        "firstname": "Asha",
        "email": "asha@example.com",
        "phone": "919876543210",
        "surl": BASE + "/api/payments/payu/success",
        "furl": BASE + "/api/payments/payu/failure",
        "hash": payu_request_hash(case.key, SALT, fields),
    }
    assert fields["hash"] == fields["hash"].lower()
    assert len(fields["hash"]) == 128


def test_the_checkout_cleans_what_could_shift_the_hash_fields(case: Case) -> None:
    fields = case.gateway.checkout(
        request(productinfo="Event Ticket: Jazz | Blues\x00 Night 🎷 " + "x" * 200, firstname="Zoë|\n  Kapoor")
    ).fields
    assert fields["productinfo"].startswith("Event Ticket: Jazz Blues Night x")
    assert len(fields["productinfo"]) == 100
    assert fields["firstname"] == "Zoe Kapoor"
    assert "|" not in "".join(fields.values())
    assert fields["hash"] == payu_request_hash(case.key, SALT, dict(fields))


def test_a_name_with_nothing_payu_can_show_falls_back(case: Case) -> None:
    fields = case.gateway.checkout(request(firstname="राज", productinfo="🎉")).fields
    assert (fields["firstname"], fields["productinfo"]) == ("Guest", "Event ticket")


@pytest.mark.parametrize(
    "bad",
    [
        {"txnid": "LP|1"},
        {"txnid": "A" * 26},
        {"txnid": ""},
        {"email": "not-an-email"},
        {"email": "a" * 40 + "@example.com"},
        {"amount": D("0.00")},
        {"amount": D("1.005")},
    ],
)
def test_the_checkout_refuses_what_payu_would(case: Case, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"txnid|email|amount"):
        case.gateway.checkout(request(**bad))


# --- notices (surl, furl, webhook) -------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "outcome"), [("success", Outcome.SUCCESS), ("failure", Outcome.FAILURE)])
def test_a_signed_notice_verifies(case: Case, status: str, outcome: Outcome) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    notice = case.gateway.read_notice(case.notice(fields, status))
    assert (notice.txnid, notice.outcome, notice.amount) == ("LP300101ABCDEFGHJKLM", outcome, D("548.90"))
    assert notice.gateway_payment_id == "403993715521889530"
    assert notice.details["bank_ref_num"] == "721522"
    assert "hash" not in notice.details
    assert "cardnum" not in notice.details


def test_a_hash_in_upper_case_still_verifies(case: Case) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    notice = case.notice(fields, "success")
    notice["hash"] = notice["hash"].upper()
    assert case.gateway.read_notice(notice).outcome is Outcome.SUCCESS


def test_the_additional_charges_variant_verifies(case: Case) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    notice = case.notice(fields, "success", additionalCharges="11.00")
    n = notice
    notice["hash"] = sha512_hex(
        f"11.00|{SALT}|success|||||||||||{n['email']}|{n['firstname']}|{n['productinfo']}|{n['amount']}"
        f"|{n['txnid']}|{case.key}"
    )
    assert case.gateway.read_notice(notice).amount == D("548.90")


FORGERIES: dict[str, Callable[[dict[str, str], str], dict[str, str]]] = {
    "a failure hash with status success (W1)": lambda n, key: {
        **n,
        "hash": payu_reverse_hash(key, SALT, "failure", n),
        "status": "success",
    },
    "another amount": lambda n, key: {**n, "amount": "1.00"},
    "another txnid": lambda n, key: {**n, "txnid": "LP300101ZZZZZZZZZZZZ"},
    "another email": lambda n, key: {**n, "email": "eve@example.com"},
    "another merchant key": lambda n, key: {**n, "key": "EVIL01"},
    "signed with another salt": lambda n, key: {
        **n,
        "hash": sha512_hex(
            f"wrongsalt|{n['status']}|||||||||||{n['email']}|{n['firstname']}|{n['productinfo']}|{n['amount']}"
            f"|{n['txnid']}|{key}"
        ),
    },
    "re-ordered: the request-hash order": lambda n, key: {
        **n,
        "hash": sha512_hex(
            f"{key}|{n['txnid']}|{n['amount']}|{n['productinfo']}|{n['firstname']}|{n['email']}|||||||||||{SALT}"
        ),
    },
    "re-ordered: txnid and amount swapped": lambda n, key: {
        **n,
        "hash": sha512_hex(
            f"{SALT}|{n['status']}|||||||||||{n['email']}|{n['firstname']}|{n['productinfo']}|{n['txnid']}"
            f"|{n['amount']}|{key}"
        ),
    },
    "re-ordered: one pipe too few": lambda n, key: {
        **n,
        "hash": sha512_hex(
            f"{SALT}|{n['status']}||||||||||{n['email']}|{n['firstname']}|{n['productinfo']}|{n['amount']}"
            f"|{n['txnid']}|{key}"
        ),
    },
    "a udf slipped in": lambda n, key: {**n, "udf1": "seat=VIP"},
    "a truncated hash": lambda n, key: {**n, "hash": n["hash"][:127]},
    "a hash that is not hex": lambda n, key: {**n, "hash": "z" * 128},
    "an empty hash": lambda n, key: {**n, "hash": ""},
    "an amount that is no number": lambda n, key: {
        **n,
        "amount": "NaN",
        "hash": payu_reverse_hash(key, SALT, n["status"], {**n, "amount": "NaN"}),
    },
    "an absurdly long field": lambda n, key: {**n, "field9": "x" * 5000},
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_forged_notices_are_refused(case: Case, forgery: str) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    forged = FORGERIES[forgery](case.notice(fields, "success"), case.key)
    with pytest.raises(ForgedNotice):
        case.gateway.read_notice(forged)


TRUNCATIONS = ["key", "txnid", "amount", "productinfo", "firstname", "email", "status", "hash"]


@pytest.mark.parametrize("missing", TRUNCATIONS)
def test_truncated_notices_are_refused(case: Case, missing: str) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    notice = case.notice(fields, "success")
    del notice[missing]
    with pytest.raises(ForgedNotice):
        case.gateway.read_notice(notice)


def test_an_unknown_status_decides_nothing(case: Case) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    notice = case.notice(fields, "userCancelledMaybe")
    assert case.gateway.read_notice(notice).outcome is Outcome.PENDING


# --- verify and refunds ------------------------------------------------------------------------------------------


async def test_verify_answers_from_the_gateways_own_record(case: Case) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    before = await case.gateway.verify(fields["txnid"])
    assert before.outcome is Outcome.NOT_FOUND
    mihpayid = await case.settle(fields, "success")
    verdict = await case.gateway.verify(fields["txnid"])
    assert (verdict.outcome, verdict.amount) == (Outcome.SUCCESS, D("548.90"))
    assert verdict.gateway_payment_id == mihpayid


async def test_a_failed_payment_verifies_as_failed(case: Case) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    await case.settle(fields, "failure")
    assert (await case.gateway.verify(fields["txnid"])).outcome is Outcome.FAILURE


async def test_a_refund_is_asked_once_per_token_and_can_be_looked_up(case: Case) -> None:
    fields = dict(case.gateway.checkout(request()).fields)
    mihpayid = await case.settle(fields, "success")
    unknown = await case.gateway.refund_status(mihpayid, "LR000000000000000000")
    assert unknown.outcome is RefundOutcome.NOT_FOUND
    first = await case.gateway.refund(mihpayid, "LRABCDEFGHJKLMNPQRST", D("548.90"))
    assert first.outcome in (RefundOutcome.ACCEPTED, RefundOutcome.SUCCEEDED)
    assert first.gateway_refund_id
    again = await case.gateway.refund(mihpayid, "LRABCDEFGHJKLMNPQRST", D("548.90"))
    assert again.outcome is RefundOutcome.DUPLICATE
    status = await case.gateway.refund_status(mihpayid, "LRABCDEFGHJKLMNPQRST")
    assert status.outcome in (RefundOutcome.ACCEPTED, RefundOutcome.SUCCEEDED)
    assert status.gateway_refund_id == first.gateway_refund_id


# --- PayU only ---------------------------------------------------------------------------------------------------


def test_the_spec_test_vectors_byte_for_byte() -> None:
    """spec payments §3.5, KEY=TESTKEY, SALT=TESTSALT."""
    signer = PayUSigner("TESTKEY", "TESTSALT")
    f = {
        "txnid": "ORD_20250101120000_7_abcd1234",
        "amount": "548.90",
        "productinfo": "Event Ticket: Sunset Jam",
        "firstname": "Asha",
        "email": "asha@example.com",
    }
    assert signer.request_hash(f) == (
        "acf41a9ce86157b2e4441bd189c42a7acee7d11d9e4bb3730a4629f6dcbcf2a17e149af7694929eddff1e52177b155dc468e10"
        "ccc99c9d75f5b7bc79064130d5"
    )
    assert signer.reverse_hash({**f, "status": "success"}) == (
        "82bb4659c71c82b0503d3dafe004f8ab88a9e2625f8719dcbc7c1c2e170121b891837c6f8696ffdae09f44b482f993b655ea50"
        "80caa337f472fc0e2eaf559be5"
    )
    assert signer.reverse_hash({**f, "status": "failure"}) == (
        "8692599bbdba50080b51236f216e7d23fe07473013fde575bce747878107175e3c3b8f1b00bc92050b4b59f9e02375c38e15df"
        "155a91545d53cba98fc32e0e74"
    )
    assert signer.request_hash(f) == payu_request_hash("TESTKEY", "TESTSALT", f)


def payu(fake: FakePayU, transport: httpx.AsyncBaseTransport | None = None) -> PayUGateway:
    return PayUGateway(fake.key, fake.salt, "test", transport=transport or fake.transport())


async def test_payu_commands_carry_the_documented_hash() -> None:
    fake = FakePayU("gtKFFx", SALT)
    gateway = payu(fake)
    await gateway.verify("LP300101ABCDEFGHJKLM")
    await gateway.refund("403993715521889530", "LRABCDEFGHJKLMNPQRST", D("548.90"))
    await gateway.refund_status("403993715521889530", "LRABCDEFGHJKLMNPQRST")
    verify, refund, status = fake.requests
    assert verify == {
        "key": "gtKFFx",
        "command": "verify_payment",
        "var1": "LP300101ABCDEFGHJKLM",
        "hash": payu_command_hash("gtKFFx", SALT, "verify_payment", "LP300101ABCDEFGHJKLM"),
    }
    assert refund == {
        "key": "gtKFFx",
        "command": "cancel_refund_transaction",
        "var1": "403993715521889530",
        "var2": "LRABCDEFGHJKLMNPQRST",
        "var3": "548.90",
        "hash": payu_command_hash("gtKFFx", SALT, "cancel_refund_transaction", "403993715521889530"),
    }
    assert (status["command"], status["var1"], status["var2"]) == (
        "check_action_status",
        "403993715521889530",
        "payuid",
    )
    await gateway.close()


async def test_payu_says_pending_for_a_payment_still_in_progress() -> None:
    fake = FakePayU("gtKFFx", SALT)
    fake.record("LP300101ABCDEFGHJKLM", "548.90", "pending", "1")
    verdict = await payu(fake).verify("LP300101ABCDEFGHJKLM")
    assert verdict.outcome is Outcome.PENDING


@pytest.mark.parametrize(("code", "outcome"), [(100, RefundOutcome.SUCCEEDED), (102, RefundOutcome.ACCEPTED)])
async def test_payu_refund_codes(code: int, outcome: RefundOutcome) -> None:
    fake = FakePayU("gtKFFx", SALT, refund_code=code)
    receipt = await payu(fake).refund("1", "LRABCDEFGHJKLMNPQRST", D("10.00"))
    assert receipt.outcome is outcome


async def test_payu_refuses_a_refund_and_says_why() -> None:
    fake = FakePayU("gtKFFx", SALT, refund_code=105)
    receipt = await payu(fake).refund("1", "LRABCDEFGHJKLMNPQRST", D("10.00"))
    assert (receipt.outcome, receipt.message) == (RefundOutcome.REJECTED, "Invalid amount")


@pytest.mark.parametrize("trouble", ["http-500", "http-403", "not-json", "network", "timeout"])
async def test_payu_unreachable_or_nonsense_decides_nothing(trouble: str) -> None:
    fake = FakePayU("gtKFFx", SALT)
    transport: httpx.AsyncBaseTransport | None = None
    if trouble.startswith("http-"):
        fake.fail_with = int(trouble[5:])
    elif trouble == "not-json":
        fake.garbage = True
    else:

        def broken(request: httpx.Request) -> httpx.Response:
            exc = httpx.ConnectError if trouble == "network" else httpx.ReadTimeout
            raise exc("down", request=request)

        transport = httpx.MockTransport(broken)
    gateway = payu(fake, transport)
    with pytest.raises(GatewayUnavailable):
        await gateway.verify("LP300101ABCDEFGHJKLM")
    with pytest.raises(GatewayUnavailable):
        await gateway.refund("1", "LRABCDEFGHJKLMNPQRST", D("1.00"))


async def test_payu_verify_refuses_an_answer_about_another_transaction() -> None:
    fake = FakePayU("gtKFFx", SALT)
    fake.record("LP300101ABCDEFGHJKLM", "548.90", "success", "1")
    fake.payments["LP300101ABCDEFGHJKLM"]["txnid"] = "SOMETHINGELSE"
    with pytest.raises(GatewayUnavailable):
        await payu(fake).verify("LP300101ABCDEFGHJKLM")


def test_payu_environments() -> None:
    assert PayUGateway("k", "s", "production").checkout(request()).url == "https://secure.payu.in/_payment"
    with pytest.raises(ValueError, match="PAYU_ENV"):
        PayUGateway("k", "s", "staging")
    with pytest.raises(ValueError, match="key and a salt"):
        PayUGateway("", "s", "test")


# --- sandbox only ------------------------------------------------------------------------------------------------


async def test_the_sandbox_posts_back_a_notice_that_verifies_and_the_first_press_wins() -> None:
    sandbox = SandboxGateway(SALT, MemorySandboxRecords())
    form = dict(sandbox.checkout(request()).fields)
    paid = await sandbox.complete(form, pay=True)
    assert paid.url == BASE + "/api/payments/payu/success"
    assert paid.fields["hash"] == payu_reverse_hash(SANDBOX_KEY, SALT, "success", dict(paid.fields))
    assert sandbox.read_notice(paid.fields).outcome is Outcome.SUCCESS
    again = await sandbox.complete(form, pay=False)  # "Fail" pressed after "Pay": the payment stays made
    assert again.url == paid.url
    assert again.fields["mihpayid"] == paid.fields["mihpayid"]


async def test_the_sandbox_fail_button_goes_to_furl() -> None:
    sandbox = SandboxGateway(SALT, MemorySandboxRecords())
    failed = await sandbox.complete(dict(sandbox.checkout(request()).fields), pay=False)
    assert failed.url == BASE + "/api/payments/payu/failure"
    assert sandbox.read_notice(failed.fields).outcome is Outcome.FAILURE


@pytest.mark.parametrize(
    "tamper",
    [
        {"amount": "1.00"},
        {"txnid": "LP300101ZZZZZZZZZZZZ"},
        {"key": "gtKFFx"},
        {"hash": "0" * 128},
        {"surl": "https://evil.example/api/payments/payu/success", "furl": "https://evil.example/steal"},
    ],
)
async def test_the_sandbox_refuses_a_checkout_form_it_did_not_sign(tamper: dict[str, str]) -> None:
    sandbox = SandboxGateway(SALT, MemorySandboxRecords())
    form = {**sandbox.checkout(request()).fields, **tamper}
    with pytest.raises(ForgedNotice):
        await sandbox.complete(form, pay=False)
    assert (await sandbox.verify("LP300101ABCDEFGHJKLM")).outcome is Outcome.NOT_FOUND


async def test_the_sandbox_refuses_a_form_missing_a_field() -> None:
    sandbox = SandboxGateway(SALT, MemorySandboxRecords())
    form = dict(sandbox.checkout(request()).fields)
    del form["email"]
    with pytest.raises(ForgedNotice):
        sandbox.read_checkout(form)
