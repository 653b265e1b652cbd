"""A payout's movements in the ledger (``domain/payments/ledger.py``), one entry pair per event it draws on::

    drawn (requested):          Dr host_payable:<host>   | Cr payouts_in_flight    per event, its allocation
    returned (failed/cancelled): Dr payouts_in_flight     | Cr host_payable:<host>  the exact reverse
    paid:                        Dr payouts_in_flight     | Cr payout_bank          the money leaves

So a host's ``host_payable`` balance on an event is always what the platform still owes them for it, and
nothing drawn can be drawn again until it is returned.
"""

from __future__ import annotations

from datetime import datetime

from loopin.domain.payments.ledger import LedgerEntry, LedgerKind, LedgerTransaction, host_payable
from loopin.domain.payouts.payout import PayoutRequest

PAYOUTS_IN_FLIGHT = "payouts_in_flight"
PAYOUT_BANK = "payout_bank"


def _pairs(p: PayoutRequest, debit: str, credit: str) -> tuple[LedgerEntry, ...]:
    entries: list[LedgerEntry] = []
    for a in p.allocations:
        entries += [LedgerEntry(debit, a.amount, a.event_id), LedgerEntry(credit, -a.amount, a.event_id)]
    return tuple(entries)


def _transaction(
    p: PayoutRequest, step: str, kind: LedgerKind, entries: tuple[LedgerEntry, ...], at: datetime
) -> LedgerTransaction:
    return LedgerTransaction(
        key=f"payout:{p.id}:{step}",
        kind=kind,
        event_id=None,
        order_id=None,
        entries=entries,
        at=at,
        payout_id=p.id,
    )


def payout_drawn(p: PayoutRequest, at: datetime) -> LedgerTransaction:
    return _transaction(
        p, "drawn", LedgerKind.PAYOUT_DRAWN, _pairs(p, host_payable(p.host_id), PAYOUTS_IN_FLIGHT), at
    )


def payout_returned(p: PayoutRequest, at: datetime) -> LedgerTransaction:
    entries = _pairs(p, PAYOUTS_IN_FLIGHT, host_payable(p.host_id))
    return _transaction(p, "returned", LedgerKind.PAYOUT_RETURNED, entries, at)


def payout_paid(p: PayoutRequest, at: datetime) -> LedgerTransaction:
    return _transaction(p, "paid", LedgerKind.PAYOUT_PAID, _pairs(p, PAYOUTS_IN_FLIGHT, PAYOUT_BANK), at)
