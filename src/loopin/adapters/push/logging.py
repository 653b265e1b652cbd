"""Push without a provider (development, embedded mode): logs what would have been sent, never the text
to a phone number (recipients are OneSignal player ids)."""

from __future__ import annotations

import structlog

from loopin.usecases.notifications.ports import Push, PushResult, PushSender

log = structlog.get_logger("loopin.push")


class LoggingPushSender(PushSender):
    async def send(self, push: Push) -> PushResult:
        log.info(
            "push (not sent: no provider configured)",
            devices=len(push.player_ids),
            title=push.title,
            data=dict(push.data),
        )
        return PushResult(delivered=len(push.player_ids))
