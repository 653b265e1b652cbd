"""otp challenges remember the network that asked for them

Revision ID: 3f1c2a9d7e15
Revises: 50bc2003c2e6
Create Date: 2026-12-06 09:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '3f1c2a9d7e15'
down_revision: Union[str, Sequence[str], None] = '50bc2003c2e6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        'otp_challenges',
        sa.Column('requested_from', sa.String(length=64), server_default='', nullable=False),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('otp_challenges', 'requested_from')
