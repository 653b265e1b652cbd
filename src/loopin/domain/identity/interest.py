"""Event interests ("vibes") that members pick and events are tagged with."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class EventInterest:
    id: int
    name: str
    slug: str
    is_active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


SEED_INTERESTS = (
    "Music",
    "Sports",
    "Food & Drink",
    "Technology",
    "Art & Culture",
    "Travel",
    "Fitness",
    "Business",
    "Education",
    "Entertainment",
    "Gaming",
    "Photography",
    "Dance",
    "Comedy",
    "Fashion",
    "Health & Wellness",
    "Volunteering",
    "Outdoor",
    "Networking",
    "Workshop",
)
