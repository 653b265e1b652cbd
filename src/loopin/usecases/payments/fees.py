"""The platform fee: read through a one-hour cache, changed by a superuser who has just entered a code (audited,
the cache invalidated at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.identity.member import Access
from loopin.domain.payments.fee import PlatformFeeConfig, PlatformFeePolicy
from loopin.usecases.events.ports import EventCache, PlatformFees
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.payments import jobs
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payments.ports import FeeConfigCache, FeeConfigRepository
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.ports import Clock


@dataclass(frozen=True, slots=True)
class FeeView:
    percentage: Decimal
    description: str
    updated_by: int | None
    updated_at: datetime | None

    @classmethod
    def of(cls, config: PlatformFeeConfig) -> FeeView:
        return from_attributes(cls, config)


@dataclass(frozen=True, slots=True)
class CurrentFee(PlatformFees):
    """The policy every price is computed with (orders, and ``platform_fee`` on events)."""

    configs: FeeConfigRepository
    cache: FeeConfigCache
    config: PaymentsConfig

    async def policy(self) -> PlatformFeePolicy:
        generation, percentage = await self.cache.get()
        if percentage is None:
            percentage = (await self.configs.get()).percentage
            await self.cache.put(generation, percentage, self.config.fee_cache_ttl_seconds)
        return PlatformFeePolicy(percentage)


class GetPlatformFee(MemberUseCase):
    """What buyers pay on top of a base price (any member may know: the app shows it)."""

    configs: FeeConfigRepository

    async def __call__(self, *, member_id: int) -> FeeView:
        await self.access.load(member_id, Access.MEMBER)
        config = await self.configs.get()
        await self.uow.commit()
        return FeeView.of(config)


class ChangePlatformFee(MemberUseCase):
    """A superuser with a fresh code (``confirmed_at``: when they last entered one; the console passes its
    session's sign-in or step-up) changes the fee. Takes effect for every order created after the commit;
    orders already made keep theirs. No API route calls it: a bearer token carries no fresh proof."""

    configs: FeeConfigRepository
    cache: FeeConfigCache
    events: EventCache
    clock: Clock

    async def __call__(
        self,
        *,
        member_id: int,
        percentage: Decimal | str,
        confirmed_at: datetime | None,
        description: str | None = None,
    ) -> FeeView:
        member = await self.access.load(member_id, Access.MEMBER)
        config = await self.configs.lock()
        now = self.clock.now()
        change = config.change(percentage, by=member, confirmed_at=confirmed_at, now=now, description=description)
        if change is not None:
            await self.configs.save(config)
            self.uow.enqueue(jobs.audited_fee(change))
        self.uow.after_commit(self.cache.invalidate)  # even unchanged: a retry heals a failed invalidation
        self.uow.after_commit(self.events.invalidate)  # events show the fee
        await self.uow.commit()
        return FeeView.of(config)
