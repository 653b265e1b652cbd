"""The dependency rule: domain and use cases are pure Python that depend only on ports.

Every import of every module under ``domain`` and ``usecases`` (including imports inside functions and
``TYPE_CHECKING`` blocks) must be the standard library, an inner layer, or one of the few pure libraries
allowed below; a framework, an ORM, a driver or a vendor SDK there fails this test.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

# Pure, dependency-free libraries the domain may use: parsing phone numbers is data, not a vendor.
PURE_LIBRARIES = frozenset({"phonenumbers"})

INNER_LAYERS = {
    "domain": ("loopin.domain",),
    "usecases": ("loopin.domain", "loopin.usecases"),
}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}"


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative imports stay inside their package
                names.append((node.lineno, "." * node.level + (node.module or "")))
            elif node.module:
                names.append((node.lineno, node.module))
    return names


def violations(layer_root: Path, allowed_inner: tuple[str, ...]) -> list[Violation]:
    found: list[Violation] = []
    for path in sorted(layer_root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in imported_names(tree):
            if name.startswith("."):
                continue
            top = name.split(".")[0]
            if top == "__future__" or top in sys.stdlib_module_names or top in PURE_LIBRARIES:
                continue
            if top == "loopin" and any(name == p or name.startswith(p + ".") for p in allowed_inner):
                continue
            found.append(Violation(str(path.relative_to(layer_root.parent)), line, name))
    return found


@pytest.mark.parametrize("layer", sorted(INNER_LAYERS))
def test_layer_imports_only_the_standard_library_and_inner_layers(layer: str) -> None:
    root = SRC / "loopin" / layer
    assert any(root.rglob("*.py")), f"no modules found under {root}"
    found = violations(root, INNER_LAYERS[layer])
    assert not found, "dependency rule broken:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import litestar", "litestar"),
        ("from sqlalchemy.orm import Session", "sqlalchemy.orm"),
        ("def f():\n    import redis.asyncio\n", "redis.asyncio"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from twilio.rest import Client\n",
            "twilio.rest",
        ),
        ("from loopin.adapters.clock import SystemClock", "loopin.adapters.clock"),
        ("from loopin.usecases.shared.ports import Clock", "loopin.usecases.shared.ports"),
        ("import msgspec", "msgspec"),
        ("from dishka import Provider", "dishka"),
    ],
)
def test_the_rule_catches_what_it_forbids(tmp_path: Path, source: str, expected: str) -> None:
    domain = tmp_path / "domain"
    domain.mkdir()
    (domain / "bad.py").write_text(source, encoding="utf-8")
    assert [v.imported for v in violations(domain, INNER_LAYERS["domain"])] == [expected]


def test_the_rule_lets_pure_code_through(tmp_path: Path) -> None:
    usecases = tmp_path / "usecases"
    usecases.mkdir()
    (usecases / "good.py").write_text(
        "from __future__ import annotations\nimport hmac\nfrom datetime import datetime\n"
        "from loopin.domain.identity.member import Member\nfrom loopin.usecases.shared.ports import Clock\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert violations(usecases, INNER_LAYERS["usecases"]) == []
