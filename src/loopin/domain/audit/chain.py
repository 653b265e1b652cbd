"""The hash chain that makes the audit log prove itself.

Each entry's digest is an HMAC-SHA256, under a server key, of its canonical content and the previous entry's
digest. Altering, removing or inserting an entry breaks the digests from that entry on; recomputing them needs
the key, which the database does not hold, so someone who can only write to the database cannot rewrite the
chain to hide a change. The first break names the first entry that cannot be trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from loopin.domain.audit.entry import AuditEntry
from loopin.domain.shared.keyed_digest import server_key

GENESIS = "0" * 64  # the "previous digest" of the first entry


@dataclass(frozen=True, slots=True)
class ChainHead:
    seq: int
    digest: str | None


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first entry that does not verify (or the position where one is missing)."""

    seq: int
    entry_id: str | None
    reason: str


class AuditChain:
    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = server_key(key, "the audit chain key")

    def link(self, entry: AuditEntry, *, after: ChainHead | None, recorded_at: datetime) -> AuditEntry:
        """The entry as the next one of the chain whose head is ``after`` (None: the chain is empty)."""
        previous = (after.digest if after else None) or GENESIS
        placed = replace(
            entry, seq=(after.seq if after else 0) + 1, recorded_at=recorded_at, previous_digest=previous
        )
        return replace(placed, digest=self.digest(placed))

    def digest(self, entry: AuditEntry) -> str:
        mac = hmac.new(self._key, (entry.previous_digest or GENESIS).encode() + b"\n", hashlib.sha256)
        mac.update(canonical(entry))
        return mac.hexdigest()

    def verifier(self) -> ChainVerifier:
        return ChainVerifier(self)


def canonical(entry: AuditEntry) -> bytes:
    """Every fact of the entry, in a fixed order and encoding, as the digest covers it."""
    facts = [
        entry.seq,
        str(entry.entry_id),
        entry.actor_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        _instant(entry.at),
        _instant(entry.recorded_at),
        entry.details,
    ]
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def _instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="microseconds")


class ChainVerifier:
    """Checks entries fed in chain order, one page at a time. Entries recorded before the log was chained (no
    digest) may only come first; they are counted as ``unsealed``."""

    def __init__(self, chain: AuditChain) -> None:
        self._chain = chain
        self.head: ChainHead | None = None
        self.checked = 0
        self.unsealed = 0
        self.broken: ChainBreak | None = None

    def feed(self, entry: AuditEntry) -> ChainBreak | None:
        if self.broken is not None:
            return self.broken
        expected = (self.head.seq if self.head else 0) + 1
        self.broken = self._problem(entry, expected)
        if self.broken is None:
            self.checked += 1
            self.head = ChainHead(entry.seq, entry.digest)
        return self.broken

    def _problem(self, entry: AuditEntry, expected: int) -> ChainBreak | None:
        entry_id = str(entry.entry_id)
        if entry.seq != expected:
            what = (
                f"entry #{expected} is missing" if entry.seq > expected else f"entry #{entry.seq} is out of order"
            )
            return ChainBreak(expected, None if entry.seq > expected else entry_id, what)
        if entry.digest is None:
            if self.head is not None and self.head.digest is not None:
                return ChainBreak(entry.seq, entry_id, "entry has no digest after the chain began")
            self.unsealed += 1
            return None
        previous = (self.head.digest if self.head else None) or GENESIS
        if entry.previous_digest != previous:
            return ChainBreak(
                entry.seq, entry_id, "entry does not follow the one before it (previous digest differs)"
            )
        if not hmac.compare_digest(self._chain.digest(entry), entry.digest):
            return ChainBreak(entry.seq, entry_id, "entry was altered (its digest does not match its content)")
        return None
