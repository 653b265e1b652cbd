"""``loopin audit verify``: walks the whole chain and names the first entry that does not verify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from loopin.domain.audit.chain import AuditChain, ChainBreak, ChainHead
from loopin.usecases.audit.config import AuditConfig
from loopin.usecases.audit.ports import AuditDays, AuditLog
from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int  # entries that verified
    unsealed: int  # of those, recorded before the log was chained (no digest)
    head: ChainHead | None
    anchors: int  # daily heads that matched the chain
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


class VerifyAuditChain(UseCase):
    """Recomputes every digest in chain order, page by page, then checks the heads the daily summaries recorded:
    a day's head that is gone or different means entries were removed or rewritten after that day closed."""

    log: AuditLog
    days: AuditDays
    chain: AuditChain
    config: AuditConfig

    async def __call__(self) -> ChainReport:
        verifier = self.chain.verifier()
        digests: dict[int, str | None] = {}
        anchored = await self.days.between(date.min, date.max)
        wanted = {d.head.seq for d in anchored if d.head is not None}
        after = 0
        while verifier.broken is None:
            page = await self.log.chain_page(after_seq=after, limit=self.config.verify_page)
            await self.uow.commit()  # one short transaction per page
            for entry in page:
                if verifier.feed(entry) is not None:
                    break
                if entry.seq in wanted:
                    digests[entry.seq] = entry.digest
            if len(page) < self.config.verify_page:
                break
            after = page[-1].seq
        broken, matched = verifier.broken, 0
        for day in anchored:
            if broken is not None or day.head is None:
                continue
            if day.head.seq not in digests or digests[day.head.seq] != day.head.digest:
                reason = f"the head recorded for {day.day} is gone or differs"
                broken = ChainBreak(day.head.seq, None, reason)
            else:
                matched += 1
        return ChainReport(verifier.checked, verifier.unsealed, verifier.head, matched, broken)
