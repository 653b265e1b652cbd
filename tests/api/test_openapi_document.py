"""The OpenAPI document describes what the service really does: the app's error envelope and 422 list, which
routes need no token, and the multipart forms with their required fields, types and descriptions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from loopin.domain.shared.ids import MAX_ID
from loopin.entrypoints.http.params import ID_DESCRIPTION
from loopin.usecases.shared.paging import MAX_OFFSET, MAX_PAGE
from tests.api.flows import assert_invalid

PUBLIC = {
    ("post", "/api/auth/signup"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/verify-otp"),
    ("post", "/api/auth/verify-login"),
    ("post", "/api/hosts/become-a-host"),
    ("get", "/api/public/events/{canonical_id}"),
    ("get", "/api/events/{event_id}/share-url"),
    ("get", "/health"),
}
PROTECTED = {("get", "/api/auth/profile"), ("post", "/api/events"), ("post", "/api/events/{event_id}/check-in")}


@pytest.fixture
async def document(api: AsyncTestClient) -> dict[str, Any]:
    response = await api.get("/api/docs/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "delete", "patch"}
    ]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_the_error_envelope_is_documented_and_litestars_400_is_gone(document: dict[str, Any]) -> None:
    error = resolve(document, {"$ref": "#/components/schemas/Error"})
    assert set(error["required"]) == {"success", "detail", "message", "error_code"}
    invalid = resolve(document, {"$ref": "#/components/schemas/ValidationError"})
    assert invalid["properties"]["detail"]["type"] == "array"
    assert set(invalid["properties"]["detail"]["items"]["required"]) == {"loc", "msg", "type"}
    for method, path, op in operations(document):
        responses = op["responses"]
        assert "400" not in responses or "status_code" not in str(responses["400"]), (method, path)
        assert responses["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            schema = responses["422"]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ValidationError"}, (method, path)


def test_public_routes_need_no_token_the_others_do(document: dict[str, Any]) -> None:
    assert document["security"] == [{"BearerToken": []}]
    ops = {(method, path): op for method, path, op in operations(document)}
    for key in PUBLIC:
        assert ops[key].get("security") == [], key
    for key in PROTECTED:
        assert "security" not in ops[key] or ops[key]["security"], key
        assert "401" in ops[key]["responses"], key


def form_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    body = document["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    return resolve(document, body)


def test_the_profile_form_says_what_it_needs(document: dict[str, Any]) -> None:
    form = form_schema(document, "/api/auth/complete-profile")
    assert {"name", "birth_date", "gender", "event_interests", "profile_pictures"} <= set(form["required"])
    props = form["properties"]
    assert "JSON array" in props["event_interests"]["description"]
    assert props["profile_pictures"]["items"]["format"] == "binary"
    for name in ("name", "birth_date", "gender", "bio", "location"):
        assert props[name].get("description"), name


def test_the_event_form_says_what_it_needs(document: dict[str, Any]) -> None:
    form = form_schema(document, "/api/events")
    assert {"title", "start_time", "duration_hours"} <= set(form["required"])
    props = form["properties"]
    for name in ("venue_name", "duration_hours", "event_interest_ids", "max_capacity", "is_paid", "ticket_price"):
        assert props[name].get("description"), name
    assert "JSON array" in props["event_interest_ids"]["description"]
    assert props["cover_images"]["items"]["format"] == "binary"


def test_the_other_successes_are_documented_with_their_bodies(document: dict[str, Any]) -> None:
    """Found by the fuzzer: posting a venue that exists answers 200 with the stored venue."""
    venue = document["paths"]["/api/events/venues"]["post"]["responses"]
    assert (
        venue["200"]["content"]["application/json"]["schema"]
        == venue["201"]["content"]["application/json"]["schema"]
    )
    assert "301" in document["paths"]["/api/public/events/{canonical_id}/seo"]["get"]["responses"]
    assert "503" in document["paths"]["/health/ready"]["get"]["responses"]


def _bounded_integers(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "integer" and ("maximum" in node or "minimum" in node) else []
        return found + [s for value in node.values() for s in _bounded_integers(value)]
    if isinstance(node, list):
        return [s for value in node for s in _bounded_integers(value)]
    return []


def test_integer_bounds_are_the_exact_integers_the_server_checks(document: dict[str, Any]) -> None:
    """A float bound is not the rule: 2^63 - 1 as a float is 2^63, which a generated client would send."""
    bounded = _bounded_integers(document)
    ids = [s for s in bounded if s.get("description") == ID_DESCRIPTION]
    assert len(ids) > 40  # every id in a path, a query and a body
    assert all((s["minimum"], s["maximum"]) == (1, MAX_ID) for s in ids), [
        s for s in ids if s["maximum"] != MAX_ID
    ]
    floats = [s for s in bounded if any(isinstance(s.get(k), float) for k in ("minimum", "maximum"))]
    assert floats == []


def _body_properties(document: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Every JSON request body's property ``name``."""
    found = []
    for _, _, op in operations(document):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = resolve(document, content["application/json"]["schema"])
            if name in body.get("properties", {}):
                found.append(body["properties"][name])
    return found


@pytest.mark.parametrize(
    ("field", "valid", "invalid"),
    [("phone_number", "+91 (98123) 456-78", "+91 98123 4567x"), ("otp_code", "0042", "12a4")],
)
async def test_the_documented_phone_and_code_patterns_refuse_what_the_server_refuses(
    api: AsyncTestClient, document: dict[str, Any], field: str, valid: str, invalid: str
) -> None:
    """schemathesis found both documented as any string; a client following the document now sends what the
    server reads (the patterns come from the domain's phone and code rules)."""
    properties = _body_properties(document, field)
    assert len(properties) >= 2
    [pattern] = {p["pattern"] for p in properties}
    assert re.search(pattern, valid)
    assert not re.search(pattern, invalid)
    sent = {"phone_number": "+919812345678", "otp_code": "1234"}
    accepted = await api.post("/api/auth/verify-otp", json=sent | {field: valid})
    assert accepted.json()["error_code"] == "OTP_NOT_FOUND"  # read in full: only the code was never asked for
    refused = await api.post("/api/auth/verify-otp", json=sent | {field: invalid})
    assert_invalid(refused, field)


def test_every_offset_and_limit_has_the_same_bounds(document: dict[str, Any]) -> None:
    """One paging rule for every list: a route that declared its own (or none) let offset reach 2^63 - 1."""
    bounds = {"offset": (0, MAX_OFFSET), "limit": (1, MAX_PAGE)}
    seen = []
    for method, path, op in operations(document):
        for parameter in op.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in bounds:
                schema = parameter["schema"]  # an optional one's bounds sit beside its oneOf
                seen.append((method, path, parameter["name"], (schema.get("minimum"), schema.get("maximum"))))
    assert len(seen) > 12
    assert [s for s in seen if s[3] != bounds[s[2]]] == []
