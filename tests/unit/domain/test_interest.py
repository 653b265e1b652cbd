"""Event interests: slugs and the seeded list."""

from __future__ import annotations

import pytest

from loopin.domain.identity.interest import SEED_INTERESTS, EventInterest, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Music", "music"),
        ("Food & Drink", "food-drink"),
        ("Health & Wellness", "health-wellness"),
        ("  Art & Culture  ", "art-culture"),
        ("Café Société", "cafe-societe"),
        ("Rock'n'Roll!!", "rock-n-roll"),
        ("3D Printing", "3d-printing"),
    ],
)
def test_slugs_are_lower_case_ascii_words_joined_by_hyphens(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_without_latin_letters_has_an_empty_slug() -> None:
    assert slugify("संगीत") == ""


def test_the_seed_list_has_twenty_distinct_interests_with_distinct_slugs() -> None:
    assert len(SEED_INTERESTS) == 20
    assert len(set(SEED_INTERESTS)) == 20
    slugs = [slugify(n) for n in SEED_INTERESTS]
    assert all(slugs)
    assert len(set(slugs)) == 20


def test_a_new_interest_is_active_by_default() -> None:
    interest = EventInterest(1, "Music", "music")
    assert interest.is_active
    assert interest.created_at is None
