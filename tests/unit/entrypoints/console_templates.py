"""Reading the staff console's templates as text, for the tests that keep a rule out of them."""

from __future__ import annotations

import re

from loopin.entrypoints.admin.console import TEMPLATES


def template_matches(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(template file, matched text) for every match of ``pattern`` in every console template."""
    found: list[tuple[str, str]] = []
    for page in TEMPLATES.rglob("*.html"):
        found += [(page.name, match.group(0)) for match in pattern.finditer(page.read_text())]
    return found
