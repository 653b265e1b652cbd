"""Notifications leave a use case as a job (after its commit): the worker stores the in-app row, then pushes.

Storing and pushing are idempotent on the notification's key, so a retried job neither duplicates the row
nor pushes twice once a push went out. A failed push is retried by the job; it never undoes the business
action that asked for it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from loopin.domain.notifications.notification import Notification
from loopin.usecases.notifications.ports import DeviceRepository, NotificationRepository, PushSender
from loopin.usecases.shared.ports import Clock, Job, JsonScalar, UnitOfWork

DELIVER_NOTIFICATION = "notifications.deliver"


def notification_job(
    template: str,
    *,
    recipient_id: int,
    kind: str,
    title: str,
    body: str,
    data: Mapping[str, str | int],
    sender_id: int | None = None,
) -> Job:
    key = f"notification:{uuid.uuid4()}"
    payload: dict[str, JsonScalar] = {
        "key": key,
        "template": template,
        "recipient_id": recipient_id,
        "sender_id": sender_id,
        "kind": kind,
        "title": title,
        "body": body,
        "data": json.dumps({k: str(v) for k, v in data.items()}, sort_keys=True),
    }
    return Job(DELIVER_NOTIFICATION, payload, key=key, attempts=5, timeout_seconds=30)


def notification_from_payload(payload: Mapping[str, JsonScalar]) -> Notification:
    data = json.loads(str(payload.get("data") or "{}"))
    if not isinstance(data, dict):
        raise TypeError("notification data is a JSON object")
    sender = payload.get("sender_id")
    return Notification(
        id=0,
        key=str(payload["key"]),
        recipient_id=int(str(payload["recipient_id"])),
        kind=str(payload["kind"]),
        template=str(payload["template"]),
        title=str(payload["title"]),
        body=str(payload["body"]),
        data={str(k): str(v) for k, v in data.items()},
        sender_id=int(str(sender)) if sender is not None else None,
    )


@dataclass(frozen=True, slots=True)
class DeliverNotification:
    """Job handler. Returns whether a push went out in this run."""

    notifications: NotificationRepository
    devices: DeviceRepository
    push: PushSender
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, payload: Mapping[str, JsonScalar]) -> bool:
        wanted = notification_from_payload(payload)
        notification = await self.notifications.lock_by_key(wanted.key)
        if notification is None:
            wanted.created_at = self.clock.now()
            notification = await self.notifications.add(wanted)
        if notification.pushed_at is not None:
            await self.uow.commit()
            return False
        await self.uow.commit()  # the in-app row exists whatever happens to the push
        devices = await self.devices.active_for(notification.recipient_id)
        pushed = False
        if devices:
            result = await self.push.send(
                [d.player_id for d in devices],
                notification.title,
                notification.body,
                notification.data,
                idempotency_key=notification.key,  # a run repeated after the push went out sends nothing
            )
            pushed = result.delivered > 0
            now = self.clock.now()
            for device in devices:
                if device.player_id in result.invalid_player_ids:
                    device.is_active = False
                    device.updated_at = now
                    await self.devices.save(device)
        notification.pushed_at = self.clock.now()
        await self.notifications.save(notification)
        await self.uow.commit()
        return pushed
