"""Profile pictures: checked by their bytes, stored under names the server chooses."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from loopin.domain.identity.profile import MAX_PICTURES, MIN_PICTURES
from loopin.domain.shared.errors import FieldProblem
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.platform.ports import FileStorage, ImageInspector

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class CheckedPicture:
    data: bytes
    media_type: str


def check_pictures(
    files: Sequence[UploadedFile], inspector: ImageInspector, config: IdentityConfig, problems: list[FieldProblem]
) -> list[CheckedPicture]:
    field = "profile_pictures"
    if len(files) < MIN_PICTURES:
        problems.append(FieldProblem(field, "At least one profile picture is required"))
        return []
    if len(files) > MAX_PICTURES:
        problems.append(FieldProblem(field, f"Maximum {MAX_PICTURES} profile pictures allowed"))
        return []
    checked: list[CheckedPicture] = []
    limit_mb = config.picture_max_bytes // (1024 * 1024)
    for index, upload in enumerate(files, start=1):
        size = len(upload.data)
        if size > config.picture_max_bytes:
            problems.append(FieldProblem(field, f"Picture {index} is larger than {limit_mb} MB"))
            continue
        media_type = inspector.media_type(upload.data) if size >= config.picture_min_bytes else None
        if media_type not in EXTENSIONS:
            problems.append(FieldProblem(field, f"Picture {index} is not a JPEG, PNG or WebP image"))
            continue
        checked.append(CheckedPicture(upload.data, media_type))
    return checked


async def store_pictures(storage: FileStorage, member_id: int, pictures: Sequence[CheckedPicture]) -> list[str]:
    keys: list[str] = []
    try:
        for picture in pictures:
            key = f"profiles/{member_id}/{secrets.token_hex(12)}.{EXTENSIONS[picture.media_type]}"
            await storage.save(key, picture.data, picture.media_type)
            keys.append(key)
    except BaseException:
        await discard(storage, keys)
        raise
    return keys


async def discard(storage: FileStorage, keys: Sequence[str]) -> None:
    for key in keys:
        await storage.delete(key)
