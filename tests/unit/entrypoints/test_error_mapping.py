"""The one error mapping: a database error caused by the client's input is a 422, a conflict a 409, a bug a 500;
only a database that cannot serve is an outage (503 with Retry-After)."""

from __future__ import annotations

from typing import Annotated

import pytest
from litestar import Litestar, get, post
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.testing import TestClient
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from loopin.domain.shared.errors import FieldProblem, InvalidInput
from loopin.entrypoints.http.errors import EXCEPTION_HANDLERS


class DriverError(Exception):
    """What SQLAlchemy's asyncpg adapter wraps: an error with the server's SQLSTATE."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"driver error {sqlstate}")
        self.sqlstate = sqlstate


def failing_app(error: Exception) -> Litestar:
    @get("/fail")
    async def fail() -> None:
        raise error

    return Litestar([fail], exception_handlers=EXCEPTION_HANDLERS)


CASES = [
    (DBAPIError("SELECT $1", {}, DriverError("22000")), 422, "VALIDATION_ERROR"),  # bigint out of int64 range
    (DBAPIError("SELECT $1", {}, DriverError("22021")), 422, "VALIDATION_ERROR"),  # NUL in UTF-8 text
    (DBAPIError("SELECT $1", {}, DriverError("22003")), 422, "VALIDATION_ERROR"),  # numeric value out of range
    (DBAPIError("SELECT $1", {}, DriverError("22001")), 422, "VALIDATION_ERROR"),  # string too long
    (IntegrityError("INSERT", {}, DriverError("23505")), 409, "CONFLICT"),
    (DBAPIError("SELECT", {}, DriverError("42703")), 500, "INTERNAL_SERVER_ERROR"),  # a bug, not an outage
    (DBAPIError("SELECT", {}, DriverError("40001")), 503, "SERVICE_UNAVAILABLE"),  # serialization: retry
    (DBAPIError("SELECT", {}, DriverError("08006")), 503, "SERVICE_UNAVAILABLE"),
    (DBAPIError("SELECT", {}, DriverError("53300")), 503, "SERVICE_UNAVAILABLE"),  # too many connections
    (DBAPIError("SELECT", {}, DriverError("57014")), 503, "SERVICE_UNAVAILABLE"),  # statement timeout
    (OperationalError("SELECT", {}, DriverError(None)), 503, "SERVICE_UNAVAILABLE"),
    (DBAPIError("SELECT", {}, DriverError(None), connection_invalidated=True), 503, "SERVICE_UNAVAILABLE"),
]


@pytest.mark.parametrize(("error", "status", "code"), CASES, ids=lambda v: getattr(v, "orig", v).__str__()[:30])
def test_database_errors_are_mapped_by_what_caused_them(error: Exception, status: int, code: str) -> None:
    with TestClient(failing_app(error)) as client:
        response = client.get("/fail")
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error_code"] == code
    assert ("retry-after" in response.headers) == (status == 503)


def test_a_bad_query_or_header_parameter_is_located_by_its_plain_name() -> None:
    """The app shows ``detail`` stringified: ``["query", "limit"]``, never Litestar's ``ParamType.QUERY``."""

    @get("/items")
    async def items(limit: FromQuery[int] = 10) -> dict[str, int]:
        return {"limit": limit}

    with TestClient(Litestar([items], exception_handlers=EXCEPTION_HANDLERS)) as client:
        response = client.get("/items?limit=abc")
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "limit"]


def test_a_use_case_refusal_is_located_where_the_route_read_the_value() -> None:
    """A use case names a field; the route's signature says whether it came in the query (by its wire name), a
    header, the path or the body."""

    @post("/items/{item_id:int}", status_code=200)
    async def change(
        item_id: FromPath[int],
        data: JSONBody[dict[str, str]],
        since: Annotated[str | None, QueryParameter(name="from")] = None,
        mode: Annotated[str | None, HeaderParameter(name="x-mode")] = None,
    ) -> None:
        raise InvalidInput(
            [FieldProblem(name, "refused") for name in ("since", "from", "mode", "item_id", "title", "item_id[0]")]
        )

    with TestClient(Litestar([change], exception_handlers=EXCEPTION_HANDLERS)) as client:
        response = client.post("/items/7?from=x", json={"title": "t"})
    assert response.status_code == 422, response.text
    assert [problem["loc"] for problem in response.json()["detail"]] == [
        ["query", "from"],
        ["query", "from"],
        ["header", "x-mode"],
        ["path", "item_id"],
        ["body", "title"],
        ["body", "item_id[0]"],
    ]
