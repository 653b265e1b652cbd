"""The console's paged table (``Table``): what the pager says and where its links go, at the edges a staff member
reaches by hand (an empty list, an offset past the end from an old link or an edited address)."""

from __future__ import annotations

from loopin.entrypoints.admin.rendering import Table


def table(offset: int, total: int) -> Table:
    return Table("/admin/members", {}, "joined_at", True, offset, 25, total)


def test_a_page_inside_the_list_says_which_rows_it_shows() -> None:
    assert table(0, 13).showing == "1–13 of 13"
    assert table(25, 60).showing == "26–50 of 60"
    assert table(25, 60).previous == "/admin/members?sort=joined_at&order=desc"
    assert table(25, 60).next == "/admin/members?sort=joined_at&order=desc&offset=50"


def test_an_empty_list_leaves_the_saying_to_the_table() -> None:
    """The table's own row says it ('No member matches.'); the pager added a second 'No matches'."""
    assert table(0, 0).showing == ""
    assert table(0, 0).previous is None
    assert table(0, 0).next is None


def test_an_offset_past_the_end_says_so_and_leads_back_to_the_last_page() -> None:
    """It said rows 1001 to 13 of 13, and Previous went to offset 975, as empty."""
    past = table(1000, 13)
    assert past.showing == "Nothing after row 13"
    assert past.previous == "/admin/members?sort=joined_at&order=desc"
    assert past.next is None
    assert table(1000, 60).previous == "/admin/members?sort=joined_at&order=desc&offset=50"
    assert table(60, 60).showing == "Nothing after row 60"
    assert table(60, 60).previous == "/admin/members?sort=joined_at&order=desc&offset=50"
