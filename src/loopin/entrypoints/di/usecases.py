"""Every use case, per context: dishka builds each from its constructor's type hints, one per request scope
(a request or a job). A new use case is added to its context's tuple."""

from __future__ import annotations

from dishka import Provider, Scope, provide_all

from loopin.usecases.attendance.checkin import CheckIn, CheckOut, ListAttendees
from loopin.usecases.attendance.invitations import (
    ExpireOverdue,
    ListEventInvitations,
    ListMyInvitations,
    RespondToInvitation,
    SearchInvitees,
    SendInvitations,
)
from loopin.usecases.attendance.requests import (
    AcceptJoinRequest,
    BulkRequestAction,
    CreateJoinRequest,
    DeclineJoinRequest,
    GetMyRequest,
    GetRequesterProfile,
    ListEventRequests,
    ListMyRequests,
    WithdrawJoinRequest,
)
from loopin.usecases.attendance.tickets import (
    CancelAttendance,
    ConfirmAttendance,
    GetMyTicket,
    ListMyTickets,
    TicketDesk,
)
from loopin.usecases.audit.read import ReadAuditDays, ReadAuditLog
from loopin.usecases.audit.record import RecordAuditEntry
from loopin.usecases.audit.summaries import SummarizeAuditDays
from loopin.usecases.audit.verify import VerifyAuditChain
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.create import CreateEvent
from loopin.usecases.events.hosts import BecomeAHost, ListHostLeads
from loopin.usecases.events.manage import DeleteEvent, UpdateEvent
from loopin.usecases.events.public import CityEvents, EventSeo, PublicEvent
from loopin.usecases.events.read import GetEvent, GetShareUrl, ListFeed
from loopin.usecases.events.reading import EventViews
from loopin.usecases.events.venues import CreateVenue, GetVenue, ListVenues
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.complete_profile import CompleteProfile
from loopin.usecases.identity.interests import ListEventInterests
from loopin.usecases.identity.logout import Logout
from loopin.usecases.identity.profile import GetProfile, UpdateProfile
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.identity.sms import DeliverOtpSms
from loopin.usecases.identity.verify_otp import VerifyOtp
from loopin.usecases.identity.waitlist import AdmitMember, ListWaitlistedMembers, PromoteDueMembers
from loopin.usecases.notifications.deliver import DeliverNotification
from loopin.usecases.notifications.devices import DeactivateDevice, RegisterDevice
from loopin.usecases.payments.fees import ChangePlatformFee, CurrentFee, GetPlatformFee
from loopin.usecases.payments.holds import ExpireHolds, HoldRelease
from loopin.usecases.payments.notices import HandlePaymentNotice
from loopin.usecases.payments.orders import CreatePaymentOrder, GetPaymentOrder
from loopin.usecases.payments.reconcile import ReconcileOrders
from loopin.usecases.payments.refunds import (
    GuestRefunds,
    ProcessRefund,
    RefundEventOrders,
    Refunding,
    RefundOrder,
    RetryRefunds,
)
from loopin.usecases.payments.settlement import OrderSettlement
from loopin.usecases.platform.analytics import RecordAnalyticsEvent
from loopin.usecases.platform.files import DeleteStoredFiles
from loopin.usecases.privacy.erase import EndMemberSessions, EraseMyAccount, RequestErasureCode
from loopin.usecases.privacy.export import ExportMyData

IDENTITY = (
    MemberAccess,
    RequestOtp,
    VerifyOtp,
    CompleteProfile,
    GetProfile,
    UpdateProfile,
    ListEventInterests,
    Logout,
    PromoteDueMembers,
    AdmitMember,
    ListWaitlistedMembers,
    DeliverOtpSms,
)
EVENTS = (
    EventAccess,
    EventViews,
    CreateEvent,
    ListFeed,
    GetEvent,
    GetShareUrl,
    UpdateEvent,
    DeleteEvent,
    CreateVenue,
    GetVenue,
    ListVenues,
    PublicEvent,
    EventSeo,
    CityEvents,
    BecomeAHost,
    ListHostLeads,
)
ATTENDANCE = (
    TicketDesk,
    CreateJoinRequest,
    GetMyRequest,
    ListMyRequests,
    ListEventRequests,
    GetRequesterProfile,
    AcceptJoinRequest,
    DeclineJoinRequest,
    BulkRequestAction,
    WithdrawJoinRequest,
    SearchInvitees,
    SendInvitations,
    ListEventInvitations,
    ListMyInvitations,
    RespondToInvitation,
    ExpireOverdue,
    ConfirmAttendance,
    GetMyTicket,
    ListMyTickets,
    CancelAttendance,
    ListAttendees,
    CheckIn,
    CheckOut,
)
PAYMENTS = (
    CurrentFee,
    GetPlatformFee,
    ChangePlatformFee,
    HoldRelease,
    ExpireHolds,
    Refunding,
    OrderSettlement,
    GuestRefunds,
    CreatePaymentOrder,
    GetPaymentOrder,
    HandlePaymentNotice,
    RefundEventOrders,
    RefundOrder,
    ProcessRefund,
    RetryRefunds,
    ReconcileOrders,
)
NOTIFICATIONS = (RegisterDevice, DeactivateDevice, DeliverNotification)
PLATFORM = (RecordAnalyticsEvent, DeleteStoredFiles)
AUDIT = (RecordAuditEntry, ReadAuditLog, ReadAuditDays, VerifyAuditChain, SummarizeAuditDays)
PRIVACY = (ExportMyData, RequestErasureCode, EraseMyAccount, EndMemberSessions)


class UseCaseProvider(Provider):
    scope = Scope.REQUEST
    use_cases = provide_all(
        *IDENTITY, *EVENTS, *ATTENDANCE, *PAYMENTS, *NOTIFICATIONS, *PLATFORM, *AUDIT, *PRIVACY
    )
