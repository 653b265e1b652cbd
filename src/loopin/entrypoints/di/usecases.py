"""Every use case, per context: dishka builds each from its constructor's type hints, one per request scope
(a request or a job). A new use case is added to its context's tuple."""

from __future__ import annotations

from dishka import Provider, Scope, provide_all

from loopin.usecases.attendance.checkin import CheckIn, CheckOut, ListAttendees
from loopin.usecases.attendance.expiry import ExpireOverdue
from loopin.usecases.attendance.host_requests import (
    AcceptJoinRequest,
    BulkRequestAction,
    DeclineJoinRequest,
    GetRequesterProfile,
    ListEventRequests,
)
from loopin.usecases.attendance.invitation_answers import ListMyInvitations, RespondToInvitation
from loopin.usecases.attendance.invitations import ListEventInvitations, SearchInvitees, SendInvitations
from loopin.usecases.attendance.requests import (
    CreateJoinRequest,
    GetMyRequest,
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
from loopin.usecases.audit.record import RecordAuditEntry
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.browse import GetEvent, GetShareUrl, ListFeed
from loopin.usecases.events.catalog import EventCatalog
from loopin.usecases.events.create import CreateEvent
from loopin.usecases.events.hosts import BecomeAHost, ListHostLeads
from loopin.usecases.events.manage import DeleteEvent, UpdateEvent
from loopin.usecases.events.public import CityEvents, EventSeo, PublicEvent
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
from loopin.usecases.platform.analytics import RecordAnalyticsEvent
from loopin.usecases.platform.files import DeleteStoredFiles

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
    EventCatalog,
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
NOTIFICATIONS = (RegisterDevice, DeactivateDevice, DeliverNotification)
PLATFORM = (RecordAnalyticsEvent, DeleteStoredFiles, RecordAuditEntry)


class UseCaseProvider(Provider):
    scope = Scope.REQUEST
    use_cases = provide_all(*IDENTITY, *EVENTS, *ATTENDANCE, *NOTIFICATIONS, *PLATFORM)
