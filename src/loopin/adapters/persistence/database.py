"""Engine construction and schema migrations (Alembic, driven from code so no alembic.ini is needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, Result, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).with_name("migrations")


class UseCaseSession(Session):
    """A session that keeps every row it loaded or stored until it closes.

    The identity map holds rows weakly: once a repository has turned a row into an entity, the row can be
    collected, and ``save`` would read it from the database again (under a lock, in the middle of a rush).
    A use case touches few rows and its session lives for one request or job.
    """


class SqlAdapter:
    """A PostgreSQL adapter: it works in the use case's session, so all it does is one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _run_core(self, statement: Executable, params: Any = None) -> Result[Any]:
        """A Core statement (table columns, plain rows) on the transaction's connection: the SQL that
        ``session.execute`` would send, without the ORM's set-up of every call (~25 µs a statement, measured
        at the door). Not for statements that load mapped rows or that the session must see (ORM updates)."""
        return await (await transaction_connection(self._session)).execute(statement, params)


_CONNECTION = "loopin.connection"


async def transaction_connection(session: AsyncSession) -> AsyncConnection:
    """The connection of the session's transaction, asked of the session once per transaction (beginning one
    when none is open) and kept in its ``info`` beside the transaction it belongs to."""
    info = session.sync_session.info
    held = info.get(_CONNECTION)
    if held is not None and held[0] is session.sync_session.get_transaction():
        return held[1]  # type: ignore[no-any-return]
    connection = await session.connection()
    info[_CONNECTION] = (session.sync_session.get_transaction(), connection)
    return connection


@event.listens_for(UseCaseSession, "loaded_as_persistent")
@event.listens_for(UseCaseSession, "pending_to_persistent")
def _keep_row(session: Session, instance: Any) -> None:
    session.info.setdefault("rows", []).append(instance)


def create_engine(url: str, pool_size: int = 10, max_overflow: int = 20, pool_timeout: float = 30) -> AsyncEngine:
    """No pre-ping: it costs a round trip on every checkout. A connection the server dropped fails one request
    (SQLAlchemy then invalidates the pool), and ``pool_recycle`` retires connections before idle timeouts.
    ``pool_timeout``: how long a request queues (first come, first served) for a connection before it fails.

    The pool keeps every connection it opens, up to ``pool_size + max_overflow`` (the same ceiling): SQLAlchemy
    closes an overflow connection whenever it comes back while ``pool_size`` others sit idle, and under load an
    event loop hands connections back in bunches, so a busy process opened and closed several connections a
    second, each paying the connect, asyncpg's type introspection for the JSON codecs and a new prepare of every
    statement it then ran."""
    return create_async_engine(
        url,
        pool_size=pool_size + max_overflow,
        max_overflow=0,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "loopin", "timezone": "UTC"}},
    )


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Synchronous (Alembic runs its own event loop): call from a CLI or a sync fixture."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def make_revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
