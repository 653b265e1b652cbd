"""Cover images: 0-3 per event, recognised by their bytes, stored under names the server chooses."""

from __future__ import annotations

from collections.abc import Sequence

from loopin.domain.events.event import Event
from loopin.domain.events.problems import Problems
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.platform.files import IMAGE_EXTENSIONS, CheckedImage, UploadedFile, store_images
from loopin.usecases.platform.ports import FileStorage, ImageInspector

FIELD = "cover_images"


def check_covers(
    files: Sequence[UploadedFile], inspector: ImageInspector, config: EventsConfig, problems: Problems
) -> list[CheckedImage]:
    if len(files) > Event.MAX_COVER_IMAGES:
        problems.add(FIELD, f"At most {Event.MAX_COVER_IMAGES} cover images per event", "TOO_MANY_COVER_IMAGES")
        return []
    checked: list[CheckedImage] = []
    limit_mb = config.cover_max_bytes / (1024 * 1024)
    for index, upload in enumerate(files, start=1):
        size = len(upload.data)
        if size > config.cover_max_bytes:
            problems.add(FIELD, f"Cover image {index} is larger than {limit_mb:g} MB", "INVALID_COVER_IMAGE")
            continue
        media_type = inspector.media_type(upload.data) if size >= config.cover_min_bytes else None
        if media_type not in IMAGE_EXTENSIONS:
            problems.add(FIELD, f"Cover image {index} is not a JPEG, PNG or WebP image", "INVALID_COVER_IMAGE")
            continue
        checked.append(CheckedImage(upload.data, media_type))
    return checked


async def store_covers(storage: FileStorage, host_id: int, covers: Sequence[CheckedImage]) -> list[str]:
    return await store_images(storage, f"events/{host_id}", covers)
