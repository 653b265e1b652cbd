"""``/api/payouts/bank-accounts``: the app's one payout call (add an account), and the host's own list, primary
choice and removal. Account numbers leave only masked (``XXXXXX1234``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from loopin.domain.payouts.bank_account import BankDetails
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import PathId
from loopin.entrypoints.http.wire import MessageOut, to_wire
from loopin.usecases.payouts.bank_accounts import (
    AddBankAccount,
    ListBankAccounts,
    MakePrimaryBankAccount,
    RemoveBankAccount,
)
from loopin.usecases.payouts.views import BankAccountView

Text = Annotated[str, msgspec.Meta(max_length=500)]  # the field rules (and their messages) are the domain's


class BankAccountIn(msgspec.Struct):
    bank_name: Text
    account_number: Text
    ifsc_code: Text
    account_holder_name: Text
    is_primary: bool = False


class BankAccountOut(msgspec.Struct):
    id: int
    bank_name: str
    masked_account_number: str
    ifsc_code: str
    account_holder_name: str
    is_primary: bool
    is_verified: bool
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None


class BankAccountEnvelope(msgspec.Struct):
    success: bool
    message: str
    data: BankAccountOut


class BankAccountListOut(msgspec.Struct):
    success: bool
    message: str
    data: list[BankAccountOut]


def account_out(v: BankAccountView) -> BankAccountOut:
    return to_wire(BankAccountOut, v, is_verified=False)


class BankAccountController(LoopinController):
    path = "/api/payouts/bank-accounts"
    tags = ["payouts"]

    @post(
        "/",
        summary="Add a bank account for payouts (hosts only); the same account again answers the stored one (200)",
        responses={200: ResponseSpec(BankAccountEnvelope, description="This account was already added.")},
    )
    async def add(
        self, caller: Caller, data: JSONBody[BankAccountIn], add: FromDishka[AddBankAccount]
    ) -> Response[BankAccountEnvelope]:
        details = BankDetails.parse(
            bank_name=data.bank_name,
            account_number=data.account_number,
            ifsc_code=data.ifsc_code,
            account_holder_name=data.account_holder_name,
            is_primary=data.is_primary,
        )
        added = await add(member_id=caller, details=details)
        message = "Bank account created successfully" if added.created else "This bank account is already added"
        body = BankAccountEnvelope(True, message, account_out(added.account))
        return Response(body, status_code=201 if added.created else 200)

    @get("/", summary="My bank accounts: primary first, then newest")
    async def mine(self, caller: Caller, read: FromDishka[ListBankAccounts]) -> BankAccountListOut:
        found = await read(member_id=caller)
        return BankAccountListOut(True, "Bank accounts retrieved successfully", [account_out(a) for a in found])

    @post("/{account_id:int}/primary", status_code=200, summary="Make this account the one payouts go to")
    async def make_primary(
        self, caller: Caller, account_id: PathId, make: FromDishka[MakePrimaryBankAccount]
    ) -> BankAccountEnvelope:
        account = await make(member_id=caller, account_id=account_id)
        return BankAccountEnvelope(True, "Primary bank account changed", account_out(account))

    @delete(
        "/{account_id:int}", status_code=200, summary="Remove an account (not while a payout to it is in flight)"
    )
    async def remove(
        self, caller: Caller, account_id: PathId, remove: FromDishka[RemoveBankAccount]
    ) -> MessageOut:
        await remove(member_id=caller, account_id=account_id)
        return MessageOut(True, "Bank account removed")
