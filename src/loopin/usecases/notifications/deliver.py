"""Notifications leave a use case as a job (after its commit): the worker stores the in-app row, then pushes.

The text is rendered from the template registry when the job is built (``domain/notifications/templates.py``),
so a sender that passes the wrong variables fails in its own tests, never in the worker. Storing and pushing
are idempotent on the notification's key, so a retried job neither duplicates the row nor pushes twice once a
push went out. The member's preferences decide whether it is pushed at all, the quiet hours when; a deferred
push is sent by ``PushDueNotifications`` (a sweep every minute). A failed push is retried by the job; it never
undoes the business action that asked for it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.preferences import QuietHours
from loopin.domain.notifications.templates import NotificationKind, render
from loopin.usecases.notifications.ports import (
    DeviceRepository,
    NotificationRepository,
    PreferenceRepository,
    Push,
    PushSender,
)
from loopin.usecases.shared.ports import Clock, Job, JsonScalar
from loopin.usecases.shared.sweep import Batch, Sweep
from loopin.usecases.shared.use_case import UseCase

DELIVER_NOTIFICATION = "notifications.deliver"
PUSH_DUE = "notifications.push_due"
PUSH_BATCH = 200


def notification_job(
    template: str,
    *,
    recipient_id: int,
    values: Mapping[str, object] | None = None,
    data: Mapping[str, str | int] | None = None,
    sender_id: int | None = None,
    key: str | None = None,
) -> Job:
    """``key``: fixed by the sender when the business fact itself must notify once (a reminder); else one per
    job, fixed now, so the outbox's retries of this job store one row."""
    rendered = render(template, values or {})
    key = key or f"notification:{uuid.uuid4()}"
    wire = {"type": rendered.kind.value, "route": rendered.route, **(data or {})}
    payload: dict[str, JsonScalar] = {
        "key": key,
        "template": template,
        "recipient_id": recipient_id,
        "sender_id": sender_id,
        "kind": rendered.kind.value,
        "title": rendered.title,
        "body": rendered.body,
        "urgent": rendered.urgent,
        "data": json.dumps({k: str(v) for k, v in wire.items()}, sort_keys=True),
    }
    return Job(DELIVER_NOTIFICATION, payload, key=key, attempts=5, timeout_seconds=30)


def push_due_job(key: str) -> Job:
    return Job(PUSH_DUE, {}, key=key, attempts=3, timeout_seconds=300)


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
        urgent=bool(payload.get("urgent", False)),
    )


@dataclass(frozen=True, slots=True)
class PushOut:
    """Pushes one stored notification whose push is due, under its row lock (so the sweep and the job never
    both push it), to the member's active phones; retires the phones the provider no longer knows."""

    notifications: NotificationRepository
    devices: DeviceRepository
    push: PushSender
    clock: Clock

    async def send(self, notification: Notification) -> bool:
        devices = await self.devices.active_for(notification.recipient_id)
        pushed = False
        if devices:
            push = Push(
                tuple(d.player_id for d in devices),
                notification.title,
                notification.body,
                notification.data,
                idempotency_key=notification.key,  # a run repeated after the push went out sends nothing
            )
            result = await self.push.send(push)
            pushed = result.delivered > 0
            now = self.clock.now()
            for device in devices:
                if device.player_id in result.invalid_player_ids:
                    device.is_active = False
                    device.updated_at = now
                    await self.devices.save(device)
        notification.pushed_at = self.clock.now()
        await self.notifications.save(notification)
        return pushed


class DeliverNotification(UseCase):
    """Job handler. Returns whether a push went out in this run."""

    notifications: NotificationRepository
    preferences: PreferenceRepository
    pusher: PushOut
    quiet: QuietHours
    clock: Clock

    async def __call__(self, *, payload: Mapping[str, JsonScalar]) -> bool:
        wanted = notification_from_payload(payload)
        if await self.notifications.lock_by_key(wanted.key) is None:
            now = self.clock.now()
            wanted.created_at = now
            chosen = await self.preferences.get(wanted.recipient_id)
            if chosen.allows_push(NotificationKind(wanted.kind)):
                wanted.push_due_at = self.quiet.push_at(now, urgent=wanted.urgent)
            await self.notifications.add(wanted)
        await self.uow.commit()  # the in-app row exists whatever happens to the push
        notification = await self.notifications.lock_by_key(wanted.key)
        pushed = False
        if notification is not None and notification.is_push_due(self.clock.now()):
            pushed = await self.pusher.send(notification)
        await self.uow.commit()
        return pushed


class PushDueNotifications(Sweep):
    """Sweep (every minute, and after each campaign batch): pushes what the quiet hours deferred and what a
    campaign stored. Rows are claimed with ``SKIP LOCKED``, so sweeps in parallel push each once. Every row a
    batch takes is settled (marked pushed, whether a phone got it) or the provider's failure ends the run (the
    job retries), so a full batch never comes back. Returns how many pushes went out."""

    batch_size = PUSH_BATCH

    notifications: NotificationRepository
    pusher: PushOut
    clock: Clock

    async def sweep_batch(self) -> Batch:
        due = await self.notifications.lock_push_due(self.clock.now(), self.batch_size)
        pushed = 0
        for notification in due:
            pushed += int(await self.pusher.send(notification))
        return Batch(len(due), len(due), counted=pushed)
