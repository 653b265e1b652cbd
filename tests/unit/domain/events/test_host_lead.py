from datetime import UTC, datetime

import pytest

from loopin.domain.events.host_lead import new_lead
from loopin.domain.shared.errors import InvalidInput

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Priya", "O'Neil-Smith", "J.R.", "प्रिया", "می\u200cخواهم", "ಕ\u200dಷ"])
def test_a_lead_is_named_by_the_same_rule_as_a_member(name: str) -> None:
    lead = new_lead(name, name, "+919812345678", "", now=NOW)
    assert (lead.first_name, lead.last_name) == (name, name)


@pytest.mark.parametrize("name", ["R2D2", "<b>", "...", "\u200c"])
def test_a_lead_name_without_letters_or_with_symbols_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        new_lead(name, "Kumar", "+919812345678", "", now=NOW)
    assert [p.field for p in refused.value.problems] == ["first_name"]
