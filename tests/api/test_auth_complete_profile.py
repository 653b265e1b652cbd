"""POST /api/auth/complete-profile (multipart): validation by bytes, all-or-nothing, waitlisting once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import AsyncTestClient

from loopin.entrypoints.settings import Settings
from tests.api.flows import (
    PHONE,
    assert_error,
    assert_invalid,
    bearer,
    member_row,
    phone,
    pictures,
    profile_form,
    sign_in,
    sql,
    stored_files,
)
from tests.support import Fakes, jpeg_bytes, png_bytes

COMPLETE = "/api/auth/complete-profile"
MB = 1024 * 1024
IST = ZoneInfo("Asia/Kolkata")
Files = list[tuple[str, tuple[str, bytes, str]]]


def webp_bytes(size: int = 200) -> bytes:
    body = b"WEBPVP8 " + (size + 10).to_bytes(4, "little") + b"\x00" * size
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def upload(data: bytes, name: str = "image_0.jpg", media_type: str = "image/jpeg") -> Files:
    return [("profile_pictures", (name, data, media_type))]


@pytest.fixture
async def headers(api: AsyncTestClient, fakes: Fakes) -> dict[str, str]:
    """A member who verified their phone and has not completed a profile yet."""
    return bearer((await sign_in(api, fakes))["token"])


@pytest.fixture
def media_root(service_settings: Settings) -> Path:
    return Path(service_settings.media_root)


async def assert_nothing_written(api: AsyncTestClient, headers: dict[str, str], media_root: Path) -> None:
    """A refused completion leaves the onboarding member exactly as they were: no profile, no files."""
    profile = (await api.get("/api/auth/profile", headers=headers)).json()
    assert profile["status"] == "onboarding"
    assert profile["name"] == ""
    assert profile["birth_date"] is None
    assert profile["event_interests"] == []
    assert profile["profile_pictures"] == []
    assert stored_files(media_root) == []
    row = await member_row()
    assert (row.status, row.name, row.picture_keys, row.interest_ids) == ("onboarding", "", [], [])


async def complete(api: AsyncTestClient, headers: dict[str, str], files: Files | None = None, **form: str) -> Any:
    return await api.post(COMPLETE, headers=headers, data=profile_form(**form), files=files or pictures())


async def test_first_completion_answers_the_contract_and_joins_the_waitlist(
    api: AsyncTestClient, fakes: Fakes, headers: dict[str, str], media_root: Path
) -> None:
    now = fakes.clock.now()
    response = await complete(api, headers, pictures(2), event_interests="[3, 1]")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"success", "message", "data", "token"}
    assert body["success"] is True
    assert "detail" not in body  # the app treats a detail key as an error on this route
    assert body["token"] is None
    assert "waitlist" in body["message"]
    assert re.search(r"in about (3\.5|4) hours\.$", body["message"]), body["message"]  # the 210-240 minutes
    data = body["data"]
    user_id = (await member_row()).id
    promote_at = datetime.fromisoformat(data.pop("waitlist_promote_at"))
    assert data == {
        "user_id": user_id,
        "profile_id": user_id,
        "name": "Asha Rao",
        "phone_number": PHONE,
        "gender": "female",
        "event_interests_count": 2,
        "profile_pictures_count": 2,
        "profile_complete": True,
        "is_active": False,
        "status": "waitlisted",
    }
    wait = promote_at - now
    assert timedelta(minutes=210) <= wait <= timedelta(minutes=240)
    assert wait.total_seconds() % 60 == 0  # whole minutes

    profile = (await api.get("/api/auth/profile", headers=headers)).json()
    assert profile["is_active"] is False
    assert [(i["id"], i["name"]) for i in profile["event_interests"]] == [(3, "Food & Drink"), (1, "Music")]
    assert len(profile["profile_pictures"]) == 2
    assert len(stored_files(media_root)) == 2
    for url in profile["profile_pictures"]:
        assert url.startswith(f"/api/media/profiles/{user_id}/")
        assert url.endswith(".png")
        served = await api.get(url)  # public: the app loads images without a token
        assert served.status_code == 200
        assert served.content == png_bytes()
    assert [e.event for e in fakes.analytics.events].count("profile_completed") == 1


async def test_pictures_are_recognised_by_their_bytes_not_their_names(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path
) -> None:
    files = [
        ("profile_pictures", ("image_0.jpg", png_bytes(), "image/jpeg")),  # PNG bytes under a JPEG name and type
        ("profile_pictures", ("image_1.png", jpeg_bytes(), "image/png")),
        ("profile_pictures", ("../../etc/passwd", webp_bytes(), "application/octet-stream")),
    ]
    response = await complete(api, headers, files)
    assert response.status_code == 200, response.text
    urls = (await api.get("/api/auth/profile", headers=headers)).json()["profile_pictures"]
    assert [Path(u).suffix for u in urls] == [".png", ".jpg", ".webp"]
    assert all("passwd" not in u and "image_" not in u for u in urls)
    assert all(p.is_relative_to(media_root) for p in stored_files(media_root))


async def test_a_repeated_completion_replaces_the_profile_but_never_re_waitlists(
    api: AsyncTestClient, fakes: Fakes, headers: dict[str, str], media_root: Path
) -> None:
    first = (await complete(api, headers, pictures(2))).json()["data"]
    old_urls = (await api.get("/api/auth/profile", headers=headers)).json()["profile_pictures"]

    fakes.clock.advance(timedelta(minutes=5))  # the app retries the upload
    response = await complete(api, headers, upload(jpeg_bytes()), name="Asha R", gender="other")
    assert response.status_code == 200, response.text
    again = response.json()
    assert "waitlist" in again["message"]  # still true: the member keeps their place, not a new one
    assert again["data"]["status"] == "waitlisted"
    assert again["data"]["waitlist_promote_at"] == first["waitlist_promote_at"]
    assert again["data"]["profile_pictures_count"] == 1

    profile = (await api.get("/api/auth/profile", headers=headers)).json()
    assert (profile["name"], profile["gender"]) == ("Asha R", "other")
    assert len(profile["profile_pictures"]) == 1
    assert profile["profile_pictures"][0].endswith(".jpg")
    for url in old_urls:  # the replaced pictures were deleted after the commit
        assert (await api.get(url)).status_code == 404
    assert len(stored_files(media_root)) == 1
    completed = [e for e in fakes.analytics.events if e.event == "profile_completed"]
    assert [e.properties["first_time"] for e in completed] == [True, False]


async def test_phone_number_part_is_optional_and_may_be_spelled_any_way(
    api: AsyncTestClient, headers: dict[str, str]
) -> None:
    form = profile_form(phone="09812345678")
    assert (await api.post(COMPLETE, headers=headers, data=form, files=pictures())).status_code == 200
    form.pop("phone_number")
    assert (await api.post(COMPLETE, headers=headers, data=form, files=pictures())).status_code == 200


async def test_someone_elses_phone_number_is_refused(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path
) -> None:
    response = await api.post(COMPLETE, headers=headers, data=profile_form(phone(1)), files=pictures())
    assert_error(response, 403, "PHONE_MISMATCH")
    await assert_nothing_written(api, headers, media_root)


async def test_seven_pictures_are_refused(api: AsyncTestClient, headers: dict[str, str], media_root: Path) -> None:
    messages = assert_invalid(await complete(api, headers, pictures(7)), "profile_pictures")
    assert messages == ["Maximum 6 profile pictures allowed"]
    await assert_nothing_written(api, headers, media_root)


async def test_six_pictures_are_fine(api: AsyncTestClient, headers: dict[str, str], media_root: Path) -> None:
    response = await complete(api, headers, pictures(6))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["profile_pictures_count"] == 6
    assert len(stored_files(media_root)) == 6


async def test_no_picture_is_refused_in_the_envelope_and_writes_nothing(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path
) -> None:
    response = await api.post(COMPLETE, headers=headers, data=profile_form())
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)
    await assert_nothing_written(api, headers, media_root)


async def test_no_picture_is_a_422_saying_a_picture_is_required(
    api: AsyncTestClient, headers: dict[str, str]
) -> None:
    multipart_without_pictures = {"bio": (None, b"")}  # the app always sends multipart/form-data
    response = await api.post(COMPLETE, headers=headers, data=profile_form(), files=multipart_without_pictures)
    assert assert_invalid(response, "profile_pictures") == ["At least one profile picture is required"]


async def test_a_form_that_is_not_multipart_is_a_422(api: AsyncTestClient, headers: dict[str, str]) -> None:
    response = await api.post(COMPLETE, headers=headers, data=profile_form())
    assert assert_invalid(response, "body") == ["Send this form as multipart/form-data."]


async def test_non_images_are_refused(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for data, name in [
        (b"%PDF-1.4\n" + b"0" * 400, "image_0.jpg"),  # a document renamed .jpg
        (b"hello world " * 50, "image_0.jpg"),
        (b"GIF89a" + b"\x00" * 400, "image_0.gif"),  # an image, but not one the app sends
        (b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * 300 + b"</svg>", "image_0.png"),
        (b"", "image_0.jpg"),
    ]:
        with subtests.test(start=data[:12]):
            messages = assert_invalid(await complete(api, headers, upload(data, name)), "profile_pictures")
            assert messages == ["Picture 1 is not a JPEG, PNG or WebP image"]
            await assert_nothing_written(api, headers, media_root)


async def test_one_bad_picture_among_good_ones_stores_none_of_them(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path
) -> None:
    files = [*pictures(2), ("profile_pictures", ("image_2.jpg", b"not an image" * 40, "image/jpeg"))]
    assert assert_invalid(await complete(api, headers, files), "profile_pictures") == [
        "Picture 3 is not a JPEG, PNG or WebP image"
    ]
    await assert_nothing_written(api, headers, media_root)


@pytest.mark.parametrize(("size", "accepted"), [(99, False), (100, True)])
async def test_pictures_under_100_bytes_are_refused(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, size: int, accepted: bool
) -> None:
    data = jpeg_bytes(size - 22)  # a JPEG header and trailer around padding
    assert len(data) == size
    response = await complete(api, headers, upload(data))
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert_invalid(response, "profile_pictures")
        await assert_nothing_written(api, headers, media_root)


@pytest.mark.parametrize(("size", "accepted"), [(10 * MB, True), (10 * MB + 1, False)])
async def test_pictures_over_10_mb_are_refused(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, size: int, accepted: bool
) -> None:
    response = await complete(api, headers, upload(jpeg_bytes(size - 22)))
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert assert_invalid(response, "profile_pictures") == ["Picture 1 is larger than 10 MB"]
        await assert_nothing_written(api, headers, media_root)


async def test_interests_must_be_a_json_array_of_ids(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for raw in [
        "not json",
        "",
        "{}",
        '{"ids": [1]}',
        '"[1,2]"',
        "1",
        '[1, "2"]',
        "[true]",
        "[1.5]",
        "[[1]]",
        "[null]",
    ]:
        with subtests.test(event_interests=raw):
            messages = assert_invalid(await complete(api, headers, event_interests=raw), "event_interests")
            assert "JSON array" in messages[0]
            await assert_nothing_written(api, headers, media_root)


async def test_one_to_five_interests_that_exist(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for raw, message in [
        ("[]", "At least one event interest is required"),
        ("[1,2,3,4,5,6]", "Maximum 5 event interests allowed"),
        ("[9999]", None),
        ("[1, 9999]", None),
        ("[0]", None),
        ("[-3]", None),
    ]:
        with subtests.test(event_interests=raw):
            response = await complete(api, headers, event_interests=raw)
            if message is None:  # well-formed, but no such interest
                assert_invalid(response, "event_interests", "INVALID_EVENT_INTERESTS")
            else:
                assert assert_invalid(response, "event_interests") == [message]
            await assert_nothing_written(api, headers, media_root)


@pytest.fixture
async def inactive_interest(clean_services: None) -> AsyncIterator[int]:
    """Interest 20 switched off for one test (the seeded interests are shared by all tests)."""
    await sql("UPDATE event_interests SET is_active = false WHERE id = 20")
    try:
        yield 20
    finally:
        await sql("UPDATE event_interests SET is_active = true WHERE id = 20")


async def test_inactive_interests_are_refused_and_not_offered(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, inactive_interest: int
) -> None:
    offered = (await api.get("/api/auth/event-interests", headers=headers)).json()["data"]
    assert inactive_interest not in [i["id"] for i in offered]
    response = await complete(api, headers, event_interests=f"[1, {inactive_interest}]")
    assert_invalid(response, "event_interests", "INVALID_EVENT_INTERESTS")
    await assert_nothing_written(api, headers, media_root)


async def test_an_interest_id_out_of_range_is_a_422_not_a_503(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    """Ids PostgreSQL cannot even compare with its bigint keys are still just unknown interests."""
    for raw in ["[9223372036854775808]", "[1, 99999999999999999999999]"]:
        with subtests.test(event_interests=raw):
            assert_invalid(await complete(api, headers, event_interests=raw), "event_interests")
            await assert_nothing_written(api, headers, media_root)


def eighteen_years_before(day: datetime) -> str:
    return day.date().replace(year=day.year - 18).isoformat()


async def test_the_eighteenth_birthday_counts_in_the_platform_time_zone(
    api: AsyncTestClient, fakes: Fakes, headers: dict[str, str], media_root: Path
) -> None:
    # 20:00 UTC is 01:30 the next day in India: the member turns 16 there, not yet in UTC
    now = fakes.clock.now().astimezone(UTC)
    evening = now.replace(hour=20, minute=0, second=0, microsecond=0)
    fakes.clock.advance((evening if evening > now else evening + timedelta(days=1)) - now)
    india = fakes.clock.now().astimezone(IST)
    assert india.date() > fakes.clock.now().astimezone(UTC).date()

    tomorrow = india + timedelta(days=1)
    too_young = await complete(api, headers, birth_date=eighteen_years_before(tomorrow))
    assert assert_invalid(too_young, "birth_date") == ["You must be 18 years or older"]
    await assert_nothing_written(api, headers, media_root)

    birthday = await complete(api, headers, birth_date=eighteen_years_before(india))
    assert birthday.status_code == 200, birthday.text


async def test_bad_birth_dates(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for raw, message in [
        ("05/01/2000", "Invalid date format. Use YYYY-MM-DD"),
        ("2000-02-30", "Invalid date format. Use YYYY-MM-DD"),
        ("", "Invalid date format. Use YYYY-MM-DD"),
        ("yesterday", "Invalid date format. Use YYYY-MM-DD"),
        ("2999-01-01", "Birth date cannot be in the future"),
        ("1899-12-31", "Birth date is not plausible"),
        ("2020-01-01", "You must be 18 years or older"),
    ]:
        with subtests.test(birth_date=raw):
            assert assert_invalid(await complete(api, headers, birth_date=raw), "birth_date") == [message]
            await assert_nothing_written(api, headers, media_root)


async def test_bad_names(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for bad in ["", "   ", "A", " A ", "R2D2", "Asha <b>", "asha@rao", "x" * 101, "-- ''", "😀😀"]:
        with subtests.test(name=bad):
            assert_invalid(await complete(api, headers, name=bad), "name")
            await assert_nothing_written(api, headers, media_root)


async def test_names_of_every_script_are_welcome(
    api: AsyncTestClient, headers: dict[str, str], subtests: pytest.Subtests
) -> None:
    for raw, stored in [
        ("  Asha   Rao ", "Asha Rao"),
        ("José Núñez", "José Núñez"),
        ("आशा राव", "आशा राव"),
        ("O'Brien-Smith Jr.", "O'Brien-Smith Jr."),
        ("x" * 100, "x" * 100),
    ]:
        with subtests.test(name=raw):
            response = await complete(api, headers, name=raw)  # completing again is allowed
            assert response.status_code == 200, response.text
            assert response.json()["data"]["name"] == stored
            assert (await api.get("/api/auth/profile", headers=headers)).json()["name"] == stored


async def test_bad_genders(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for bad in ["", "robot", "m", "femalee", "1"]:
        with subtests.test(gender=bad):
            messages = assert_invalid(await complete(api, headers, gender=bad), "gender")
            assert messages == ["Gender must be one of: male, female, other, prefer_not_to_say"]
            await assert_nothing_written(api, headers, media_root)


async def test_genders_the_app_sends(
    api: AsyncTestClient, headers: dict[str, str], subtests: pytest.Subtests
) -> None:
    for raw, stored in [
        ("male", "male"),
        ("FEMALE", "female"),
        ("Others", "other"),
        ("Prefer not to say", "prefer_not_to_say"),
    ]:
        with subtests.test(gender=raw):
            response = await complete(api, headers, gender=raw)
            assert response.status_code == 200, response.text
            assert response.json()["data"]["gender"] == stored


@pytest.mark.parametrize(("field", "limit"), [("bio", 500), ("location", 100)])
async def test_bio_and_location_are_bounded(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, field: str, limit: int
) -> None:
    assert_invalid(await complete(api, headers, **{field: "x" * (limit + 1)}), field)
    await assert_nothing_written(api, headers, media_root)
    ok = await complete(api, headers, **{field: "x" * limit})
    assert ok.status_code == 200, ok.text
    assert (await api.get("/api/auth/profile", headers=headers)).json()[field] == "x" * limit


async def test_every_problem_is_reported_at_once(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path
) -> None:
    response = await complete(
        api,
        headers,
        upload(b"not a picture" * 20),
        name="R2D2",
        birth_date="2020-01-01",
        gender="robot",
        event_interests="[]",
        bio="x" * 501,
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    fields = [item["loc"][-1] for item in body["detail"]]
    assert set(fields) == {"name", "birth_date", "gender", "event_interests", "bio", "profile_pictures"}
    assert body["message"] == "; ".join(item["msg"] for item in body["detail"])  # how the app joins them
    await assert_nothing_written(api, headers, media_root)


async def test_a_missing_text_part_is_a_422_naming_it(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path, subtests: pytest.Subtests
) -> None:
    for missing in ["name", "birth_date", "gender", "event_interests"]:
        with subtests.test(missing=missing):
            form = profile_form()
            form.pop(missing)
            response = await api.post(COMPLETE, headers=headers, data=form, files=pictures())
            body = assert_error(response, 422, "VALIDATION_ERROR")
            assert any(missing in item["msg"] or item["loc"][-1] == missing for item in body["detail"]), body
            await assert_nothing_written(api, headers, media_root)


async def test_a_json_body_is_refused_in_the_envelope(
    api: AsyncTestClient, headers: dict[str, str], media_root: Path
) -> None:
    response = await api.post(COMPLETE, headers=headers, json={**profile_form(), "profile_pictures": ["x.jpg"]})
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)
    await assert_nothing_written(api, headers, media_root)


async def test_a_failed_retry_leaves_the_completed_profile_intact(
    api: AsyncTestClient, fakes: Fakes, headers: dict[str, str], media_root: Path
) -> None:
    assert (await complete(api, headers, pictures(2))).status_code == 200
    before = (await api.get("/api/auth/profile", headers=headers)).json()
    files_before = stored_files(media_root)

    fakes.clock.advance(timedelta(minutes=1))
    refused = await complete(api, headers, [*pictures(1), *upload(b"x" * 500)], name="Someone Else")
    assert_invalid(refused, "profile_pictures")
    refused = await complete(api, headers, pictures(3), name="Someone Else", event_interests="[9999]")
    assert_invalid(refused, "event_interests", "INVALID_EVENT_INTERESTS")

    assert (await api.get("/api/auth/profile", headers=headers)).json() == before
    assert stored_files(media_root) == files_before
    for url in before["profile_pictures"]:
        assert (await api.get(url)).status_code == 200


async def test_completion_needs_a_session(api: AsyncTestClient, fakes: Fakes, media_root: Path) -> None:
    headers = bearer((await sign_in(api, fakes))["token"])
    for bad in ({}, {"Authorization": "Bearer not-a-jwt"}):
        response = await api.post(COMPLETE, headers=bad, data=profile_form(), files=pictures())
        assert_error(response, 401, "NOT_AUTHENTICATED")
    await assert_nothing_written(api, headers, media_root)
