"""The in-memory log of the gateway's notices: each recorded once, by its key, as in SQL."""

from __future__ import annotations

from loopin.adapters.memory.store import MemoryAdapter
from loopin.usecases.payments.ports import NoticeLog, ReceivedNotice

NOTICES = "payment_notices"


class MemoryNoticeLog(MemoryAdapter, NoticeLog):
    async def record(self, notice: ReceivedNotice) -> bool:
        return await self._tx.insert_once(NOTICES, notice.key, notice)

    async def count(self, txnid: str) -> int:
        return sum(1 for n in self._tx.rows(NOTICES) if n.txnid == txnid)
