"""FileStorage contract over the in-memory storage and the local disk (no services needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loopin.adapters.memory.platform import MemoryFileStorage
from loopin.adapters.storage.local_disk import LocalDiskStorage
from loopin.usecases.platform.ports import FileStorage
from tests.support import png_bytes

ESCAPING_KEYS = ["../outside.png", "members/../../outside.png", "/etc/passwd", "", ".", "members/.."]


@pytest.fixture(params=["memory", "local_disk"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FileStorage]:
    if request.param == "memory":
        yield MemoryFileStorage()
    else:
        yield LocalDiskStorage(tmp_path / "media")


async def test_save_then_exists_then_delete(storage: FileStorage) -> None:
    key = "members/1/abc.png"
    assert not await storage.exists(key)
    await storage.save(key, png_bytes(), "image/png")
    assert await storage.exists(key)
    assert not await storage.exists("members/1/other.png")
    assert not await storage.exists("members/1")  # a folder is not a file
    await storage.delete(key)
    assert not await storage.exists(key)


async def test_delete_is_idempotent(storage: FileStorage) -> None:
    await storage.delete("members/9/never-saved.png")
    await storage.save("a.png", b"one", "image/png")
    await storage.delete("a.png")
    await storage.delete("a.png")
    assert not await storage.exists("a.png")


async def test_save_replaces(storage: FileStorage) -> None:
    await storage.save("members/1/a.png", b"first", "image/png")
    await storage.save("members/1/a.png", b"second", "image/png")
    await storage.save("members/1/b.png", b"other", "image/png")
    assert await storage.exists("members/1/a.png")
    await storage.delete("members/1/a.png")
    assert await storage.exists("members/1/b.png")


async def test_keys_name_the_same_file_however_they_are_spelled(storage: FileStorage) -> None:
    await storage.save("members/1/../2/./abc.png", b"x", "image/png")
    assert await storage.exists("members/2/abc.png")
    await storage.delete("members//2/abc.png")
    assert not await storage.exists("members/1/../2/./abc.png")


async def test_url_for_is_under_the_public_media_prefix(storage: FileStorage) -> None:
    assert storage.url_for("members/1/abc.png") == "/api/media/members/1/abc.png"


@pytest.mark.parametrize("key", ESCAPING_KEYS)
async def test_keys_escaping_the_root_are_refused(storage: FileStorage, key: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        await storage.save(key, b"x", "image/png")
    with pytest.raises(ValueError, match="escapes"):
        await storage.exists(key)
    with pytest.raises(ValueError, match="escapes"):
        await storage.delete(key)
    assert not (tmp_path / "outside.png").exists()


async def test_local_disk_writes_the_bytes_atomically_under_its_root(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path / "media")
    data = png_bytes()
    await storage.save("members/1/abc.png", data, "image/png")
    path = tmp_path / "media" / "members" / "1" / "abc.png"
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["abc.png"]  # no leftover temporary file
