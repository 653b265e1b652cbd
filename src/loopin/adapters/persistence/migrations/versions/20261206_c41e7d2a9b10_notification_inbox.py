"""Notification inbox, preferences and quiet hours: unread and push-due indexes, the urgent flag, when a push is
due, and one row of muted types per member.

Revision ID: c41e7d2a9b10
Revises: 1ad4e0474744
Create Date: 2026-12-06 12:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision: str = 'c41e7d2a9b10'
down_revision: Union[str, Sequence[str], None] = '1ad4e0474744'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('notifications', sa.Column('urgent', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column(
        'notifications',
        sa.Column('push_due_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    )
    op.create_index(
        'ix_notifications_unread', 'notifications', ['recipient_id', 'id'], unique=False,
        postgresql_where=sa.text('read_at IS NULL'),
    )
    op.create_index(
        'ix_notifications_push_due', 'notifications', ['push_due_at'], unique=False,
        postgresql_where=sa.text('pushed_at IS NULL AND push_due_at IS NOT NULL'),
    )
    op.create_table(
        'notification_preferences',
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('muted', postgresql.ARRAY(sa.String(length=32)), server_default='{}', nullable=False),
        sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['member_id'], ['members.id'], name=op.f('fk_notification_preferences_member_id_members'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('member_id', name=op.f('pk_notification_preferences')),
    )


def downgrade() -> None:
    op.drop_table('notification_preferences')
    op.drop_index('ix_notifications_push_due', table_name='notifications', postgresql_where=sa.text('pushed_at IS NULL AND push_due_at IS NOT NULL'))
    op.drop_index('ix_notifications_unread', table_name='notifications', postgresql_where=sa.text('read_at IS NULL'))
    op.drop_column('notifications', 'push_due_at')
    op.drop_column('notifications', 'urgent')
