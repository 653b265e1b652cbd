"""The order of the bounded contexts: a context may import only contexts below it, never one beside or above.

    shared < platform < identity < (audit, notifications) < events < attendance < payments < payouts

``shared`` holds what every context needs (time, transactions, errors); ``platform`` the generic services
(files, analytics, rate limits); audit and notifications record and deliver what the business contexts leave
behind, so they know members but no event. Attendance may import events, never the reverse: where events
needs attendance's data it declares a port that attendance implements (``EventAccessGrants``). Payments
finish attendance's tickets (``TicketDesk``); payouts pay hosts from payments. Checked in every layer: a
module belongs to the context its path names (``usecases/attendance/…``, ``adapters/persistence/attendance_
reader.py``, ``routes/events/…``); modules that name none (the ORM, the composition root) wire contexts
together and are not checked.
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
    "identity": 2,
    "audit": 3,
    "notifications": 3,
    "events": 4,
    "attendance": 5,
    "payments": 6,
    "payouts": 7,
}
# Adapter modules whose names say what they store rather than their context.
ALIASES = {
    "venues": "events",
    "event_cache": "events",
    "cache": "events",
    "sms": "identity",
    "push": "notifications",
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
        "from loopin.adapters.persistence.orm import TicketRow\n",
        encoding="utf-8",
    )
    assert crossings(tmp_path) == []
