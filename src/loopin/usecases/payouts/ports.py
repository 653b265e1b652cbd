"""Ports of the payouts context: bank accounts and their vault, payout requests, the per-host lock, what the
ledger says a host earned, and whoever carries a payout to the bank (``PayoutSender``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Protocol

from loopin.domain.payouts.balance import EventFigures
from loopin.domain.payouts.bank_account import BankAccount, mask
from loopin.domain.payouts.payout import PayoutRequest, PayoutStatus
from loopin.usecases.shared.paging import Page


class AccountNumberVault(Protocol):
    """Encrypts account numbers at rest with a key derived from the master secret. A sealed number opens only
    for the host it was sealed for (the host id is authenticated with it)."""

    def seal(self, number: str, *, host_id: int) -> bytes: ...

    def open(self, sealed: bytes, *, host_id: int) -> str:
        """``ValueError`` when the ciphertext was tampered with or belongs to another host."""
        ...

    def fingerprint(self, ifsc_code: str, number: str) -> str:
        """A keyed digest: the same account gives the same fingerprint, and nothing can be read back from it."""
        ...


class PayoutHosts(Protocol):
    async def lock(self, host_id: int) -> None:
        """Serialises every change to one host's payout state (drawing the balance, the primary account, a
        removal) until the transaction ends. Creates the host's lock row on first use."""
        ...


class BankAccountRepository(Protocol):
    async def add(self, account: BankAccount) -> BankAccount: ...

    async def get(self, account_id: int, *, host_id: int) -> BankAccount | None:
        """The host's active account; None for another host's, a removed one or a malformed id."""
        ...

    async def of_host(self, host_id: int) -> list[BankAccount]:
        """Active accounts, primary first, then newest."""
        ...

    async def find(self, host_id: int, fingerprint: str) -> BankAccount | None:
        """The host's active account with this fingerprint (the same account added again)."""
        ...

    async def save(self, account: BankAccount) -> None: ...

    async def by_ids(self, account_ids: list[int]) -> dict[int, BankAccount]:
        """Any accounts, removed ones too (what payouts point at)."""
        ...


class PayoutRepository(Protocol):
    async def add(self, payout: PayoutRequest) -> PayoutRequest:
        """``PayoutInFlight`` when the host already has one requested or approved (a unique index)."""
        ...

    async def get(self, payout_id: int) -> PayoutRequest | None: ...

    async def lock(self, payout_id: int) -> PayoutRequest | None: ...

    async def save(self, payout: PayoutRequest) -> None:
        """``UtrTaken`` when another payout already carries this UTR."""
        ...

    async def of_host(self, host_id: int, *, offset: int, limit: int) -> Page[PayoutRequest]:
        """Newest first."""
        ...

    async def by_status(self, status: PayoutStatus | None, *, offset: int, limit: int) -> Page[PayoutRequest]:
        """Oldest first (the queue staff work through)."""
        ...

    async def in_flight_to(self, bank_account_id: int) -> bool: ...

    async def in_flight_of(self, host_id: int) -> PayoutRequest | None: ...


class HostEarnings(Protocol):
    async def figures(self, host_id: int) -> list[EventFigures]:
        """The ledger's sums for each of the host's events with money on it, earliest end first: one query."""
        ...

    async def hosts_with_money(self, *, after_id: int, limit: int) -> list[int]:
        """Hosts (ascending ids past ``after_id``) whose ``host_payable`` account is not settled to zero."""
        ...


# --- carrying a payout to the bank ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayoutInstruction:
    """What a transfer needs. ``reference`` is unique per payout: an API sender passes it as its idempotency
    key, so a retried job never pays twice."""

    reference: str
    amount: Decimal
    account_number: str
    ifsc_code: str
    account_holder_name: str

    def __repr__(self) -> str:
        return f"PayoutInstruction({self.reference}, {self.amount}, {mask(self.account_number[-4:])})"

    @classmethod
    def for_payout(cls, payout: PayoutRequest, account: BankAccount, account_number: str) -> PayoutInstruction:
        """``account_number``: opened from the vault by the caller, the one place it leaves it."""
        return cls(payout.reference, payout.amount, account_number, account.ifsc_code, account.account_holder_name)


class SendOutcome(Enum):
    MANUAL = "manual"  # nothing sent: staff transfer by hand and record the UTR
    SUBMITTED = "submitted"  # the payout API took it; its answer comes later
    PAID = "paid"  # the bank confirmed (a UTR)
    FAILED = "failed"  # refused: the money returns to the host's balance


@dataclass(frozen=True, slots=True)
class SendReceipt:
    outcome: SendOutcome
    reference: str = ""  # the API's id for the transfer
    utr: str = ""
    message: str = ""


class PayoutSender(Protocol):
    """Carries an approved payout to the bank. The manual adapter leaves it to staff; a payout API (RazorpayX,
    PayU payouts) answers SUBMITTED and later PAID or FAILED, through the same use cases."""

    @property
    def name(self) -> str: ...

    async def send(self, instruction: PayoutInstruction) -> SendReceipt:
        """Called once per payout by its job (again only if the job is retried): idempotent on ``reference``."""
        ...
