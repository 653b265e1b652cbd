"""Product analytics: pseudonymous, after commit, never personal data."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.platform.ports import Analytics
from loopin.usecases.shared.ports import Job, JsonScalar

CAPTURE = "platform.capture_analytics"


def analytics_event(event: str, member_id: int, **properties: JsonScalar) -> Job:
    """``capture_id`` is fixed now: a job that runs twice sends one event id, which the service deduplicates."""
    payload = {"event": event, "member_id": member_id, "capture_id": str(uuid.uuid4()), **properties}
    return Job(CAPTURE, payload, attempts=3)


@dataclass(frozen=True, slots=True)
class Pseudonyms:
    """Stable ids for analytics that cannot be turned back into a member without the server key."""

    digest: KeyedDigest

    def member(self, member_id: int) -> str:
        return "m_" + self.digest.digest(str(member_id), context="analytics")[:32]


@dataclass(frozen=True, slots=True)
class RecordAnalyticsEvent:
    """Job handler: forwards one event to the analytics service under the member's pseudonym."""

    analytics: Analytics
    pseudonyms: Pseudonyms

    async def __call__(self, *, payload: Mapping[str, JsonScalar]) -> None:
        props = dict(payload)
        event = str(props.pop("event"))
        member_id = props.pop("member_id")
        capture_id = props.pop("capture_id", None)
        if not isinstance(member_id, int):
            raise TypeError("analytics events carry an integer member_id")
        capture = str(capture_id) if capture_id else None
        await self.analytics.capture(self.pseudonyms.member(member_id), event, props, capture_id=capture)
