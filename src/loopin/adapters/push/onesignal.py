"""Push through OneSignal's REST API (create notification), addressed by the subscription ids the app
registers as ``player_id``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from loopin.domain.shared.errors import Unavailable
from loopin.usecases.notifications.ports import Push, PushResult, PushSender

ONESIGNAL_API = "https://api.onesignal.com"
NOT_SUBSCRIBED = "All included players are not subscribed"


class PushNotSent(Unavailable, code="PUSH_NOT_SENT", message="The push notification could not be sent."):
    """A provider failure: the notification job raises it and SAQ retries."""


class OneSignalPushSender(PushSender):
    def __init__(
        self,
        app_id: str,
        api_key: str,
        *,
        base_url: str = ONESIGNAL_API,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._app_id = app_id
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Key {api_key}", "Accept": "application/json"},
            timeout=httpx.Timeout(10.0, connect=3.0),
            transport=transport,
        )

    async def send(self, push: Push) -> PushResult:
        player_ids = push.player_ids
        if not player_ids:
            return PushResult(delivered=0)
        payload = {
            "app_id": self._app_id,
            "target_channel": "push",
            "include_subscription_ids": list(player_ids),
            "headings": {"en": push.title},
            "contents": {"en": push.body},
            "data": dict(push.data),
        }
        if push.idempotency_key:  # OneSignal wants a UUID and remembers it for 30 days
            payload["idempotency_key"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"loopin:{push.idempotency_key}"))
        try:
            response = await self._client.post("/notifications", json=payload)
        except httpx.HTTPError as exc:
            raise PushNotSent() from exc
        if response.status_code >= 300:
            raise PushNotSent(f"OneSignal answered {response.status_code}.")
        try:
            answer: Any = response.json()
        except ValueError as exc:
            raise PushNotSent("OneSignal answered with something that is not JSON.") from exc
        invalid = _invalid_ids(answer.get("errors") if isinstance(answer, dict) else None, player_ids)
        return PushResult(delivered=len(player_ids) - len(invalid), invalid_player_ids=invalid)

    async def close(self) -> None:
        await self._client.aclose()


def _invalid_ids(errors: Any, sent: Sequence[str]) -> tuple[str, ...]:
    """OneSignal reports unknown subscriptions on a 200: as a list per kind of id, or, when none of them is
    subscribed, as a sentence."""
    if isinstance(errors, dict):
        named = errors.get("invalid_player_ids") or errors.get("invalid_subscription_ids") or []
        return tuple(i for i in sent if i in set(map(str, named)))
    if isinstance(errors, list) and any(NOT_SUBSCRIBED in str(e) for e in errors):
        return tuple(sent)
    return ()
