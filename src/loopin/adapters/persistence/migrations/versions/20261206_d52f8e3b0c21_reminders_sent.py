"""Reminders: one marker row per (kind, event, member) reminded, so each reminder goes out once.

Revision ID: d52f8e3b0c21
Revises: c41e7d2a9b10
Create Date: 2026-12-06 12:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import advanced_alchemy.types


# revision identifiers, used by Alembic.
revision: str = 'd52f8e3b0c21'
down_revision: Union[str, Sequence[str], None] = 'c41e7d2a9b10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'reminders_sent',
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('event_id', sa.BigInteger(), nullable=False),
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('sent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['event_id'], ['events.id'], name=op.f('fk_reminders_sent_event_id_events'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['members.id'], name=op.f('fk_reminders_sent_member_id_members'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('kind', 'event_id', 'member_id', name=op.f('pk_reminders_sent')),
    )


def downgrade() -> None:
    op.drop_table('reminders_sent')
