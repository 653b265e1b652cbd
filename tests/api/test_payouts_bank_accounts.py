"""The app's bank-account call on PostgreSQL: 201 in the envelope, 422 lists per field, another member's
accounts invisible (404), hostile input a clear 4xx; the account number never in an answer, a log line or the
database column."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import structlog

from loopin.entrypoints.settings import Settings
from tests.api.attendance_rig import Guest, Rig, app_error, app_object, check_types, open_rig, with_media
from tests.api.flows import sql
from tests.support import Fakes

NUMBER = "918273645501"
FORM = {
    "bank_name": "State Bank of India",
    "account_number": NUMBER,
    "ifsc_code": "SBIN0001234",
    "account_holder_name": "Asha Rao",
    "is_primary": False,
}
PATH = "/api/payouts/bank-accounts"


@pytest.fixture
async def rig(
    service_settings: Settings, fakes: Fakes, clean_services: None, tmp_path: Path
) -> AsyncIterator[Rig]:
    """Logs at DEBUG, so the test sees every line the app writes."""
    settings = msgspec.structs.replace(with_media(service_settings, tmp_path), log_level="DEBUG")
    async with open_rig(settings, fakes, inline_jobs=True) as opened:
        yield opened


async def host(rig: Rig) -> Guest:
    member = await rig.member()
    await rig.event(member)
    return member


async def add(rig: Rig, who: Guest, **changes: Any) -> Any:
    return await rig.client.post(PATH, json={**FORM, **changes}, headers=who.headers)


async def test_the_apps_call_answers_201_in_the_envelope(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    h = await host(rig)
    answer = await add(rig, h)
    body = app_object(answer, 201)
    assert body["message"] == "Bank account created successfully"
    check_types(
        body["data"],
        {"id": int, "bank_name": str, "masked_account_number": str, "ifsc_code": str, "is_primary": bool,
         "is_verified": bool, "is_active": bool, "created_at": "iso", "updated_at": "iso"},
    )  # fmt: skip
    assert body["data"]["masked_account_number"] == "XXXXXX5501"
    assert body["data"]["is_primary"] is True  # the first account, though the app sends false
    again = app_object(await add(rig, h), 200)
    assert again["data"]["id"] == body["data"]["id"]
    listed = app_object(await rig.client.get(PATH, headers=h.headers))
    assert [a["id"] for a in listed["data"]] == [body["data"]["id"]]
    second = app_object(await add(rig, h, account_number="5566778899", ifsc_code="hdfc0abc123"), 201)["data"]
    assert second["ifsc_code"] == "HDFC0ABC123"
    made = app_object(await rig.client.post(f"{PATH}/{second['id']}/primary", headers=h.headers))
    assert made["data"]["is_primary"] is True
    gone = app_object(await rig.client.delete(f"{PATH}/{body['data']['id']}", headers=h.headers))
    assert gone["message"] == "Bank account removed"
    texts = [answer.text, *(r.text for r in [await rig.client.get(PATH, headers=h.headers)])]
    [(audited,)] = await sql("SELECT COUNT(*) FROM audit_entries WHERE target_type = 'bank_account'")
    assert audited == 4
    structlog.get_logger("loopin.test").warning("a careless line", account_number=NUMBER, form=FORM["bank_name"])
    logged = caplog.text
    rows = await sql("SELECT * FROM bank_accounts")
    columns = await sql("SELECT details::text FROM audit_entries")
    outbox = await sql("SELECT * FROM outbox")
    assert logging.getLogger().isEnabledFor(logging.DEBUG)
    assert "/api/payouts/bank-accounts" in logged  # the log was captured
    assert "XXXXXX5501" in logged  # a number that slips into a log line is masked
    for where in (*texts, logged, str(rows), str(columns), str(outbox)):
        assert NUMBER not in where
        assert "5566778899" not in where


async def test_bad_ifsc_and_account_numbers_are_422_lists_per_field(rig: Rig) -> None:
    h = await host(rig)
    answer = await add(rig, h, account_number="12ab", ifsc_code="SBIN1234567", bank_name="S")
    body = app_error(answer, 422, "VALIDATION_ERROR")
    fields = {tuple(d["loc"]): d["msg"] for d in body["detail"]}
    assert set(fields) == {("body", "account_number"), ("body", "ifsc_code"), ("body", "bank_name")}
    assert "digits" in fields["body", "account_number"]
    assert "IFSC" in fields["body", "ifsc_code"]
    assert await sql("SELECT id FROM bank_accounts") == []


async def test_only_hosts_add_and_others_accounts_are_404(rig: Rig) -> None:
    h, other = await host(rig), await host(rig)
    guest = await rig.member()
    app_error(await add(rig, guest), 403, "NOT_A_HOST")
    theirs = app_object(await add(rig, other), 201)["data"]["id"]
    for answer in (
        await rig.client.post(f"{PATH}/{theirs}/primary", headers=h.headers),
        await rig.client.delete(f"{PATH}/{theirs}", headers=h.headers),
    ):
        app_error(answer, 404, "BANK_ACCOUNT_NOT_FOUND")
    assert app_object(await rig.client.get(PATH, headers=h.headers))["data"] == []
    assert (await rig.client.get(PATH)).status_code == 401


@pytest.mark.parametrize(
    "changes",
    [
        {"account_number": "1234\u00005678"},
        {"bank_name": "SBI\u0000"},
        {"account_number": "9" * 100_000},
        {"account_number": 123456789012},
        {"is_primary": "yes"},
        {"ifsc_code": None},
        {"account_holder_name": ["Asha"]},
    ],
)
async def test_hostile_forms_are_4xx_and_store_nothing(rig: Rig, changes: dict[str, Any]) -> None:
    h = await host(rig)
    answer = await add(rig, h, **changes)
    assert answer.status_code == 422, answer.text
    app_error(answer, 422)
    assert await sql("SELECT id FROM bank_accounts") == []


@pytest.mark.parametrize("account_id", ["0", str(2**63), str(2**64 + 1), "-1", "1e9", "x"])
async def test_impossible_ids_name_nothing(rig: Rig, account_id: str) -> None:
    h = await host(rig)
    for answer in (
        await rig.client.post(f"{PATH}/{account_id}/primary", headers=h.headers),
        await rig.client.delete(f"{PATH}/{account_id}", headers=h.headers),
    ):
        assert answer.status_code in (404, 405), answer.text
