"""Table rows, one module per bounded context. Use cases and the domain only ever see entities.

Importing this package registers every table on advanced-alchemy's metadata, which is what Alembic's
autogenerate and the migration tests compare against; adapters import their rows from here. A ``datetime``
column needs no type of its own: advanced-alchemy's registry maps it to ``DateTimeUTC`` (aware, stored in UTC).
"""

from __future__ import annotations

from loopin.adapters.persistence.orm.attendance import (
    InvitationRow,
    JoinRequestRow,
    ReminderSentRow,
    TicketRow,
    WaitlistPlaceRow,
)
from loopin.adapters.persistence.orm.audit import AuditDayActionRow, AuditDayRow, AuditEntryRow
from loopin.adapters.persistence.orm.events import EventRow, HostLeadRow, VenueRow
from loopin.adapters.persistence.orm.identity import EventInterestRow, MemberRow, OtpChallengeRow
from loopin.adapters.persistence.orm.notifications import (
    CampaignRecipientRow,
    CampaignRow,
    DeviceRow,
    NotificationPreferenceRow,
    NotificationRow,
)
from loopin.adapters.persistence.orm.outbox import OutboxRow
from loopin.adapters.persistence.orm.payments import (
    LedgerEntryRow,
    LedgerTransactionRow,
    PaymentNoticeRow,
    PaymentOrderRow,
    PlatformFeeConfigRow,
    RefundRow,
)
from loopin.adapters.persistence.orm.payouts import BankAccountRow, PayoutHostRow, PayoutRequestRow
from loopin.adapters.persistence.orm.queries import is_storable_id, like_anywhere

__all__ = [
    "AuditDayActionRow",
    "AuditDayRow",
    "AuditEntryRow",
    "BankAccountRow",
    "CampaignRecipientRow",
    "CampaignRow",
    "DeviceRow",
    "EventInterestRow",
    "EventRow",
    "HostLeadRow",
    "InvitationRow",
    "JoinRequestRow",
    "LedgerEntryRow",
    "LedgerTransactionRow",
    "MemberRow",
    "NotificationPreferenceRow",
    "NotificationRow",
    "OtpChallengeRow",
    "OutboxRow",
    "PaymentNoticeRow",
    "PaymentOrderRow",
    "PayoutHostRow",
    "PayoutRequestRow",
    "PlatformFeeConfigRow",
    "RefundRow",
    "ReminderSentRow",
    "TicketRow",
    "VenueRow",
    "WaitlistPlaceRow",
    "is_storable_id",
    "like_anywhere",
]
