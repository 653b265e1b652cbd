"""What payout use cases leave behind after commit: audit entries for every change, the host's notifications
(in-app and push) when a payout is paid or failed, and the job that hands an approved payout to its sender."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from loopin.domain.audit.entry import JsonValue
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.payout import PayoutRequest
from loopin.usecases.audit.record import audited_change, facts_of
from loopin.usecases.notifications.deliver import notification_job
from loopin.usecases.shared.ports import Job

SEND_PAYOUT = "payouts.send"
PROPOSE_PAYOUTS = "payouts.propose"


def audited_account(action: str, a: BankAccount, actor_id: int, at: datetime) -> Job:
    """``bank_account.added|made_primary|removed``: the masked number only."""
    facts = facts_of(a, "host_id", "bank_name", "ifsc_code", "is_primary", account=a.masked_number)
    return audited_change("bank_account", action, target_id=a.id, actor_id=actor_id, at=at, facts=facts)


def audited_payout(action: str, p: PayoutRequest, actor_id: int | None, at: datetime, **details: JsonValue) -> Job:
    """``payout.requested|proposed|approved|submitted|paid|failed|cancelled``."""
    allocations: JsonValue = [[a.event_id, str(a.amount)] for a in p.allocations]
    facts = facts_of(p, "host_id", "bank_account_id", "amount", "status", allocations=allocations, **details)
    return audited_change(
        "payout", action, target_id=p.id, actor_id=actor_id, at=at, facts=facts, target_type="payout_request"
    )


def send_payout(payout_id: int) -> Job:
    return Job(
        SEND_PAYOUT, {"payout_id": payout_id}, key=f"payout-send:{payout_id}", attempts=8, timeout_seconds=60
    )


def _data(p: PayoutRequest) -> dict[str, str | int]:
    return {"payout_id": p.id}


def payout_paid(p: PayoutRequest) -> Job:
    return notification_job(
        "payout_paid", recipient_id=p.host_id, values={"amount": str(p.amount), "utr": p.utr}, data=_data(p)
    )


def payout_account_missing(host_id: int, available: Decimal, at: datetime) -> Job:
    """The weekly proposal found money for a host with no account to pay it into (one notice per run's day)."""
    return notification_job(
        "payout_account_missing",
        recipient_id=host_id,
        values={"amount": str(available)},
        key=f"payout-account-missing:{host_id}:{at.date().isoformat()}",
    )


def payout_failed(p: PayoutRequest) -> Job:
    return notification_job(
        "payout_failed",
        recipient_id=p.host_id,
        values={"amount": str(p.amount), "reason": p.failure_reason},
        data=_data(p),
    )
