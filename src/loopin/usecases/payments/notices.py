"""Callbacks (the buyer's browser at ``surl``/``furl``) and webhooks (PayU's server), handled alike.

1. recorded first, in its own transaction, deduplicated by a digest of source and fields, forged ones too;
2. verified (merchant key, reverse hash, constant time) — refused and audited when it does not;
3. matched with the order (known txnid, same amount) — refused and audited when it does not;
4. confirmed with the gateway (``verify``): the order settles on the gateway's record, never on what was
   posted, so a signed failure replayed to ``surl`` cannot pay (spec weakness W1);
5. settled in one transaction (``OrderSettlement``); side effects leave after the commit.

A notice for an order already decided the same way costs no gateway call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from loopin.domain.payments.errors import ForgedNotice, NoticeMismatch, OrderNotFound
from loopin.domain.payments.order import OrderStatus
from loopin.usecases.payments import jobs
from loopin.usecases.payments.ports import (
    NoticeLog,
    Outcome,
    PaymentGateway,
    PaymentOrderRepository,
    ReceivedNotice,
)
from loopin.usecases.payments.settlement import OrderSettlement
from loopin.usecases.payments.views import NoticeHandled
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase

SOURCES = frozenset({"surl", "furl", "webhook"})
_EVIDENCE = ("txnid", "status", "amount", "mihpayid", "mode", "unmappedstatus", "error", "error_Message")


def delivery_key(source: str, fields: Mapping[str, str]) -> str:
    canonical = json.dumps([source, sorted((str(k), str(v)) for k, v in fields.items())], ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _short(value: object, limit: int) -> str:
    text = "".join(c for c in str(value) if c.isprintable())
    return text[:limit]


class HandlePaymentNotice(UseCase):
    gateway: PaymentGateway
    notices: NoticeLog
    orders: PaymentOrderRepository
    settlement: OrderSettlement
    clock: Clock

    async def __call__(self, *, source: str, fields: Mapping[str, str]) -> NoticeHandled:
        """``source``: surl, furl or webhook; ``fields``: what was posted, as strings."""
        if source not in SOURCES:
            raise ValueError(f"unknown notice source {source!r}")
        now = self.clock.now()
        key = delivery_key(source, fields)
        claimed_txnid = _short(fields.get("txnid", ""), 64)
        try:
            notice = self.gateway.read_notice(fields)
        except ForgedNotice as refused:
            evidence = {name: _short(fields[name], 200) for name in _EVIDENCE if name in fields}
            claimed = _short(fields.get("status", ""), 16)
            if await self.notices.record(
                ReceivedNotice(key, source, claimed_txnid, False, claimed, evidence, now)
            ):
                self.uow.enqueue(
                    jobs.audited_notice("forged", claimed_txnid, now, source=source, reason=refused.message)
                )
            await self.uow.commit()
            raise
        fresh = await self.notices.record(
            ReceivedNotice(key, source, notice.txnid, True, notice.outcome.value, notice.details, now)
        )
        await self.uow.commit()  # the record survives whatever follows
        order = await self.orders.get(notice.txnid)
        if order is None:
            if fresh:
                self.uow.enqueue(jobs.audited_notice("unknown_order", notice.txnid, now, source=source))
            await self.uow.commit()
            raise OrderNotFound()
        if notice.amount != order.amount:
            if fresh:
                self.uow.enqueue(
                    jobs.audited_notice("mismatch", notice.txnid, now, source=source, amount=str(notice.amount))
                )
            await self.uow.commit()
            raise NoticeMismatch()
        if _decided(order.status, notice.outcome):
            await self.uow.commit()
            return NoticeHandled(order.order_id, order.status.value, changed=False)
        verdict = await self.gateway.verify(notice.txnid)  # GatewayUnavailable: 503, PayU retries
        settled = await self.settlement.apply(notice.txnid, verdict, self.clock.now())
        await self.uow.commit()
        if settled.mismatch:
            raise NoticeMismatch()
        return NoticeHandled(settled.order.order_id, settled.order.status.value, settled.changed)


def _decided(status: OrderStatus, claimed: Outcome) -> bool:
    """Nothing this notice says can change the order (a duplicate, a failure after a success)."""
    if status in (OrderStatus.PAID, OrderStatus.REFUNDED):
        return True
    return status in (OrderStatus.FAILED, OrderStatus.EXPIRED) and claimed is not Outcome.SUCCESS
