"""Removing files that no record points to any more."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.usecases.platform.ports import FileStorage


@dataclass(frozen=True, slots=True)
class DeleteStoredFiles:
    """Job handler; deleting a missing file is not an error, so retries are safe."""

    storage: FileStorage

    async def __call__(self, *, keys: list[str]) -> None:
        for key in keys:
            await self.storage.delete(key)
