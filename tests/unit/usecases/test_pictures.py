"""Profile pictures: recognised by their bytes (JPEG, PNG, WebP), size-limited, stored under random keys."""

from __future__ import annotations

import re

import pytest

from loopin.adapters.memory.platform import MemoryFileStorage
from loopin.adapters.storage.images import MagicBytesImageInspector
from loopin.domain.shared.errors import FieldProblem
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.pictures import check_pictures, store_pictures
from loopin.usecases.platform.files import CheckedImage, UploadedFile, discard
from tests.support import jpeg_bytes, png_bytes

INSPECTOR = MagicBytesImageInspector()
CONFIG = IdentityConfig(picture_max_bytes=2000, picture_min_bytes=100)


def webp_bytes(size: int = 300) -> bytes:
    return b"RIFF" + (size + 8).to_bytes(4, "little") + b"WEBPVP8 " + b"\x00" * size


def check(files: list[UploadedFile], config: IdentityConfig = CONFIG) -> tuple[list[CheckedImage], list[str]]:
    problems: list[FieldProblem] = []
    checked = check_pictures(files, INSPECTOR, config, problems)
    assert all(p.field == "profile_pictures" for p in problems)
    return checked, [p.message for p in problems]


def test_jpeg_png_and_webp_are_recognised_from_their_bytes_whatever_their_name() -> None:
    files = [
        UploadedFile("photo.gif", png_bytes()),
        UploadedFile("photo.png", jpeg_bytes()),
        UploadedFile("no-extension", webp_bytes()),
    ]
    checked, problems = check(files)
    assert problems == []
    assert [c.media_type for c in checked] == ["image/png", "image/jpeg", "image/webp"]
    assert [c.data for c in checked] == [f.data for f in files]


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"\x00" * 300,  # an image, but not one the app shows
        b"%PDF-1.7" + b"\x00" * 300,
        b"just some text " * 30,
    ],
)
def test_other_files_are_refused_by_position(data: bytes) -> None:
    checked, problems = check([UploadedFile("a.png", png_bytes()), UploadedFile("b.jpg", data)])
    assert len(checked) == 1
    assert problems == ["Picture 2 is not a JPEG, PNG or WebP image"]


def test_pictures_under_the_minimum_size_are_refused_even_if_real() -> None:
    tiny = png_bytes(extra=0)
    assert len(tiny) < 100
    _, problems = check([UploadedFile("a.png", tiny)])
    assert problems == ["Picture 1 is not a JPEG, PNG or WebP image"]


def test_the_size_limit_is_inclusive() -> None:
    limit = IdentityConfig(picture_max_bytes=len(png_bytes(500)))
    checked, problems = check([UploadedFile("a.png", png_bytes(500))], limit)
    assert problems == []
    assert len(checked) == 1
    _, problems = check([UploadedFile("a.png", png_bytes(501))], limit)
    assert len(problems) == 1
    assert problems[0].startswith("Picture 1 is larger than")


def test_the_default_limit_is_ten_megabytes() -> None:
    config = IdentityConfig()
    assert config.picture_max_bytes == 10 * 1024 * 1024
    big = png_bytes(config.picture_max_bytes)
    _, problems = check([UploadedFile("a.png", big)], config)
    assert problems == ["Picture 1 is larger than 10 MB"]


@pytest.mark.parametrize(("count", "message"), [(0, "At least one profile picture is required"), (7, "Maximum 6")])
def test_one_to_six_pictures(count: int, message: str) -> None:
    checked, problems = check([UploadedFile(f"{i}.png", png_bytes()) for i in range(count)])
    assert checked == []
    assert len(problems) == 1
    assert problems[0].startswith(message)


def test_six_pictures_are_allowed() -> None:
    checked, problems = check([UploadedFile(f"{i}.png", png_bytes()) for i in range(6)])
    assert problems == []
    assert len(checked) == 6


def test_every_bad_picture_is_reported() -> None:
    files = [
        UploadedFile("1.png", b"x" * 300),
        UploadedFile("2.png", png_bytes()),
        UploadedFile("3.png", png_bytes(3000)),
    ]
    checked, problems = check(files)
    assert [c.data for c in checked] == [files[1].data]
    assert problems[0] == "Picture 1 is not a JPEG, PNG or WebP image"
    assert problems[1].startswith("Picture 3 is larger than")
    assert len(problems) == 2


async def test_pictures_are_stored_under_random_names_in_the_members_folder() -> None:
    storage = MemoryFileStorage()
    pictures = [CheckedImage(png_bytes(), "image/png"), CheckedImage(jpeg_bytes(), "image/jpeg")]
    keys = await store_pictures(storage, 42, pictures)
    assert re.fullmatch(r"profiles/42/[0-9a-f]{24}\.png", keys[0])
    assert re.fullmatch(r"profiles/42/[0-9a-f]{24}\.jpg", keys[1])
    assert storage.files == {keys[0]: (png_bytes(), "image/png"), keys[1]: (jpeg_bytes(), "image/jpeg")}
    again = await store_pictures(storage, 42, pictures[:1])
    assert again[0] not in keys


class BrokenAfter(MemoryFileStorage):
    def __init__(self, saves: int) -> None:
        super().__init__()
        self._left = saves

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        if self._left == 0:
            raise OSError("disk full")
        self._left -= 1
        await super().save(key, data, content_type)


async def test_a_failed_upload_removes_the_pictures_already_stored() -> None:
    storage = BrokenAfter(saves=2)
    pictures = [CheckedImage(png_bytes(), "image/png")] * 3
    with pytest.raises(OSError, match="disk full"):
        await store_pictures(storage, 42, pictures)
    assert storage.files == {}


async def test_discard_removes_the_given_keys_and_ignores_missing_ones() -> None:
    storage = MemoryFileStorage()
    await storage.save("profiles/1/a.png", b"a", "image/png")
    await storage.save("profiles/1/b.png", b"b", "image/png")
    await discard(storage, ["profiles/1/a.png", "profiles/1/missing.png"])
    assert set(storage.files) == {"profiles/1/b.png"}
