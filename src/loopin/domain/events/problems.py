"""Collecting every field problem of a request before refusing it, with the error code the app matches."""

from __future__ import annotations

from loopin.domain.shared.errors import FieldProblem, InvalidInput


class Problems:
    """Field problems in the order they were found; the first coded one names the error (``error_code``).

    The app looks for its codes (``TITLE_REQUIRED``, ``VENUE_NAME_REQUIRED``…) anywhere in the error body and
    shows a friendly message for the first it recognises, so the most useful problem is checked first.
    """

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []
        self.codes: list[str] = []

    def add(self, field: str, message: str, code: str = "VALIDATION_ERROR") -> None:
        self.items.append(FieldProblem(field, message))
        self.codes.append(code)

    def note(self, problem: FieldProblem | None) -> None:
        """Adds a problem a shared check found (None: it found none)."""
        if problem is not None:
            self.add(problem.field, problem.message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            code = next((c for c in self.codes if c != "VALIDATION_ERROR"), "VALIDATION_ERROR")
            raise InvalidInput(self.items, code=code)
