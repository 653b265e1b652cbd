"""The platform fee's configuration in memory, and its cache in this process (Redis's stand-in)."""

from __future__ import annotations

from decimal import Decimal

from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.payments.fee import PlatformFeeConfig
from loopin.usecases.payments.ports import FeeConfigCache, FeeConfigRepository
from loopin.usecases.shared.ports import Clock

FEE_CONFIG = "platform_fee_config"


class MemoryFeeConfigRepository(MemoryAdapter, FeeConfigRepository):
    async def get(self) -> PlatformFeeConfig:
        config: PlatformFeeConfig | None = self._tx.read(FEE_CONFIG, 1)
        return config or PlatformFeeConfig()

    async def lock(self) -> PlatformFeeConfig:
        await self._tx.lock(FEE_CONFIG, 1)
        return await self.get()

    async def save(self, config: PlatformFeeConfig) -> None:
        self._tx.write(FEE_CONFIG, 1, config)


class MemoryFeeConfigCache(FeeConfigCache):
    """Process-wide (APP scope), entries expire as in Redis."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._generation = 0
        self._entry: tuple[int, float, Decimal] | None = None

    async def get(self) -> tuple[int, Decimal | None]:
        entry = self._entry
        if entry is None or entry[0] != self._generation or entry[1] <= self._clock.now().timestamp():
            return self._generation, None
        return self._generation, entry[2]

    async def put(self, generation: int, percentage: Decimal, ttl_seconds: int) -> None:
        if ttl_seconds > 0 and generation == self._generation:
            self._entry = (generation, self._clock.now().timestamp() + ttl_seconds, percentage)

    async def invalidate(self) -> None:
        self._generation += 1
        self._entry = None
