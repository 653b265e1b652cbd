"""Counts in the console read as English: '1 order', '2 orders', never '1 orders'. One filter, ``counted``, says
every count with its noun, so no template spells a plural by hand."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from loopin.entrypoints.admin.console import template_config
from loopin.entrypoints.admin.rendering import counted
from loopin.entrypoints.settings import Settings
from loopin.usecases.staff.console import Dashboard
from loopin.usecases.staff.ports import Takings
from tests.unit.entrypoints.console_templates import template_matches


def test_a_count_and_its_noun() -> None:
    assert [counted(n, "order") for n in (0, 1, 2)] == ["0 orders", "1 order", "2 orders"]
    assert [counted(n, "entry", "entries") for n in (1, 3)] == ["1 entry", "3 entries"]
    assert counted(1_200, "member") == "1,200 members"


def test_the_dashboard_says_1_order_and_1_refund(memory_settings: Settings) -> None:
    one = Takings(1, Decimal("500"))
    board = Dashboard(date(2026, 12, 7), {"active": 1}, 1, 0, 0, one, one, one, one, 0, 0)
    engine = template_config(memory_settings).engine_instance
    shown = engine.get_template("admin/dashboard.html").render(board=board)
    assert "1 order ·" in shown
    assert "1 refund ·" in shown
    assert "1 orders" not in shown


def test_no_template_spells_a_plural_after_a_count_by_hand() -> None:
    by_hand = re.compile(r"== 1 else|\}\} (orders|refunds|members|entries|anchors)\b")
    found = template_matches(by_hand)
    assert found == []


def test_the_audit_chain_says_1_entry(memory_settings: Settings) -> None:
    chain = SimpleNamespace(intact=True, checked=1, anchors=1, head=1, unsealed=1)
    engine = template_config(memory_settings).engine_instance
    shown = engine.get_template("admin/audit.html").render(chain=chain, filters={}, entries=[])
    assert "Intact: 1 entry verified, 1 daily anchor matched, head #1. Before the chain: 1 entry." in shown
