"""Parameter and field types the routes share: the id rule of ``domain/shared/ids.py`` applied where a request is
decoded, so no number a client makes up reaches a use case or the database driver unchecked.

An id outside the rule in the *path* names nothing: the answer is 404, as for any other path that names
nothing (``errors.validation_error``). Anywhere else (query, body) it is an out-of-range number: 422.

A phone number and a sign-in code are documented with the domain's patterns and checked by the use cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeAlias

import msgspec
from litestar.params import PathParameter, QueryParameter

from loopin.domain.identity.otp import OtpPolicy
from loopin.domain.identity.phone import WRITTEN_FORM
from loopin.domain.shared.ids import MAX_ID
from loopin.usecases.shared.paging import MAX_OFFSET, MAX_PAGE

ID_DESCRIPTION = "A positive 63-bit integer id."


def _bounded(parameter: Callable[..., Any], low: int, high: int, **more: Any) -> Any:
    """``parameter(ge=low, le=high, ...)``, with the document's bounds as the exact integers: Litestar writes
    ``ge``/``le`` as floats, and 2^63 - 1 as a float is 2^63, one past the rule, which a client generated from the
    document would send."""
    return parameter(ge=low, le=high, schema_extra={"minimum": low, "maximum": high}, **more)


PathId: TypeAlias = Annotated[int, _bounded(PathParameter, 1, MAX_ID, description=ID_DESCRIPTION)]
QueryId: TypeAlias = Annotated[int, _bounded(QueryParameter, 1, MAX_ID, description=ID_DESCRIPTION)]
OptionalQueryId: TypeAlias = Annotated[int | None, _bounded(QueryParameter, 1, MAX_ID, description=ID_DESCRIPTION)]
Page: TypeAlias = Annotated[int, _bounded(QueryParameter, 1, MAX_ID // 100, description="Page number, from 1.")]
Offset: TypeAlias = Annotated[int, _bounded(QueryParameter, 0, MAX_OFFSET, description="Items to skip.")]
"""A list's ``offset``: the bound every paged use case checks (``usecases/shared/paging.py``)."""
OptionalOffset: TypeAlias = Annotated[
    int | None, _bounded(QueryParameter, 0, MAX_OFFSET, description="Items to skip.")
]
"""An ``offset`` whose absence means something (the feed's default page is the app's, cached)."""
PageSize: TypeAlias = Annotated[int, _bounded(QueryParameter, 1, MAX_PAGE)]
"""A list's ``limit``: the bound every paged use case checks (``usecases/shared/paging.py``)."""
OptionalPageSize: TypeAlias = Annotated[int | None, _bounded(QueryParameter, 1, MAX_PAGE)]
"""A ``limit`` whose absence leaves the page size to the use case."""
Id: TypeAlias = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=MAX_ID,
        description=ID_DESCRIPTION,
        extra_json_schema={"extra": {"minimum": 1, "maximum": MAX_ID}},  # Litestar's schema_extra, as _bounded
    ),
]
"""An id inside a JSON body."""


def _documented(pattern: str, description: str) -> msgspec.Meta:
    """A string's pattern in the document only: the use case checks it and answers in its own words (a
    ``Meta(pattern=...)`` would refuse first, with msgspec's)."""
    return msgspec.Meta(extra_json_schema={"description": description, "extra": {"pattern": pattern}})


PhoneNumberText: TypeAlias = Annotated[
    str, _documented(WRITTEN_FORM, "A mobile number: +919812345678, or an Indian one without +91; spaces allowed.")
]
OtpCode: TypeAlias = Annotated[str, _documented(OtpPolicy().code_pattern, "The code sent by SMS.")]
