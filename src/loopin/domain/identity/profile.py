"""What a member tells about themselves, and the rules those answers must follow."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from enum import Enum

from loopin.domain.shared.changes import KEEP, Keep
from loopin.domain.shared.errors import FieldProblem, InvalidInput, not_one_of

MIN_AGE_YEARS = 18  # adults only: a child's data needs verifiable parental consent (DPDP Act s.9, docs/privacy.md)
NAME_MIN, NAME_MAX = 2, 100
BIO_MAX = 500
LOCATION_MAX = 100
MIN_INTERESTS, MAX_INTERESTS = 1, 5
MIN_PICTURES, MAX_PICTURES = 1, 6
_NAME_PUNCTUATION = frozenset(" -'.’\u200c\u200d")  # ZWNJ/ZWJ shape Indic and Persian spellings


class Gender(Enum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"

    @classmethod
    def parse(cls, raw: str, problems: list[FieldProblem]) -> Gender | None:
        value = raw.strip().lower().replace(" ", "_")
        if value in ("others",):
            value = "other"
        try:
            return cls(value)
        except ValueError:
            problems.append(FieldProblem("gender", not_one_of(cls, "Gender")))
            return None


@dataclass(slots=True)
class Profile:
    name: str = ""
    birth_date: date | None = None
    gender: Gender | None = None
    bio: str = ""
    location: str = ""
    interest_ids: tuple[int, ...] = ()
    picture_keys: tuple[str, ...] = field(default=())

    @property
    def is_complete(self) -> bool:
        """A profile is complete once it has a name and at least one picture (the app's definition)."""
        return bool(self.name) and bool(self.picture_keys)


def clean_name(raw: str, problems: list[FieldProblem]) -> str:
    """Letters of any script (with their combining marks), spaces, hyphens, apostrophes and dots."""
    name = " ".join(raw.split())
    if not name:
        problems.append(FieldProblem("name", "Name cannot be empty"))
    elif len(name) < NAME_MIN:
        problems.append(FieldProblem("name", f"Name must be at least {NAME_MIN} characters long"))
    elif len(name) > NAME_MAX:
        problems.append(FieldProblem("name", f"Name must be at most {NAME_MAX} characters long"))
    elif not is_person_name(name):
        problems.append(
            FieldProblem("name", "Name may contain only letters, spaces, hyphens, apostrophes and dots")
        )
    return name


def is_person_name(name: str) -> bool:
    """A member's or a host lead's name: letters of any script with their combining marks, the punctuation names
    carry, and at least one letter."""
    return all(ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in ("L", "M") for ch in name) and any(
        ch.isalpha() for ch in name
    )


def parse_birth_date(raw: str, today: date, problems: list[FieldProblem]) -> date | None:
    try:
        born = date.fromisoformat(raw.strip())
    except ValueError:
        problems.append(FieldProblem("birth_date", "Invalid date format. Use YYYY-MM-DD"))
        return None
    return check_birth_date(born, today, problems)


def check_birth_date(born: date, today: date, problems: list[FieldProblem]) -> date | None:
    if born > today:
        problems.append(FieldProblem("birth_date", "Birth date cannot be in the future"))
        return None
    if born.year < 1900:
        problems.append(FieldProblem("birth_date", "Birth date is not plausible"))
        return None
    if age_on(born, today) < MIN_AGE_YEARS:
        problems.append(FieldProblem("birth_date", f"You must be {MIN_AGE_YEARS} years or older"))
        return None
    return born


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def clean_text(raw: str, field_name: str, limit: int, problems: list[FieldProblem]) -> str:
    text = raw.strip()
    if len(text) > limit:
        problems.append(FieldProblem(field_name, f"{field_name.capitalize()} must be at most {limit} characters"))
    return text


def check_interest_ids(ids: Sequence[int], problems: list[FieldProblem]) -> tuple[int, ...]:
    unique = tuple(dict.fromkeys(ids))
    if len(unique) < MIN_INTERESTS:
        problems.append(FieldProblem("event_interests", "At least one event interest is required"))
    elif len(unique) > MAX_INTERESTS:
        problems.append(FieldProblem("event_interests", f"Maximum {MAX_INTERESTS} event interests allowed"))
    return unique


def raise_if_any(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInput(problems)


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """Only fields that are not KEEP change. Pictures can be reordered or removed, never pointed elsewhere."""

    name: str | Keep = KEEP
    bio: str | None | Keep = KEEP
    location: str | None | Keep = KEEP
    birth_date: date | None | Keep = KEEP
    gender: str | None | Keep = KEEP
    interest_ids: list[int] | Keep = KEEP
    picture_urls: list[str] | Keep = KEEP

    def sent(self) -> tuple[str, ...]:
        """The names of the fields this change sets (what the audit log keeps: never their values)."""
        return tuple(f.name for f in fields(self) if not isinstance(getattr(self, f.name), Keep))

    def apply_to(
        self, profile: Profile, problems: list[FieldProblem], *, today: date, picture_keys: Mapping[str, str]
    ) -> tuple[str, ...]:
        """Changes ``profile`` in place (``picture_keys``: the storage key of each of its picture URLs);
        returns the keys of the pictures it no longer shows."""
        if not isinstance(self.name, Keep):
            profile.name = clean_name(self.name, problems)
        if not isinstance(self.bio, Keep):
            profile.bio = clean_text(self.bio or "", "bio", BIO_MAX, problems)
        if not isinstance(self.location, Keep):
            profile.location = clean_text(self.location or "", "location", LOCATION_MAX, problems)
        if not isinstance(self.birth_date, Keep):
            born = self.birth_date
            profile.birth_date = check_birth_date(born, today, problems) if born is not None else None
        if not isinstance(self.gender, Keep):
            profile.gender = Gender.parse(self.gender, problems) if self.gender else None
        if not isinstance(self.interest_ids, Keep):
            profile.interest_ids = check_interest_ids(self.interest_ids, problems)
        if isinstance(self.picture_urls, Keep):
            return ()
        kept = _pictures_kept(self.picture_urls, picture_keys, problems)
        removed = tuple(k for k in profile.picture_keys if k not in kept)
        profile.picture_keys = kept
        return removed


def _pictures_kept(
    urls: list[str], picture_keys: Mapping[str, str], problems: list[FieldProblem]
) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(picture_keys.get(u.strip().rstrip("?")) or "" for u in urls))
    if "" in keys:
        problems.append(
            FieldProblem(
                "profile_pictures",
                "Pictures can only be reordered or removed here; upload new ones through profile completion",
            )
        )
    elif not MIN_PICTURES <= len(keys) <= MAX_PICTURES:
        problems.append(
            FieldProblem("profile_pictures", f"Keep between {MIN_PICTURES} and {MAX_PICTURES} profile pictures")
        )
    return keys
