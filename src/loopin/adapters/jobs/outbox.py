"""The transactional outbox: a transaction's jobs are stored with its change, then relayed to the job runner.

A job written here commits or rolls back with the change that asked for it, so a crash between COMMIT and the
hand-over to SAQ loses nothing: the relay (``adapters.jobs.relay``) delivers every stored message at least
once. Each message carries a SAQ key (the job's own, or one minted here), so a message relayed twice while
the first copy is still pending is queued once; handlers are idempotent for the rest.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from loopin.usecases.shared.ports import Job, JsonScalar


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A stored job. ``job.key`` is always set: the dedup key SAQ sees, the same on every relay."""

    id: uuid.UUID
    job: Job
    tries: int = 0  # failed relays so far


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    hold: timedelta = timedelta(seconds=15)  # how long the committing process has to relay its own messages
    batch: int = 200  # messages one relay claims at a time
    poll_seconds: float = 1.0  # the relay loop's pause when it found less than a batch
    max_backoff: timedelta = timedelta(minutes=15)
    # delivered ids collected this long, then removed in one statement: one DELETE (and commit) per process per
    # half second under load, not one per request; the relay loop re-delivers only after `hold`
    ack_delay_seconds: float = 0.5

    def backoff(self, tries: int) -> timedelta:
        """After ``tries`` failed relays: 2, 4, 8... seconds, up to ``max_backoff``."""
        return min(timedelta(seconds=2 ** min(tries, 20)), self.max_backoff)


class Outbox(Protocol):
    """The outbox inside the current transaction (the use case's, or the relay's own)."""

    async def add(self, jobs: Sequence[Job], *, now: datetime, hold_until: datetime) -> list[OutboxMessage]:
        """Stores the jobs in one statement; no relay claims them before ``hold_until`` (their writer hands them
        over first). Returns them as messages, with their ids and keys, in order."""
        ...

    async def claim(self, *, now: datetime, limit: int) -> list[OutboxMessage]:
        """Messages due by ``now``, oldest first, locked until the transaction ends; rows another relay holds
        are skipped (``FOR UPDATE SKIP LOCKED``), so relays running at once never share a message."""
        ...

    async def delivered(self, ids: Sequence[uuid.UUID]) -> None:
        """Removes delivered messages."""
        ...

    async def retry_later(self, message: OutboxMessage, *, at: datetime, error: str) -> None:
        """Counts a failed relay and makes the message due again at ``at``."""
        ...

    async def pending(self, limit: int = 100) -> list[OutboxMessage]:
        """Messages not yet delivered, oldest first, without locking them (operations and tests)."""
        ...


class OutboxAcknowledgements(Protocol):
    """Removes messages delivered right after their commit, in a short transaction of its own."""

    async def acknowledge(self, ids: Sequence[uuid.UUID]) -> None: ...


def new_messages(jobs: Sequence[Job]) -> list[OutboxMessage]:
    """Ids are minted here (no RETURNING needed); a job without a key gets one from its id, so every relay of
    the message hands SAQ the same key."""
    messages = []
    for job in jobs:
        message_id = uuid.uuid4()
        messages.append(OutboxMessage(message_id, job if job.key else replace(job, key=f"job:{message_id.hex}")))
    return messages


class _Envelope(msgspec.Struct, array_like=True, frozen=True):
    payload: dict[str, JsonScalar]
    key: str
    attempts: int
    timeout_seconds: int
    keep_result: bool


class JobEnvelope:
    """A job as stored bytes. Jobs whose payload must not linger (``keep_result=False``: an OTP in an SMS body)
    are sealed with AES-GCM under a server key, so the database, its WAL and its backups never hold them in
    clear; the job name is the associated data, so a sealed body cannot be moved to another job."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key[:32])

    def encode(self, job: Job) -> tuple[bytes, bool]:
        """``(body, sealed)``."""
        envelope = _Envelope(dict(job.payload), job.key or "", job.attempts, job.timeout_seconds, job.keep_result)
        body = msgspec.json.encode(envelope)
        if job.keep_result:
            return body, False
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, body, job.name.encode()), True

    def decode(self, name: str, body: bytes, sealed: bool) -> Job:
        if sealed:
            body = self._aead.decrypt(body[:12], body[12:], name.encode())
        e = msgspec.json.decode(body, type=_Envelope)
        return Job(name, e.payload, e.key, e.attempts, e.timeout_seconds, e.keep_result)
