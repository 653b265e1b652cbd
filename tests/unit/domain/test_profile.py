"""Profile rules: names of every script, gender values, minimum age 16, text limits, interest counts."""

from __future__ import annotations

from datetime import date

import pytest

from loopin.domain.identity.profile import (
    MIN_AGE_YEARS,
    Gender,
    Profile,
    age_on,
    check_birth_date,
    check_interest_ids,
    clean_name,
    clean_text,
    parse_birth_date,
    raise_if_any,
)
from loopin.domain.shared.errors import ErrorKind, FieldProblem, InvalidInput

TODAY = date(2026, 3, 2)


def name_problems(raw: str) -> tuple[str, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    return clean_name(raw, problems), problems


@pytest.mark.parametrize(
    "name",
    [
        "Asha Rao",
        "Li",
        "José Álvarez",
        "Jose\u0301 Alvarez",  # decomposed accent: a letter and a combining mark
        "Zoë O'Brien",
        "D’Souza",
        "Mary-Jane Watson",
        "Dr. A.P.J. Abdul Kalam",
        "Nguyễn Văn An",
        "श्रीनिवास रामानुजन्",  # Devanagari with vowel signs and virama
        "தமிழ்செல்வி",  # Tamil
        "ਗੁਰਪ੍ਰੀਤ ਕੌਰ",  # Gurmukhi
        "আনন্দ",  # Bengali
        "ಕನ್ನಡ",  # Kannada
        "മലയാളം",  # Malayalam
        "क्\u200dष",  # Devanagari with a zero-width joiner
        "می\u200cخواهم",  # Persian with a zero-width non-joiner
        "a" * 100,
    ],
)
def test_names_of_every_script_are_accepted_unchanged(name: str) -> None:
    cleaned, problems = name_problems(name)
    assert problems == []
    assert cleaned == name


def test_whitespace_in_names_is_collapsed_and_trimmed() -> None:
    cleaned, problems = name_problems("  Asha \t  Rao \n")
    assert problems == []
    assert cleaned == "Asha Rao"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Name cannot be empty"),
        ("   \t ", "Name cannot be empty"),
        ("A", "Name must be at least 2 characters long"),
        ("  A  ", "Name must be at least 2 characters long"),
        ("a" * 101, "Name must be at most 100 characters long"),
        ("Asha2", "Name may contain only letters, spaces, hyphens, apostrophes and dots"),
        ("Asha_Rao", "Name may contain only letters, spaces, hyphens, apostrophes and dots"),
        ("asha@rao", "Name may contain only letters, spaces, hyphens, apostrophes and dots"),
        ("😀😀", "Name may contain only letters, spaces, hyphens, apostrophes and dots"),
        ("--", "Name may contain only letters, spaces, hyphens, apostrophes and dots"),
        ("'. -", "Name may contain only letters, spaces, hyphens, apostrophes and dots"),
    ],
)
def test_bad_names_are_reported_on_the_name_field(raw: str, message: str) -> None:
    _, problems = name_problems(raw)
    assert problems == [FieldProblem("name", message)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("male", Gender.MALE),
        (" FEMALE ", Gender.FEMALE),
        ("other", Gender.OTHER),
        ("Others", Gender.OTHER),
        ("prefer_not_to_say", Gender.PREFER_NOT_TO_SAY),
        ("Prefer not to say", Gender.PREFER_NOT_TO_SAY),
    ],
)
def test_gender_values_and_their_app_spellings(raw: str, expected: Gender) -> None:
    problems: list[FieldProblem] = []
    assert Gender.parse(raw, problems) is expected
    assert problems == []


@pytest.mark.parametrize("raw", ["", "m", "unknown", "woman", "prefer-not-to-say"])
def test_unknown_genders_are_refused_listing_the_allowed_values(raw: str) -> None:
    problems: list[FieldProblem] = []
    assert Gender.parse(raw, problems) is None
    assert problems == [
        FieldProblem("gender", "Gender must be one of: male, female, other, prefer_not_to_say"),
    ]


def test_minimum_age_is_eighteen() -> None:
    """Under 18 is a child in the DPDP Act, whose data needs verifiable parental consent: members are adults."""
    assert MIN_AGE_YEARS == 18


def test_eighteen_exactly_today_is_old_enough() -> None:
    problems: list[FieldProblem] = []
    assert check_birth_date(date(2008, 3, 2), TODAY, problems) == date(2008, 3, 2)
    assert problems == []


def test_one_day_short_of_eighteen_is_refused() -> None:
    problems: list[FieldProblem] = []
    assert check_birth_date(date(2008, 3, 3), TODAY, problems) is None
    assert problems == [FieldProblem("birth_date", "You must be 18 years or older")]


def test_a_leap_day_birthday_turns_sixteen_on_the_first_of_march_in_common_years() -> None:
    born = date(2010, 2, 28)
    assert age_on(born, date(2026, 2, 27)) == 15
    assert age_on(born, date(2026, 2, 28)) == 16
    leap_born = date(2008, 2, 29)
    assert age_on(leap_born, date(2024, 2, 28)) == 15
    assert age_on(leap_born, date(2024, 2, 29)) == 16
    assert age_on(date(2009, 3, 1), date(2025, 2, 28)) == 15
    assert age_on(date(2009, 3, 1), date(2025, 3, 1)) == 16


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (date(2026, 3, 3), "Birth date cannot be in the future"),
        (TODAY, "You must be 18 years or older"),
        (date(1899, 12, 31), "Birth date is not plausible"),
    ],
)
def test_implausible_birth_dates_are_refused(born: date, message: str) -> None:
    problems: list[FieldProblem] = []
    assert check_birth_date(born, TODAY, problems) is None
    assert problems == [FieldProblem("birth_date", message)]


def test_the_oldest_plausible_birth_date_is_1900() -> None:
    problems: list[FieldProblem] = []
    assert check_birth_date(date(1900, 1, 1), TODAY, problems) == date(1900, 1, 1)
    assert problems == []


def test_birth_dates_are_read_in_iso_format() -> None:
    problems: list[FieldProblem] = []
    assert parse_birth_date(" 2000-01-05 ", TODAY, problems) == date(2000, 1, 5)
    assert problems == []


@pytest.mark.parametrize("raw", ["", "05/01/2000", "2000-13-01", "2000-02-30", "yesterday"])
def test_unreadable_birth_dates_are_refused(raw: str) -> None:
    problems: list[FieldProblem] = []
    assert parse_birth_date(raw, TODAY, problems) is None
    assert problems == [FieldProblem("birth_date", "Invalid date format. Use YYYY-MM-DD")]


def test_a_readable_birth_date_still_has_to_pass_the_age_rule() -> None:
    problems: list[FieldProblem] = []
    assert parse_birth_date("2015-06-01", TODAY, problems) is None
    assert problems == [FieldProblem("birth_date", "You must be 18 years or older")]


@pytest.mark.parametrize(("field_name", "limit"), [("bio", 500), ("location", 100)])
def test_free_text_is_trimmed_and_limited(field_name: str, limit: int) -> None:
    problems: list[FieldProblem] = []
    assert clean_text("  " + "x" * limit + "  ", field_name, limit, problems) == "x" * limit
    assert problems == []
    clean_text("x" * (limit + 1), field_name, limit, problems)
    assert problems == [
        FieldProblem(field_name, f"{field_name.capitalize()} must be at most {limit} characters"),
    ]


def test_interests_are_deduplicated_in_order() -> None:
    problems: list[FieldProblem] = []
    assert check_interest_ids([7, 1, 7, 4, 1], problems) == (7, 1, 4)
    assert problems == []


def test_between_one_and_five_distinct_interests() -> None:
    problems: list[FieldProblem] = []
    assert check_interest_ids([1, 2, 3, 4, 5], problems) == (1, 2, 3, 4, 5)
    assert check_interest_ids([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], problems) == (1, 2, 3, 4, 5)
    assert problems == []
    check_interest_ids([], problems)
    check_interest_ids([1, 2, 3, 4, 5, 6], problems)
    assert problems == [
        FieldProblem("event_interests", "At least one event interest is required"),
        FieldProblem("event_interests", "Maximum 5 event interests allowed"),
    ]


def test_raise_if_any_reports_every_problem_at_once() -> None:
    raise_if_any([])  # nothing to report
    problems = [FieldProblem("name", "Name cannot be empty"), FieldProblem("gender", "bad gender")]
    with pytest.raises(InvalidInput) as caught:
        raise_if_any(problems)
    assert caught.value.kind is ErrorKind.INVALID_INPUT
    assert caught.value.code == "VALIDATION_ERROR"
    assert caught.value.problems == tuple(problems)
    assert caught.value.message == "Name cannot be empty; bad gender"


def test_a_profile_is_complete_with_a_name_and_a_picture() -> None:
    assert not Profile().is_complete
    assert not Profile(name="Asha Rao").is_complete
    assert not Profile(picture_keys=("profiles/1/a.png",)).is_complete
    assert Profile(name="Asha Rao", picture_keys=("profiles/1/a.png",)).is_complete
