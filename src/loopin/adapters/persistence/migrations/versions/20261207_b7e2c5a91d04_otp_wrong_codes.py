"""The phone's wrong sign-in codes of the day, kept on its challenge row (the lockout), no longer in Redis.

Revision ID: b7e2c5a91d04
Revises: e63a9c4d1f32
Create Date: 2026-12-07 00:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision: str = 'b7e2c5a91d04'
down_revision: Union[str, Sequence[str], None] = 'e63a9c4d1f32'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        'otp_challenges',
        sa.Column('wrong_codes', postgresql.ARRAY(sa.DateTime(timezone=True)), server_default='{}', nullable=False),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('otp_challenges', 'wrong_codes')
