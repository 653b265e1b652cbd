"""Every paged list of the service answers at most ``MAX_PAGE`` items a page, skips at most ``MAX_OFFSET`` and
searches for at most ``SEARCH_MAX`` characters: one bound each, checked in one place (the routes declare the same
bounds to the OpenAPI document through ``entrypoints/http/params.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from loopin.domain.shared.errors import FieldProblem, InvalidInput

MAX_PAGE = 100
MAX_OFFSET = 1_000_000  # far past any list a person pages through; past it the database only counts rows to skip
SEARCH_MAX = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list and the count of the whole list (every match, not only this page)."""

    total: int
    rows: list[T]

    @classmethod
    def cut(cls, ordered: Sequence[T], offset: int, limit: int) -> Page[T]:
        """The page of a whole list already in its order (how the in-memory adapters answer)."""
        return cls(len(ordered), list(ordered[offset : offset + limit]))


def page_size(limit: int) -> int:
    """``limit`` when it is a page size this service answers, else a 422 naming the bounds."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput.single("limit", f"The page size is between 1 and {MAX_PAGE}")
    return limit


def offset_problem(offset: int) -> FieldProblem | None:
    """None when ``offset`` is one this service skips to, else the problem naming the bounds."""
    return (
        None if 0 <= offset <= MAX_OFFSET else FieldProblem("offset", f"The offset is between 0 and {MAX_OFFSET}")
    )


def page_offset(offset: int) -> int:
    """``offset`` when it is one this service skips to, else a 422 naming the bounds."""
    if (problem := offset_problem(offset)) is not None:
        raise InvalidInput([problem])
    return offset


def search_terms(raw: str | None) -> str:
    """What a search box matches on: its words, one space apart."""
    return " ".join((raw or "").split())


def search_problem(terms: str) -> FieldProblem | None:
    """None when ``terms`` (already ``search_terms``) can be searched for, else why not."""
    if len(terms) > SEARCH_MAX:
        return FieldProblem("search", f"search must be at most {SEARCH_MAX} characters")
    if any(ch < " " for ch in terms):
        return FieldProblem("search", "search must not contain control characters")
    return None


def older_than(found: Sequence[T], limit: int) -> tuple[list[T], T | None]:
    """A newest-first page read as ``limit + 1`` rows: the page, and its last row when older rows follow (what
    the next page is read before); None when this page is the oldest."""
    page = list(found[:limit])
    return page, page[-1] if len(found) > limit and page else None
