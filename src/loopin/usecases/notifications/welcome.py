"""The welcome a member gets once they are let in off the waitlist (identity publishes ``member_admitted``;
identity ranks below notifications, so it cannot build the notification itself)."""

from __future__ import annotations

from loopin.usecases.notifications.deliver import notification_job
from loopin.usecases.shared.use_case import UseCase


class WelcomeMember(UseCase):
    """Job handler; the notification key is the member's, so a repeated admission welcomes once."""

    async def __call__(self, *, member_id: int) -> None:
        self.uow.enqueue(notification_job("account_activated", recipient_id=member_id, key=f"welcome:{member_id}"))
        await self.uow.commit()
