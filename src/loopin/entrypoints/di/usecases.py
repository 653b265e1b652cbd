"""Every use case, per context and module: dishka builds each from its fields (the dataclass's constructor),
one per request scope (a request or a job). A new use case is added to its context's tuple; the architecture
test fails for one left out."""

from __future__ import annotations

from typing import Generic, TypeVar

from dishka import AsyncContainer, Provider, Scope, decorate, provide, provide_all

from loopin.entrypoints.di.bindings import Implementation
from loopin.usecases.attendance import (
    checkin,
    expiry,
    guest_notices,
    guest_tickets,
    host_requests,
    invitation_answers,
    invitations,
    reminders,
    requests,
    seat_offers,
    tickets,
)
from loopin.usecases.attendance import sold_out as sold_out_refusals
from loopin.usecases.attendance import waitlist as event_waitlist
from loopin.usecases.attendance.ports import PaidSeatOffers, PaidTicketRefunds
from loopin.usecases.audit import record, summaries, verify
from loopin.usecases.events import (
    access,
    browse,
    catalog,
    completion,
    create,
    hosts,
    hot_reads,
    manage,
    public,
    sold_out,
    venues,
)
from loopin.usecases.events.ports import (
    CancellationRefunds,
    EventRepository,
    FreedSeats,
    GuestNotices,
    PlatformFees,
    SeatInventory,
)
from loopin.usecases.identity import access as member_access
from loopin.usecases.identity import (
    complete_profile,
    interests,
    logout,
    moderation,
    profile,
    request_otp,
    sms,
    verify_otp,
    waitlist,
)
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.notifications import deliver, devices, inbox, preferences, retention, welcome
from loopin.usecases.payments import fees, holds, notices, orders, reconcile, refunds, settlement
from loopin.usecases.payouts import balances, bank_accounts
from loopin.usecases.payouts import requests as payout_requests
from loopin.usecases.payouts import settlement as payout_settlement
from loopin.usecases.payouts import staff as payout_staff
from loopin.usecases.payouts import views as payout_views
from loopin.usecases.platform import analytics, files
from loopin.usecases.privacy import commitments, erase, export
from loopin.usecases.shared.ports import Deferred
from loopin.usecases.staff import audit_log, campaigns, console, sign_in
from loopin.usecases.staff import catalog as staff_catalog

T = TypeVar("T")

IDENTITY = (
    member_access.MemberAccess,
    request_otp.RequestOtp,
    verify_otp.VerifyOtp,
    complete_profile.CompleteProfile,
    profile.GetProfile,
    profile.ReadProfile,
    profile.UpdateProfile,
    interests.ListEventInterests,
    logout.Logout,
    waitlist.PromoteDueMembers,
    waitlist.AdmitMember,
    waitlist.ListWaitlistedMembers,
    moderation.DeactivateMember,
    moderation.ReactivateMember,
    moderation.AppointStaff,
    sms.DeliverOtpSms,
)
EVENTS = (
    access.EventAccess,
    catalog.EventCatalog,
    create.CreateEvent,
    browse.ListFeed,
    browse.GetEvent,
    browse.GetShareUrl,
    hot_reads.HotMiss,
    hot_reads.HotReads,
    hot_reads.ReadFeed,
    hot_reads.ReadEvent,
    manage.UpdateEvent,
    manage.DeleteEvent,
    manage.UnpublishEvent,
    completion.CompleteEndedEvents,
    venues.CreateVenue,
    venues.GetVenue,
    venues.ListVenues,
    public.PublicEvent,
    public.EventSeo,
    public.CityEvents,
    hosts.BecomeAHost,
    hosts.ListHostLeads,
    hosts.MarkHostLead,
)
ATTENDANCE = (
    seat_offers.SeatOffers,
    sold_out_refusals.SoldOutRefusals,
    tickets.TicketDesk,
    requests.RequestWithdrawal,
    guest_notices.TellGuests,
    requests.CreateJoinRequest,
    requests.GetMyRequest,
    requests.ListMyRequests,
    requests.WithdrawJoinRequest,
    host_requests.ListEventRequests,
    host_requests.GetRequesterProfile,
    host_requests.AcceptJoinRequest,
    host_requests.DeclineJoinRequest,
    host_requests.BulkRequestAction,
    invitations.SearchInvitees,
    invitations.SendInvitations,
    invitations.ListEventInvitations,
    invitation_answers.ListMyInvitations,
    invitation_answers.RespondToInvitation,
    expiry.ExpireOverdue,
    reminders.SendReminders,
    tickets.ConfirmAttendance,
    guest_tickets.GetMyTicket,
    guest_tickets.ListMyTickets,
    guest_tickets.CancelAttendance,
    checkin.ListAttendees,
    checkin.CheckIn,
    checkin.CheckOut,
    event_waitlist.JoinWaitlist,
    event_waitlist.LeaveWaitlist,
    event_waitlist.GetMyWaitlistPlace,
    event_waitlist.ListEventWaitlist,
    event_waitlist.AcceptSeatOffer,
    event_waitlist.PassOnSeatOffers,
)
PAYMENTS = (
    fees.CurrentFee,
    fees.GetPlatformFee,
    fees.ChangePlatformFee,
    holds.HoldRelease,
    holds.ExpireHolds,
    refunds.Refunding,
    settlement.OrderSettlement,
    refunds.GuestRefunds,
    refunds.RefundOnEventCancellation,
    orders.OrderDesk,
    orders.SeatOfferCheckout,
    orders.CreatePaymentOrder,
    orders.GetPaymentOrder,
    orders.ReadPaymentResult,
    notices.HandlePaymentNotice,
    refunds.RefundEventOrders,
    refunds.RefundOrder,
    refunds.RefundOrderAsStaff,
    refunds.ProcessRefund,
    refunds.RetryRefunds,
    reconcile.ReconcileOrders,
)
PAYOUTS = (
    bank_accounts.HostCheck,
    bank_accounts.HostAccounts,
    bank_accounts.AddBankAccount,
    bank_accounts.ListBankAccounts,
    bank_accounts.MakePrimaryBankAccount,
    bank_accounts.RemoveBankAccount,
    payout_views.PayoutViews,
    balances.HostBalances,
    balances.GetPayoutSummary,
    payout_settlement.PayoutSettlement,
    payout_requests.PayoutDesk,
    payout_requests.RequestPayout,
    payout_requests.ListMyPayouts,
    payout_requests.CancelPayout,
    payout_requests.ProposePayouts,
    payout_staff.StaffPayouts,
    payout_staff.ListPayouts,
    payout_staff.ViewPayout,
    payout_staff.ApprovePayout,
    payout_staff.MarkPayoutPaid,
    payout_staff.MarkPayoutFailed,
    payout_staff.SendPayout,
    payout_staff.ShowTransferDetails,
)
NOTIFICATIONS = (
    devices.RegisterDevice,
    devices.DeactivateDevice,
    deliver.PushOut,
    deliver.DeliverNotification,
    deliver.PushDueNotifications,
    inbox.ListNotifications,
    inbox.CountUnread,
    inbox.MarkNotificationRead,
    inbox.MarkAllRead,
    preferences.GetNotificationPreferences,
    preferences.ChangeNotificationPreferences,
    retention.PruneInboxes,
    welcome.WelcomeMember,
)
PLATFORM = (analytics.RecordAnalyticsEvent, files.DeleteStoredFiles)
AUDIT = (record.RecordAuditEntry, verify.VerifyAuditChain, summaries.SummarizeAuditDays)
PRIVACY = (
    commitments.ErasureCommitments,
    export.ExportMyData,
    erase.RequestErasureCode,
    erase.EraseMyAccount,
    erase.EndMemberSessions,
)
STAFF = (
    audit_log.ReadAuditLog,
    audit_log.ReadAuditDays,
    campaigns.ListCampaignTemplates,
    campaigns.ComposeCampaign,
    campaigns.GetCampaign,
    campaigns.ListCampaigns,
    campaigns.PreviewCampaign,
    campaigns.SendCampaign,
    campaigns.CancelCampaign,
    campaigns.SendCampaignBatch,
    campaigns.ResumeCampaigns,
    sign_in.StaffSignIn,
    sign_in.StaffStepUp,
    sign_in.RequestStepUpCode,
    console.ReadDashboard,
    console.SearchMembers,
    console.ViewMember,
    staff_catalog.SearchEvents,
    staff_catalog.ViewEvent,
    staff_catalog.SearchOrders,
    staff_catalog.ViewOrder,
    staff_catalog.ReadFeeHistory,
    staff_catalog.CheckAuditChain,
)
USE_CASES = (
    *PLATFORM,
    *AUDIT,
    *IDENTITY,
    *NOTIFICATIONS,
    *EVENTS,
    *ATTENDANCE,
    *PAYMENTS,
    *PAYOUTS,
    *PRIVACY,
    *STAFF,
)

# Ports a lower context declares and a higher context's service answers (the context order forbids the import
# the other way round): the same instance as the service, in the same transaction.
ANSWERED_ABOVE = (
    Implementation(PlatformFees, fees.CurrentFee),  # events show the fee orders charge
    Implementation(CancellationRefunds, refunds.RefundOnEventCancellation),  # a cancelled event refunds
    Implementation(PaidTicketRefunds, refunds.GuestRefunds),  # a guest cancelling a paid ticket
    Implementation(GuestNotices, guest_notices.TellGuests),  # an event's guests hear it changed
    Implementation(FreedSeats, seat_offers.SeatOffers),  # a higher capacity offers seats to the waitlist
    Implementation(PaidSeatOffers, orders.SeatOfferCheckout),  # a paid event's seat offer opens an order
)


class InScope(Generic[T]):
    """``Deferred``: resolved from the request's own container when first called (and then kept by it)."""

    __slots__ = ("_container", "_kind")

    def __init__(self, container: AsyncContainer, kind: type[T]) -> None:
        self._container = container
        self._kind = kind

    async def __call__(self) -> T:
        return await self._container.get(self._kind)


class UseCaseProvider(Provider):
    scope = Scope.REQUEST
    use_cases = provide_all(*USE_CASES)
    # every use case's members repository forgets a saved member's kept profile after the commit
    members = decorate(profile.ProfileForgettingMembers, provides=MemberRepository)
    # ... and every change of an event's seats or facts clears its sold-out marker after the commit
    seats = decorate(sold_out.SoldOutClearingSeats, provides=SeatInventory)
    events = decorate(sold_out.SoldOutClearingEvents, provides=EventRepository)

    @provide
    def hot_miss(self, container: AsyncContainer) -> Deferred[hot_reads.HotMiss]:
        """A cache hit of the feed or an event never builds the session and repositories a miss reads with."""
        return InScope(container, hot_reads.HotMiss)

    def __init__(self) -> None:
        super().__init__()
        for implementation in ANSWERED_ABOVE:
            self.alias(implementation.service, provides=implementation.port)
