"""Profile pictures: checked by their bytes, stored under names the server chooses."""

from __future__ import annotations

from collections.abc import Sequence

from loopin.domain.identity.profile import MAX_PICTURES, MIN_PICTURES
from loopin.domain.shared.errors import FieldProblem
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.platform.files import (
    CheckedImage,
    UploadedFile,
    recognised_images,
    store_images,
)
from loopin.usecases.platform.ports import FileStorage, ImageInspector


def check_pictures(
    files: Sequence[UploadedFile], inspector: ImageInspector, config: IdentityConfig, problems: list[FieldProblem]
) -> list[CheckedImage]:
    field = "profile_pictures"
    if len(files) < MIN_PICTURES:
        problems.append(FieldProblem(field, "At least one profile picture is required"))
        return []
    if len(files) > MAX_PICTURES:
        problems.append(FieldProblem(field, f"Maximum {MAX_PICTURES} profile pictures allowed"))
        return []
    images, refused = recognised_images(
        files, inspector, min_bytes=config.picture_min_bytes, max_bytes=config.picture_max_bytes
    )
    for index, why in refused:
        problems.append(FieldProblem(field, why.words(f"Picture {index}", config.picture_max_bytes)))
    return images


async def store_pictures(storage: FileStorage, member_id: int, pictures: Sequence[CheckedImage]) -> list[str]:
    return await store_images(storage, f"profiles/{member_id}", pictures)
