"""The order of the bounded contexts: a context may import only contexts below it, never one beside or above.

    shared < platform < audit < identity < notifications < events < attendance < payments < payouts
        < (privacy, staff)

``shared`` holds what every context needs (time, transactions, errors); ``platform`` the generic services
(files, analytics, rate limits); ``audit`` the log every context above writes to (identity too: sign-ins,
profile edits), so it knows ids but no member. Notifications deliver what the business contexts leave behind.
Attendance may import events, never the reverse: where events needs attendance's data it declares a port that
attendance implements (``EventAccessGrants``). Payments finish attendance's tickets (``TicketDesk``); payouts
pay hosts from payments. ``privacy`` (a member's export and erasure) and ``staff`` (reading the audit log as
staff) reach into every context below and none imports them. Checked in every layer: a module belongs to the
context its path names (``usecases/attendance/…``, ``adapters/persistence/attendance_reader.py``,
``routes/events/…``); modules that name none (the ORM, the outbox, the composition root) wire contexts together
and are not checked.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
RANK = {
    "shared": 0,
    "platform": 1,
    "audit": 2,
    "identity": 3,
    "notifications": 4,
    "events": 5,
    "attendance": 6,
    "payments": 7,
    "payouts": 8,
    "privacy": 9,
    "staff": 9,
}
# Adapter modules whose names say what they store rather than their context.
ALIASES = {
    "venues": "events",
    "event_cache": "events",
    "cache": "events",
    "sms": "identity",
    "push": "notifications",
    "seats": "events",
    "fee_cache": "payments",
    "admin": "staff",  # the web console (entrypoints/admin) is the staff context's entrypoint
}
LAYERS = ("domain", "usecases", "adapters", "entrypoints")


@dataclass(frozen=True)
class Crossing:
    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}"


def context_of(dotted: str) -> str | None:
    """``loopin.usecases.attendance.tickets`` → attendance; ``loopin.adapters.persistence.orm`` → None."""
    parts = dotted.split(".")
    if len(parts) < 3 or parts[0] != "loopin" or parts[1] not in LAYERS:
        return None
    for part in parts[2:]:
        if part in RANK:
            return part
        if part in ALIASES:
            return ALIASES[part]
        prefix = part.split("_")[0]
        if prefix in RANK and prefix != part:
            return prefix
    return None


def crossings(root: Path) -> list[Crossing]:
    """Imports of a context at its own rank or above (``root`` holds the ``loopin`` package)."""
    found: list[Crossing] = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        mine = context_of(module)
        if mine is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            other = context_of(node.module)
            if other is not None and other != mine and RANK[other] >= RANK[mine]:
                found.append(Crossing(module, node.lineno, node.module))
    return found


def test_contexts_import_only_contexts_below_them() -> None:
    assert any((SRC / "loopin" / "usecases" / "attendance").rglob("*.py"))
    found = crossings(SRC)
    assert not found, "context order broken:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("usecases/events/bad.py", "from loopin.usecases.attendance.ports import TicketRepository", "attendance"),
        ("domain/events/bad.py", "from loopin.domain.attendance.ticket import Ticket", "attendance"),
        (
            "adapters/persistence/events_bad.py",
            "from loopin.adapters.persistence.attendance import LIVE",
            "attendance",
        ),
        (
            "usecases/audit/bad.py",
            "from loopin.usecases.notifications.deliver import notification_job",
            "notifications",
        ),
        ("usecases/payments/bad.py", "from loopin.usecases.payouts.ports import Payouts", "payouts"),
        ("usecases/audit/bad.py", "from loopin.usecases.identity.access import MemberAccess", "identity"),
        ("usecases/payouts/bad.py", "from loopin.usecases.privacy.ports import PersonalData", "privacy"),
        ("usecases/privacy/bad.py", "from loopin.usecases.staff.audit_log import ReadAuditLog", "staff"),
        (
            "entrypoints/http/routes/identity/bad.py",
            "from loopin.usecases.events.views import EventView",
            "events",
        ),
    ],
)
def test_the_rule_catches_a_reverse_import(tmp_path: Path, module: str, source: str, expected: str) -> None:
    path = tmp_path / "loopin" / module
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    [crossing] = crossings(tmp_path)
    assert context_of(crossing.imported) == expected


def test_the_rule_lets_downward_imports_through(tmp_path: Path) -> None:
    path = tmp_path / "loopin" / "usecases" / "attendance" / "good.py"
    path.parent.mkdir(parents=True)
    path.write_text(
        "from loopin.usecases.events.access import EventAccess\n"
        "from loopin.usecases.identity.access import MemberAccess\n"
        "from loopin.usecases.notifications.deliver import notification_job\n"
        "from loopin.usecases.shared.ports import Clock\n"
        "from loopin.usecases.audit.record import audit_entry\n"
        "from loopin.adapters.persistence.orm import TicketRow\n",
        encoding="utf-8",
    )
    assert crossings(tmp_path) == []


def test_the_member_wide_contexts_reach_every_context_below(tmp_path: Path) -> None:
    path = tmp_path / "loopin" / "usecases" / "privacy" / "good.py"
    path.parent.mkdir(parents=True)
    path.write_text(
        "from loopin.usecases.attendance.tickets import TicketDesk\n"
        "from loopin.usecases.audit.ports import AuditLog\n"
        "from loopin.usecases.identity.jobs import audited_member\n",
        encoding="utf-8",
    )
    assert crossings(tmp_path) == []
