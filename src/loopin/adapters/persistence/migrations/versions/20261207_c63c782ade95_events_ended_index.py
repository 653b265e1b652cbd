"""The scheduled completion's index: published events not deleted, by end (``SqlEventRepository.lock_ended``)."""

import sqlalchemy as sa
from alembic import op

revision = "c63c782ade95"
down_revision = "b7e2c5a91d04"

ENDED = sa.text("status = 'published' AND deleted_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_events_ended", "events", ["end_time", "id"], unique=False, postgresql_where=ENDED)


def downgrade() -> None:
    op.drop_index("ix_events_ended", table_name="events", postgresql_where=ENDED)
