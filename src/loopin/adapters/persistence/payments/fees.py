"""The platform fee's configuration over PostgreSQL: one row, created on its first lock."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import PlatformFeeConfigRow
from loopin.adapters.persistence.rows import entity_from_row, row_values
from loopin.domain.payments.fee import PlatformFeeConfig
from loopin.usecases.payments.ports import FeeConfigRepository


class SqlFeeConfigRepository(SqlAdapter, FeeConfigRepository):
    async def get(self) -> PlatformFeeConfig:
        row = await self._session.get(PlatformFeeConfigRow, 1, populate_existing=True)
        return _config(row) if row else PlatformFeeConfig()

    async def lock(self) -> PlatformFeeConfig:
        default = PlatformFeeConfig()
        await self._session.execute(
            insert(PlatformFeeConfigRow)
            .values(id=1, percentage=default.percentage, description=default.description)
            .on_conflict_do_nothing(index_elements=[PlatformFeeConfigRow.id])
        )
        row = await self._session.get(PlatformFeeConfigRow, 1, with_for_update=True, populate_existing=True)
        if row is None:
            raise LookupError("the fee config vanished")
        return _config(row)

    async def save(self, config: PlatformFeeConfig) -> None:
        await self._session.execute(
            update(PlatformFeeConfigRow)
            .where(PlatformFeeConfigRow.id == 1)
            .values(**row_values(config, skip=()))
            .execution_options(synchronize_session=False)
        )


def _config(row: PlatformFeeConfigRow) -> PlatformFeeConfig:
    return entity_from_row(PlatformFeeConfig, row)
