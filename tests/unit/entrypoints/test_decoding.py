"""The request decoding rules on a bare app with the service's request class and hooks: forms of either encoding
follow the text rule (the payment provider's callbacks are url-encoded forms); JSON is converted strictly, forms
laxly (their fields are text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
import pytest
from litestar import Litestar, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody
from litestar.testing import TestClient

from loopin.entrypoints.http.decoding import LoopinRequest, decode_bodies_first, refuse_unreadable_urls
from loopin.entrypoints.http.errors import EXCEPTION_HANDLERS


@dataclass
class Callback:
    status: str
    txnid: str = ""


@post("/callback", status_code=200)
async def callback(data: Annotated[Callback, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> dict[str, str]:
    return {"status": data.status}


class Seats(msgspec.Struct):
    seats: int = 1
    is_primary: bool = False


@post("/seats", status_code=200)
async def seats(data: JSONBody[Seats]) -> dict[str, object]:
    return {"seats": data.seats, "is_primary": data.is_primary}


@post("/seats-form", status_code=200)
async def seats_form(
    data: Annotated[Seats, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> dict[str, object]:
    return {"seats": data.seats, "is_primary": data.is_primary}


@pytest.fixture
def client() -> TestClient[Litestar]:
    app = Litestar(
        [callback, seats, seats_form],
        request_class=LoopinRequest,
        before_request=decode_bodies_first,
        middleware=[refuse_unreadable_urls],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    return TestClient(app)


def test_a_url_encoded_form_is_read(client: TestClient[Litestar]) -> None:
    with client:
        response = client.post("/callback", data={"status": "success", "txnid": "T1"})
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "success"}


@pytest.mark.parametrize("body", [b"status=ok%00&txnid=1", b"status=caf%E9", b"sta%00tus=ok"])
def test_a_url_encoded_form_with_nul_or_invalid_utf8_is_a_422(client: TestClient[Litestar], body: bytes) -> None:
    with client:
        response = client.post(
            "/callback", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert response.status_code == 422, response.text
    assert response.json()["error_code"] == "VALIDATION_ERROR"


def test_json_is_strict_and_forms_are_lax(client: TestClient[Litestar]) -> None:
    with client:
        typed = client.post("/seats", json={"seats": 2, "is_primary": True})
        as_text = client.post("/seats", json={"seats": 2, "is_primary": "true"})
        number_as_text = client.post("/seats", json={"seats": "2"})
        form = client.post("/seats-form", data={"seats": "2", "is_primary": "true"})
    assert typed.json() == {"seats": 2, "is_primary": True}
    assert as_text.status_code == 422, as_text.text
    assert as_text.json()["detail"][0]["loc"] == ["body", "is_primary"]
    assert "Expected `bool`, got `str`" in as_text.json()["message"]
    assert number_as_text.status_code == 422, number_as_text.text
    assert form.json() == {"seats": 2, "is_primary": True}
