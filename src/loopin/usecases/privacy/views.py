"""What a member's copy of their data holds, one shape per kind of record (encoded as the export's JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from loopin.usecases.privacy.ports import HostedEvent


@dataclass(frozen=True, slots=True)
class Processor:
    """Someone else who receives some of the member's data to do part of the service (s.11(1)(b))."""

    name: str
    purpose: str
    data: str


@dataclass(frozen=True, slots=True)
class ProfileData:
    id: int
    phone_number: str
    name: str
    birth_date: date | None
    gender: str | None
    bio: str
    location: str
    interests: list[str]
    pictures: list[str]
    status: str
    role: str
    joined_at: datetime | None
    waitlisted_at: datetime | None
    promote_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeviceData:
    platform: str
    push_id: str
    active: bool
    registered_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestData:
    event_id: int
    event_title: str
    status: str
    seats: int
    message: str
    host_message: str
    sent_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class InvitationData:
    event_id: int
    event_title: str
    host_name: str
    status: str
    message: str
    expires_at: datetime
    invited_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class TicketData:
    event_id: int
    event_title: str
    event_start: datetime
    seats: int
    status: str
    payment_status: str
    payment_order_id: str | None
    issued_at: datetime | None
    checked_in_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class RefundData:
    amount: str
    status: str
    reason: str
    requested_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class PaymentOrderData:
    """An order the member made, as PayU knows it by ``order_id`` (the txnid). Amounts in rupees; nothing of
    the gateway's own (payment ids, refund tokens, hashes) is part of it."""

    order_id: str
    event_id: int
    event_title: str
    seats: int
    base_price: str
    platform_fee: str
    amount: str
    currency: str
    status: str
    failure_reason: str
    refunded_amount: str
    refunds: list[RefundData]
    created_at: datetime | None
    paid_at: datetime | None


@dataclass(frozen=True, slots=True)
class NotificationData:
    kind: str
    title: str
    body: str
    created_at: datetime | None
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class WaitlistPlaceData:
    event_id: int
    event_title: str
    seats: int
    status: str
    joined_at: datetime | None
    offered_at: datetime | None
    offer_expires_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NotificationSettingsData:
    muted: list[str]  # notification types never pushed to the member
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class BankAccountData:
    """Never the account number: a copy in a downloads folder must not carry it; the last four digits name it."""

    id: int
    bank_name: str
    ifsc_code: str
    account_holder_name: str
    last4: str
    is_primary: bool
    is_active: bool
    added_at: datetime | None
    removed_at: datetime | None


@dataclass(frozen=True, slots=True)
class PayoutData:
    id: int
    bank_account_id: int
    amount: str
    status: str
    utr: str | None  # the bank's reference of the transfer
    failure_reason: str
    requested_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class HostLeadData:
    first_name: str
    last_name: str
    message: str
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ActivityData:
    """An entry of the audit log the member made: what the service recorded doing on their behalf."""

    action: str
    target_type: str
    target_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class MemberExport:
    generated_at: datetime
    profile: ProfileData
    devices: list[DeviceData]
    hosted_events: list[HostedEvent]
    requests: list[RequestData]
    invitations: list[InvitationData]
    tickets: list[TicketData]
    payment_orders: list[PaymentOrderData]
    waitlist_places: list[WaitlistPlaceData]
    bank_accounts: list[BankAccountData]
    payouts: list[PayoutData]
    notifications: list[NotificationData]
    notification_settings: NotificationSettingsData
    host_lead: HostLeadData | None
    activity: list[ActivityData]  # the most recent ACTIVITY_LIMIT entries
    shared_with: list[Processor]
