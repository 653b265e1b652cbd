"""Domain errors: a kind for the HTTP layer to map, a stable code, a message."""

from __future__ import annotations

import pytest

from loopin.domain.shared.errors import (
    Conflict,
    DomainError,
    ErrorKind,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)


@pytest.mark.parametrize(
    ("error_type", "kind", "code"),
    [
        (DomainError, ErrorKind.INVALID, "INVALID_REQUEST"),
        (NotFound, ErrorKind.NOT_FOUND, "NOT_FOUND"),
        (Forbidden, ErrorKind.FORBIDDEN, "FORBIDDEN"),
        (Unauthenticated, ErrorKind.UNAUTHENTICATED, "NOT_AUTHENTICATED"),
        (Conflict, ErrorKind.CONFLICT, "CONFLICT"),
        (Unavailable, ErrorKind.UNAVAILABLE, "SERVICE_UNAVAILABLE"),
    ],
)
def test_each_error_has_a_kind_a_code_and_a_default_message(
    error_type: type[DomainError], kind: ErrorKind, code: str
) -> None:
    error = error_type()
    assert isinstance(error, DomainError)
    assert error.kind is kind
    assert error.code == code
    assert error.message == error_type.default_message
    assert str(error) == error.message
    assert error.message


def test_message_and_code_can_be_given_per_instance_without_changing_the_class() -> None:
    error = NotFound("No such thing.", code="THING_NOT_FOUND")
    assert error.message == "No such thing."
    assert error.code == "THING_NOT_FOUND"
    assert NotFound.code == "NOT_FOUND"
    assert NotFound().code == "NOT_FOUND"


def test_an_empty_message_falls_back_to_the_default() -> None:
    assert Forbidden("").message == Forbidden.default_message


def test_invalid_input_reports_every_problem() -> None:
    problems = [FieldProblem("name", "Name cannot be empty"), FieldProblem("gender", "Unknown gender")]
    error = InvalidInput(problems)
    assert error.kind is ErrorKind.INVALID_INPUT
    assert error.code == "VALIDATION_ERROR"
    assert error.problems == tuple(problems)
    assert error.message == "Name cannot be empty; Unknown gender"


def test_invalid_input_for_one_field() -> None:
    error = InvalidInput.single("otp_code", "Four digits please", code="INVALID_OTP_FORMAT")
    assert error.problems == (FieldProblem("otp_code", "Four digits please"),)
    assert error.code == "INVALID_OTP_FORMAT"
    assert error.message == "Four digits please"


@pytest.mark.parametrize(("given", "kept"), [(30, 30), (1, 1), (0, 1), (-5, 1)])
def test_rate_limited_always_asks_to_wait_at_least_a_second(given: int, kept: int) -> None:
    error = RateLimited(given)
    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.code == "RATE_LIMITED"
    assert error.retry_after_seconds == kept
    assert error.message == RateLimited.default_message


def test_rate_limited_with_its_own_message_and_code() -> None:
    error = RateLimited(12, "Slow down.", code="OTP_RATE_LIMITED")
    assert (error.retry_after_seconds, error.message, error.code) == (12, "Slow down.", "OTP_RATE_LIMITED")


def test_field_problems_are_values() -> None:
    assert FieldProblem("name", "x") == FieldProblem("name", "x")
    assert hash(FieldProblem("name", "x")) == hash(FieldProblem("name", "x"))


def test_a_subclass_states_its_code_and_message_in_its_class_line_and_inherits_the_rest() -> None:
    class GoneFishing(NotFound, code="GONE_FISHING", message="Gone fishing."): ...

    assert (GoneFishing.kind, GoneFishing.code, GoneFishing().message) == (
        ErrorKind.NOT_FOUND,
        "GONE_FISHING",
        "Gone fishing.",
    )
    assert (NotFound.code, NotFound.default_message) == ("NOT_FOUND", "Not found.")
