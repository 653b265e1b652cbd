"""Recognises images by their magic bytes, never by the name or type the client declared."""

from __future__ import annotations

import filetype

from loopin.usecases.platform.ports import ImageInspector


class MagicBytesImageInspector(ImageInspector):
    def media_type(self, data: bytes) -> str | None:
        kind = filetype.guess(data[:512])
        return kind.mime if kind is not None and kind.mime.startswith("image/") else None
