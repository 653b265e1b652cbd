"""The outbox relay: committed jobs from the outbox to the dispatcher (SAQ, or in-process in embedded mode).

Two paths, one guarantee (every stored job reaches the dispatcher at least once):

- ``deliver_now``: right after a commit, the committing process hands over the jobs it just stored (all in
  one call), so a job starts as soon as it would have without an outbox. Delivered messages are removed in
  batches (one DELETE for everything delivered within ``ack_delay``), so a request pays one INSERT and no
  DELETE of its own.
  What it could not hand over (Redis down) stays in the outbox.
- ``run``: a loop (in the worker; in the API process when there is no worker) that claims due messages with
  ``SKIP LOCKED``, hands them over and deletes them in the claiming transaction; failures back off
  exponentially. A message its writer is still handing over is not due until ``hold`` has passed.

A relay killed mid-batch rolls its transaction back: the messages it had already handed over are handed over
again by the next pass, and SAQ drops the copies whose key is still pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from datetime import timedelta

import structlog
from dishka import AsyncContainer

from loopin.adapters.jobs.background import in_background
from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.jobs.outbox import Outbox, OutboxAcknowledgements, OutboxConfig, OutboxMessage
from loopin.usecases.shared.ports import Clock, UnitOfWork

log = structlog.get_logger(__name__)


class OutboxRelay:
    """One per process (APP scope)."""

    def __init__(
        self,
        container: AsyncContainer,
        dispatcher: JobDispatcher,
        acknowledgements: OutboxAcknowledgements,
        clock: Clock,
        config: OutboxConfig,
    ) -> None:
        self._container = container
        self._dispatcher = dispatcher
        self._acknowledgements = acknowledgements
        self._clock = clock
        self._config = config
        self._delivered: list[uuid.UUID] = []
        self._flushing: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()

    @property
    def hold(self) -> timedelta:
        return self._config.hold

    async def deliver_now(self, messages: Sequence[OutboxMessage]) -> None:
        """Best effort, never raises: a message not handed over here is the relay loop's. A commit's jobs are
        handed over in one call (the SAQ dispatcher sends them in one round trip); should it fail, they all stay
        for the relay loop, which hands over again what the failed call may have queued already: SAQ drops a
        copy whose key is still pending, handlers are idempotent for the rest (at least once)."""
        if not messages:
            return
        try:
            await self._dispatcher.dispatch([message.job for message in messages])
        except Exception:
            names = [m.job.name for m in messages]
            log.warning("jobs left in the outbox for the relay", jobs=names, exc_info=True)
            return
        self._delivered.extend(message.id for message in messages)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        while self._delivered:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._hurry.wait(), self._config.ack_delay_seconds)
            await self.flush()

    async def flush(self) -> None:
        """Removes the messages ``deliver_now`` handed over. Should that fail, the relay loop hands them over
        again after ``hold`` (at least once)."""
        ids, self._delivered = self._delivered, []
        if not ids:
            return
        try:
            await self._acknowledgements.acknowledge(ids)
        except Exception:
            log.warning("delivered jobs stay in the outbox until the relay passes", count=len(ids), exc_info=True)

    async def settle(self) -> None:
        """Removes every delivered message now (tests, shutdown)."""
        self._hurry.set()
        try:
            while self._flushing is not None and not self._flushing.done():
                await self._flushing
        finally:
            self._hurry.clear()
        await self.flush()

    async def relay_due(self) -> int:
        """One pass: claims up to a batch of due messages, hands them over, deletes them; returns how many it
        claimed. Handed over one by one, so a failure keeps the ones before it delivered."""
        async with self._container() as scope:
            outbox, uow = await scope.get(Outbox), await scope.get(UnitOfWork)
            now = self._clock.now()
            messages = await outbox.claim(now=now, limit=self._config.batch)
            delivered: list[uuid.UUID] = []
            for i, message in enumerate(messages):
                try:
                    await self._dispatcher.dispatch([message.job])
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    log.warning("relay could not hand jobs over; backing off", left=len(messages) - i, error=error)
                    for left in messages[i:]:
                        await outbox.retry_later(left, at=now + self._config.backoff(left.tries + 1), error=error)
                    break
                delivered.append(message.id)
            await outbox.delivered(delivered)
            await uow.commit()
            return len(messages)

    async def run(self) -> None:
        """Relays until cancelled. A pass that fails (the database is down) is logged and the pause before the
        next one grows, up to 30 s, until a pass succeeds."""
        failures = 0
        while True:
            try:
                claimed = await self.relay_due()
                failures = 0
            except Exception:
                failures += 1
                log.exception("outbox relay pass failed", failures=failures)
                claimed = 0
            if claimed < self._config.batch:
                await asyncio.sleep(min(self._config.poll_seconds * 2 ** min(failures, 5), 30.0))

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The relay loop as a background task for the duration of the block."""
        return in_background(self.run(), name="outbox-relay")

    async def close(self) -> None:
        await self.settle()
