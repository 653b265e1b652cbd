"""Files members upload (profile pictures, event covers): stored under names the server chooses, written all
or none, and removed after the commit that stops pointing to them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from loopin.usecases.platform.ports import FileStorage, ImageInspector
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


class ImageRefusal(Enum):
    """Why an upload is not kept as an image."""

    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"  # not a JPEG, PNG or WebP by its bytes

    def words(self, upload: str, max_bytes: int) -> str:
        """What the member is told about ``upload`` (``"Picture 2"``): one wording for every image field, the
        limit in megabytes as it is (1.5 MB, not rounded down to 1)."""
        if self is ImageRefusal.TOO_LARGE:
            return f"{upload} is larger than {max_bytes / (1024 * 1024):g} MB"
        return f"{upload} is not a JPEG, PNG or WebP image"


def recognised_images(
    files: Sequence[UploadedFile], inspector: ImageInspector, *, min_bytes: int, max_bytes: int
) -> tuple[list[CheckedImage], list[tuple[int, ImageRefusal]]]:
    """The uploads that are images the app shows, and the others by their position (from 1) with why. An
    upload over ``max_bytes`` is not inspected, nor is one under ``min_bytes``: no real picture is that small."""
    images: list[CheckedImage] = []
    refused: list[tuple[int, ImageRefusal]] = []
    for index, upload in enumerate(files, start=1):
        size = len(upload.data)
        if size > max_bytes:
            refused.append((index, ImageRefusal.TOO_LARGE))
            continue
        media_type = inspector.media_type(upload.data) if size >= min_bytes else None
        if media_type not in IMAGE_EXTENSIONS:
            refused.append((index, ImageRefusal.NOT_AN_IMAGE))
            continue
        images.append(CheckedImage(upload.data, media_type))
    return images, refused


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
