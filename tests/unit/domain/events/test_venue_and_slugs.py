"""Venues are found again by place; slugs and canonical ids; the city of a Google address."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loopin.domain.events.slugs import (
    CITY_SLUG_MAX,
    canonical_path,
    generate_slug,
    is_canonical_id,
    is_city_slug,
    new_canonical_id,
)
from loopin.domain.events.venue import Venue, city_display_name, city_slug, guess_city, match_key

NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Sunset Jam Session", "sunset-jam-session"),
        ("Café  Jam!", "cafe-jam"),
        ("मुंबई Meetup", "meetup"),
        ("मुंबई", "event"),
        ("", "event"),
        ("a_b  c--d", "a-b-c-d"),
    ],
)
def test_slugs(text: str, slug: str) -> None:
    assert generate_slug(text) == slug


def test_long_slugs_are_cut_at_a_word_and_never_exceed_the_limit() -> None:
    slug = generate_slug("word " * 40)
    assert len(slug) <= 70
    assert not slug.endswith("-")
    assert slug.endswith("word")
    assert len(generate_slug("x" * 300)) == 70


def test_canonical_ids_are_random_base62() -> None:
    ids = {new_canonical_id() for _ in range(2000)}
    assert len(ids) == 2000  # no clock-derived collisions
    assert all(is_canonical_id(i) and len(i) == 8 for i in ids)
    assert not is_canonical_id("abc")
    assert not is_canonical_id("abc-def!")


def test_a_city_slug_is_what_generate_slug_can_give_for_a_city() -> None:
    longest = generate_slug("a" * 3000, CITY_SLUG_MAX)
    for slug in ("mumbai", "new-delhi", "Bengaluru", "sector-17", longest):
        assert is_city_slug(slug), slug
    for text in ("", "a" * (CITY_SLUG_MAX + 1), "new delhi", "-pune", "pune-", "a--b", "café", "x\x00", "a/"):
        assert not is_city_slug(text), text


def test_canonical_path() -> None:
    assert canonical_path("IN", "mumbai", "jam", "Ab12Cd34") == "/in/mumbai/events/jam--Ab12Cd34"
    assert canonical_path("", "", "jam", "Ab12Cd34") == "/in/unknown/events/jam--Ab12Cd34"


@pytest.mark.parametrize(
    ("address", "declared", "city"),
    [
        ("Carter Road, Bandra West, Mumbai, Maharashtra 400050, India", "Carter Road Amphitheatre", "Mumbai"),
        ("80 Feet Rd, Koramangala, Bengaluru, Karnataka 560034, India", "Toit", "Bangalore"),
        ("MI Road, Jaipur, Rajasthan 302001, India", "Venue X", "Jaipur"),
        ("Lonavala, Maharashtra, India", "Venue X", "Lonavala"),
        ("Anywhere", "Pune", "Pune"),  # a real declared city wins
        ("", "", "Venue X"),
    ],
)
def test_guess_city(address: str, declared: str, city: str) -> None:
    venue_name = "Carter Road Amphitheatre" if declared == "Carter Road Amphitheatre" else "Venue X"
    if declared == "Toit":
        venue_name = "Toit"
    assert guess_city(address, declared, venue_name) == city


def test_city_slugs_fold_known_spellings() -> None:
    assert city_slug("Bengaluru") == city_slug("bangalore") == city_slug("Bengaluru Urban") == "bangalore"
    assert city_slug("New Delhi") == "delhi"
    assert city_slug("Navi Mumbai") == "mumbai"
    assert city_slug("Jaipur") == "jaipur"
    assert city_slug("") == "unknown"
    assert city_display_name("bangalore") == "Bangalore"
    assert city_display_name("navi-pur") == "Navi Pur"


def test_the_same_place_typed_again_has_the_same_key() -> None:
    assert match_key("Toit", "80 Feet Rd, Koramangala", "Bengaluru") == match_key(
        "  TOIT ", "80 Feet Rd,  Koramangala.", "bengaluru"
    )
    assert match_key("Café X", "Road", "Pune") == match_key("Cafe X", "road", "PUNE")
    assert match_key("Toit", "Road", "Pune") != match_key("Toit 2", "Road", "Pune")
    venue = Venue.new(name="Toit", address="80 Feet Rd", city="Bengaluru", now=NOW)
    assert venue.city_slug == "bangalore"
    assert venue.match_key == match_key("Toit", "80 Feet Rd", "Bengaluru")
