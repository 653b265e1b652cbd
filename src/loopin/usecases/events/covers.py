"""Cover images: 0-3 per event, recognised by their bytes, stored under names the server chooses."""

from __future__ import annotations

from collections.abc import Sequence

from loopin.domain.events.event import Event
from loopin.domain.events.problems import Problems
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.platform.files import (
    CheckedImage,
    UploadedFile,
    recognised_images,
    store_images,
)
from loopin.usecases.platform.ports import FileStorage, ImageInspector

FIELD = "cover_images"


def check_covers(
    files: Sequence[UploadedFile], inspector: ImageInspector, config: EventsConfig, problems: Problems
) -> list[CheckedImage]:
    if len(files) > Event.MAX_COVER_IMAGES:
        problems.add(FIELD, f"At most {Event.MAX_COVER_IMAGES} cover images per event", "TOO_MANY_COVER_IMAGES")
        return []
    images, refused = recognised_images(
        files, inspector, min_bytes=config.cover_min_bytes, max_bytes=config.cover_max_bytes
    )
    for index, why in refused:
        problems.add(FIELD, why.words(f"Cover image {index}", config.cover_max_bytes), "INVALID_COVER_IMAGE")
    return images


async def store_covers(storage: FileStorage, host_id: int, covers: Sequence[CheckedImage]) -> list[str]:
    return await store_images(storage, f"events/{host_id}", covers)
