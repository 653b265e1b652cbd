"""Push without a provider (development, embedded mode): logs what would have been sent, never the text
to a phone number (recipients are OneSignal player ids)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog

from loopin.usecases.notifications.ports import PushResult, PushSender

log = structlog.get_logger("loopin.push")


class LoggingPushSender(PushSender):
    async def send(
        self,
        player_ids: Sequence[str],
        title: str,
        body: str,
        data: Mapping[str, str],
        *,
        idempotency_key: str | None = None,
    ) -> PushResult:
        log.info("push (not sent: no provider configured)", devices=len(player_ids), title=title, data=dict(data))
        return PushResult(delivered=len(player_ids))
