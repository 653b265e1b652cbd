"""Ports for platform services shared by every context: rate limits, analytics, files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from loopin.usecases.shared.ports import JsonScalar


@dataclass(frozen=True, slots=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int


class RateLimiter(Protocol):
    async def acquire(self, hits: Sequence[tuple[RateLimit, str]], *, now: datetime) -> int:
        """Counts one hit against every (limit, subject) pair, all or nothing.

        Returns 0 when every limit allowed the hit; otherwise the seconds until all of them would,
        and nothing is counted.
        """
        ...


class Analytics(Protocol):
    async def capture(
        self, distinct_id: str, event: str, properties: Mapping[str, JsonScalar], *, capture_id: str | None = None
    ) -> None:
        """``distinct_id`` is already pseudonymous; properties never hold personal data. An ``capture_id`` (a UUID)
        sent twice is one event: the service deduplicates a retried capture."""
        ...


class FileStorage(Protocol):
    async def save(self, key: str, data: bytes, content_type: str) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def exists(self, key: str) -> bool: ...

    def url_for(self, key: str) -> str:
        """A URL the app can fetch without credentials (public path or pre-signed)."""
        ...


class ImageInspector(Protocol):
    def media_type(self, data: bytes) -> str | None:
        """The media type read from the file's own bytes, or None when it is not a recognised image."""
        ...
