"""The scheduled completion's index: published events not deleted, by end (``SqlEventRepository.lock_ended``).

Built ``CONCURRENTLY``, outside the migration's transaction, so a live ``events`` table keeps taking writes while
it builds (a plain ``CREATE INDEX`` holds a lock that stops every insert and update until it is done)."""

import sqlalchemy as sa
from alembic import op

revision = "c63c782ade95"
down_revision = "b7e2c5a91d04"

ENDED = sa.text("status = 'published' AND deleted_at IS NULL")


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_events_ended",
            "events",
            ["end_time", "id"],
            unique=False,
            postgresql_where=ENDED,
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index("ix_events_ended", table_name="events", postgresql_where=ENDED, postgresql_concurrently=True)
