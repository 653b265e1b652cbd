"""Staff campaigns and their recipients (one row per member reached: (campaign, member) unique).

Revision ID: e63a9c4d1f32
Revises: d52f8e3b0c21
Create Date: 2026-12-06 13:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision: str = 'e63a9c4d1f32'
down_revision: Union[str, Sequence[str], None] = 'd52f8e3b0c21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UTC = advanced_alchemy.types.datetime.DateTimeUTC


def upgrade() -> None:
    op.create_table(
        'campaigns',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False, start=1, increment=1), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('template', sa.String(length=48), nullable=False),
        sa.Column('values', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
        sa.Column('audience', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('recipients', sa.Integer(), server_default='0', nullable=False),
        sa.Column('sent', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.Column('started_at', UTC(timezone=True), nullable=True),
        sa.Column('finished_at', UTC(timezone=True), nullable=True),
        sa.Column('cancelled_at', UTC(timezone=True), nullable=True),
        sa.Column('sent_by', sa.BigInteger(), nullable=True),
        sa.Column('updated_at', UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['members.id'], name=op.f('fk_campaigns_created_by_members')),
        sa.ForeignKeyConstraint(['sent_by'], ['members.id'], name=op.f('fk_campaigns_sent_by_members')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    )
    op.create_index(
        'ix_campaigns_sending', 'campaigns', ['id'], unique=False, postgresql_where=sa.text("status = 'sending'")
    )
    op.create_table(
        'campaign_recipients',
        sa.Column('campaign_id', sa.BigInteger(), nullable=False),
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('updated_at', UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_recipients_campaign_id_campaigns'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['members.id'], name=op.f('fk_campaign_recipients_member_id_members'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('campaign_id', 'member_id', name=op.f('pk_campaign_recipients')),
    )
    op.create_index(
        'ix_campaign_recipients_pending', 'campaign_recipients', ['campaign_id', 'member_id'], unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index('ix_campaign_recipients_pending', table_name='campaign_recipients', postgresql_where=sa.text("status = 'pending'"))
    op.drop_table('campaign_recipients')
    op.drop_index('ix_campaigns_sending', table_name='campaigns', postgresql_where=sa.text("status = 'sending'"))
    op.drop_table('campaigns')
