"""The log of the gateway's notices over PostgreSQL: each recorded once, by its key (``INSERT … ON CONFLICT DO
NOTHING``)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import PaymentNoticeRow
from loopin.usecases.payments.ports import NoticeLog, ReceivedNotice

# Written by every notice: a Core statement built once, the values with the parameters.
_NOTICES = cast(Table, PaymentNoticeRow.__table__)
_RECORD_NOTICE = insert(_NOTICES).on_conflict_do_nothing(index_elements=[_NOTICES.c.key]).returning(_NOTICES.c.id)


class SqlNoticeLog(SqlAdapter, NoticeLog):
    async def record(self, notice: ReceivedNotice) -> bool:
        values = {
            "key": notice.key,
            "source": notice.source,
            "txnid": notice.txnid[:64],
            "verified": notice.verified,
            "outcome": notice.outcome[:16],
            "details": dict(notice.details),
            "received_at": notice.received_at,
        }
        return (await self._run_core(_RECORD_NOTICE, values)).scalar() is not None

    async def count(self, txnid: str) -> int:
        return int(
            await self._session.scalar(
                select(func.count()).select_from(PaymentNoticeRow).where(PaymentNoticeRow.txnid == txnid[:64])
            )
            or 0
        )
