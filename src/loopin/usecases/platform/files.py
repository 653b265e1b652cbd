"""Removing files that no record points to any more."""

from __future__ import annotations

from loopin.usecases.platform.ports import FileStorage


class DeleteStoredFiles:
    """Job handler; deleting a missing file is not an error, so retries are safe."""

    def __init__(self, storage: FileStorage) -> None:
        self._storage = storage

    async def __call__(self, keys: list[str]) -> None:
        for key in keys:
            await self._storage.delete(key)
