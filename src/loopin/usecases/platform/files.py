"""Files members upload (profile pictures, event covers): stored under names the server chooses, written all
or none, and removed after the commit that stops pointing to them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Job

DELETE_FILES = "platform.delete_files"
IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class CheckedImage:
    """An upload whose bytes were recognised as an image of ``media_type``."""

    data: bytes
    media_type: str


async def store_images(storage: FileStorage, folder: str, images: Sequence[CheckedImage]) -> list[str]:
    """Writes every image under ``folder`` or none: a failure part-way removes the ones already written."""
    keys: list[str] = []
    try:
        for image in images:
            key = f"{folder}/{secrets.token_hex(12)}.{IMAGE_EXTENSIONS[image.media_type]}"
            await storage.save(key, image.data, image.media_type)
            keys.append(key)
    except BaseException:
        await discard(storage, keys)
        raise
    return keys


async def discard(storage: FileStorage, keys: Sequence[str]) -> None:
    for key in keys:
        await storage.delete(key)


def delete_files(keys: Sequence[str]) -> Job:
    """The job that removes files a committed change no longer points to."""
    return Job(DELETE_FILES, {"keys": "\n".join(keys)}, attempts=5)


@dataclass(frozen=True, slots=True)
class DeleteStoredFiles:
    """Job handler; deleting a missing file is not an error, so retries are safe."""

    storage: FileStorage

    async def __call__(self, *, keys: list[str]) -> None:
        for key in keys:
            await self.storage.delete(key)
