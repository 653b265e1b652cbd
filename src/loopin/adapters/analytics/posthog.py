"""PostHog: receives pseudonymous ids and event properties only."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from posthog import Posthog

from loopin.usecases.platform.ports import Analytics
from loopin.usecases.shared.ports import JsonScalar


class PostHogAnalytics(Analytics):
    def __init__(self, api_key: str, host: str) -> None:
        self._client = Posthog(api_key, host=host, disable_geoip=True, sync_mode=True, timeout=5)

    async def capture(
        self, distinct_id: str, event: str, properties: Mapping[str, JsonScalar], *, capture_id: str | None = None
    ) -> None:
        """Sent synchronously from the worker (in a thread) so a failure makes the job retry; the event's uuid is
        the job's ``capture_id``, so PostHog keeps one copy of a capture the job repeated."""
        await asyncio.to_thread(
            self._client.capture, event, distinct_id=distinct_id, properties=dict(properties), uuid=capture_id
        )

    def close(self) -> None:
        self._client.shutdown()
