"""Errors raised by domain rules and use cases.

Each error names a *kind* (what went wrong from the caller's point of view) and a stable machine-readable
``code``; the HTTP layer maps kinds to status codes, so no business module ever mentions HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class ErrorKind(Enum):
    INVALID = "invalid"  # a request that breaks a business rule
    INVALID_INPUT = "invalid_input"  # one or more fields are malformed
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    """Base of every expected failure; anything else is a bug and becomes a 500.

    A subclass states what it is in its class line, e.g. ``class TicketNotFound(NotFound,
    code="TICKET_NOT_FOUND", message="Ticket not found."): ...``; what it leaves out it inherits.
    """

    kind: ErrorKind = ErrorKind.INVALID
    code: str = "INVALID_REQUEST"
    default_message: str = "The request cannot be processed."

    def __init_subclass__(
        cls, *, kind: ErrorKind | None = None, code: str | None = None, message: str | None = None
    ) -> None:
        super().__init_subclass__()
        if kind is not None:
            cls.kind = kind
        if code is not None:
            cls.code = code
        if message is not None:
            cls.default_message = message

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str


class InvalidInput(DomainError, kind=ErrorKind.INVALID_INPUT, code="VALIDATION_ERROR"):
    """One or more fields failed validation; every problem is reported at once."""

    def __init__(self, problems: Sequence[FieldProblem], *, code: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems), code=code)

    @classmethod
    def single(cls, field: str, message: str, *, code: str | None = None) -> InvalidInput:
        return cls([FieldProblem(field, message)], code=code)


def not_one_of(kind: type[Enum], label: str) -> str:
    """What a client is told when it names a value ``kind`` does not have: every value it has."""
    return f"{label} must be one of: {', '.join(str(member.value) for member in kind)}"


class Refused(DomainError, kind=ErrorKind.INVALID):
    """A business rule says no (400): the base of every context's refusals."""


class NotFound(DomainError, kind=ErrorKind.NOT_FOUND, code="NOT_FOUND", message="Not found."): ...


class Forbidden(
    DomainError, kind=ErrorKind.FORBIDDEN, code="FORBIDDEN", message="You do not have permission to do this."
): ...


class Unauthenticated(
    DomainError, kind=ErrorKind.UNAUTHENTICATED, code="NOT_AUTHENTICATED", message="Please log in again."
): ...


class Conflict(
    DomainError, kind=ErrorKind.CONFLICT, code="CONFLICT", message="The request conflicts with the current state."
): ...


class ConcurrentChange(Conflict, message="This change conflicts with data saved at the same time. Please retry."):
    """Another transaction wrote the same row or unique key first; the store refused the loser's write."""


class RateLimited(
    DomainError,
    kind=ErrorKind.RATE_LIMITED,
    code="RATE_LIMITED",
    message="Too many requests. Please wait and try again.",
):
    def __init__(self, retry_after_seconds: int, message: str | None = None, *, code: str | None = None) -> None:
        self.retry_after_seconds = max(1, retry_after_seconds)
        super().__init__(message, code=code)


class Unavailable(
    DomainError,
    kind=ErrorKind.UNAVAILABLE,
    code="SERVICE_UNAVAILABLE",
    message="A service we depend on is unavailable. Please try again shortly.",
): ...
