"""Which database failures the client caused and which mean the database cannot serve, read from SQLSTATE.

The HTTP layer answers each kind differently: a value PostgreSQL refused (class 22: out of range, NUL in text,
too long) is the request's fault, a constraint violation (23) a conflict, a statement PostgreSQL cannot run
(42 and others) a bug; only lost connections, exhausted resources, cancelled statements and serialization
failures are an outage worth retrying.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy.exc import DBAPIError


class DatabaseFailure(Enum):
    INPUT = "input"
    CONFLICT = "conflict"
    OUTAGE = "outage"
    BUG = "bug"


_BY_CLASS = {
    "22": DatabaseFailure.INPUT,  # data exception
    "23": DatabaseFailure.CONFLICT,  # integrity constraint violation
    "08": DatabaseFailure.OUTAGE,  # connection exception
    "40": DatabaseFailure.OUTAGE,  # transaction rollback: serialization failure, deadlock
    "53": DatabaseFailure.OUTAGE,  # insufficient resources
    "57": DatabaseFailure.OUTAGE,  # operator intervention: statement timeout, shutdown
    "58": DatabaseFailure.OUTAGE,  # system error
}


def sqlstate(error: DBAPIError) -> str | None:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code if isinstance(code, str) and len(code) == 5 else None


def classify(error: DBAPIError) -> DatabaseFailure:
    code = sqlstate(error)
    if code is not None:
        return _BY_CLASS.get(code[:2], DatabaseFailure.BUG)
    return DatabaseFailure.OUTAGE  # the driver failed without a server answer: a lost or broken connection
