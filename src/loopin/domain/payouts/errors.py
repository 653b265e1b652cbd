"""Refusals of the payouts context, each with its stable code."""

from __future__ import annotations

from loopin.domain.shared.errors import Conflict, DomainError, Forbidden, NotFound


class NotAHost(
    Forbidden, code="NOT_A_HOST", message="Only hosts can add a bank account: host an event first."
): ...


class BankAccountNotFound(NotFound, code="BANK_ACCOUNT_NOT_FOUND", message="Bank account not found."): ...


class BankAccountInUse(
    Conflict,
    code="BANK_ACCOUNT_IN_USE",
    message="A payout to this bank account is in progress; it can be removed once it is done.",
): ...


class PayoutNotFound(NotFound, code="PAYOUT_NOT_FOUND", message="Payout request not found."): ...


class NothingToPayOut(
    DomainError, code="NOTHING_TO_PAY_OUT", message="There is no available balance to pay out right now."
): ...


class PayoutInFlight(
    Conflict,
    code="PAYOUT_IN_PROGRESS",
    message="A payout request is already in progress; a new one can be made once it is done.",
): ...


class InvalidPayoutTransition(Conflict, code="PAYOUT_STATE_CHANGED"): ...


class UtrTaken(
    Conflict,
    code="UTR_ALREADY_RECORDED",
    message="This bank reference (UTR) is already recorded for another payout.",
): ...


class AccountNotShown(
    Conflict,
    code="PAYOUT_NOT_APPROVED",
    message="The account number is shown only for an approved payout, to make its transfer.",
): ...
