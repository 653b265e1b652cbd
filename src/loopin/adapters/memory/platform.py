"""In-memory rate limiter, analytics recorder, file storage and SMS outbox."""

from __future__ import annotations

import asyncio
import posixpath
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from loopin.usecases.platform.ports import Analytics, FileStorage, RateLimit, RateLimiter
from loopin.usecases.shared.ports import JsonScalar


class MemoryRateLimiter(RateLimiter):
    """Sliding-window log, the same algorithm as the Redis adapter."""

    def __init__(self) -> None:
        self._hits: defaultdict[str, list[float]] = defaultdict(list)
        self._lock = asyncio.Lock()

    async def acquire(self, hits: Sequence[tuple[RateLimit, str]], *, now: datetime) -> int:
        t = now.timestamp()
        async with self._lock:
            wait = 0.0
            for limit, subject in hits:
                log = self._window(limit, subject, t)
                if len(log) >= limit.limit:
                    wait = max(wait, log[len(log) - limit.limit] + limit.window_seconds - t)
            if wait > 0:
                return max(1, int(-(-wait // 1)))
            for limit, subject in hits:
                self._hits[_key(limit, subject)].append(t)
            return 0

    def _window(self, limit: RateLimit, subject: str, t: float) -> list[float]:
        key = _key(limit, subject)
        kept = [h for h in self._hits[key] if h > t - limit.window_seconds]
        self._hits[key] = kept
        return kept


def _key(limit: RateLimit, subject: str) -> str:
    return f"{limit.name}:{subject}"


@dataclass(frozen=True, slots=True)
class CapturedEvent:
    distinct_id: str
    event: str
    properties: Mapping[str, JsonScalar]
    capture_id: str | None = None


class RecordingAnalytics(Analytics):
    """Keeps events in memory; the no-op analytics of embedded mode and the recorder of tests."""

    def __init__(self) -> None:
        self.events: list[CapturedEvent] = []

    async def capture(
        self, distinct_id: str, event: str, properties: Mapping[str, JsonScalar], *, capture_id: str | None = None
    ) -> None:
        """Deduplicates on ``capture_id`` as the analytics service does."""
        if capture_id is not None and any(e.capture_id == capture_id for e in self.events):
            return
        self.events.append(CapturedEvent(distinct_id, event, dict(properties), capture_id))


class MemoryFileStorage(FileStorage):
    def __init__(self, url_prefix: str = "/api/media") -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self._prefix = url_prefix.rstrip("/")

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        self.files[_storage_key(key)] = (data, content_type)

    async def delete(self, key: str) -> None:
        self.files.pop(_storage_key(key), None)

    async def exists(self, key: str) -> bool:
        return _storage_key(key) in self.files

    def url_for(self, key: str) -> str:
        return f"{self._prefix}/{key}"


def _storage_key(key: str) -> str:
    """The key as the disk storage resolves it; keys that would leave its root are refused the same way."""
    normal = posixpath.normpath(key) if key else "."
    if key.startswith("/") or normal in (".", "..") or normal.startswith("../"):
        raise ValueError(f"storage key escapes the media root: {key!r}")
    return normal
