"""Files on local disk, served publicly under ``/api/media/...``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from loopin.usecases.platform.ports import FileStorage


class LocalDiskStorage(FileStorage):
    def __init__(self, root: Path, url_prefix: str = "/api/media") -> None:
        self._root = root.resolve()
        self._prefix = url_prefix.rstrip("/")

    @property
    def root(self) -> Path:
        return self._root

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    def url_for(self, key: str) -> str:
        return f"{self._prefix}/{key}"

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root) or path == self._root:
            raise ValueError(f"storage key escapes the media root: {key!r}")
        return path

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
