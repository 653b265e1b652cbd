"""Share-link identity: a random canonical id (the identity) plus cosmetic slugs (title, city)."""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata

BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CANONICAL_ID_LENGTH = 8  # 62**8 ≈ 2.2e14 values, drawn from the OS random source: neither guessable nor ordered
SLUG_MAX = 70
CITY_SLUG_MAX = 100  # a venue's city is at most 100 characters, so no city's slug is longer
_CANONICAL_ID = re.compile(r"^[0-9A-Za-z]{5,12}$")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def new_canonical_id() -> str:
    return "".join(secrets.choice(BASE62) for _ in range(CANONICAL_ID_LENGTH))


def is_canonical_id(text: str) -> bool:
    return bool(_CANONICAL_ID.match(text))


def is_city_slug(text: str) -> bool:
    """Whether ``text`` could be a city's slug (any case): ``generate_slug``'s shape, ``CITY_SLUG_MAX`` at most."""
    return len(text) <= CITY_SLUG_MAX and bool(_SLUG.fullmatch(text.lower()))


@functools.lru_cache(maxsize=4096)
def generate_slug(text: str, max_length: int = SLUG_MAX, *, empty: str = "event") -> str:
    """ASCII, lower case, words joined by ``-``, cut at a word boundary when it is long (at most ``max_length``).

    ``Café Jam!`` → ``cafe-jam``; text with no Latin letters or digits left gives ``empty``. Kept for the texts
    it has seen: every feed page and event shows its slug, derived from the title (~10 µs of normalizing and four
    regular expressions, 0.5 ms of a cold 50-event page).
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[\s_]+", "-", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9-]", "", slug)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        boundary = cut.rfind("-")
        slug = (cut[:boundary] if boundary > max_length * 0.6 else cut).strip("-")
    return slug or empty


def canonical_path(country_code: str, city_slug: str, slug: str, canonical_id: str) -> str:
    """``/in/mumbai/events/sunset-jam--8q6SfpQ2``: only the canonical id identifies the event."""
    return f"/{country_code.lower() or 'in'}/{city_slug or 'unknown'}/events/{slug}--{canonical_id}"
