<%!
    def commands(rendered):
        """Autogenerate's commands without the banner lines it puts around them."""
        lines = [line for line in (rendered or "").splitlines() if not line.lstrip().startswith("# ###")]
        return "\n".join(lines).strip() or "pass"
%>\
"""${message}"""

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
% if branch_labels:
branch_labels = ${repr(branch_labels)}
% endif
% if depends_on:
depends_on = ${repr(depends_on)}
% endif


def upgrade() -> None:
    ${commands(upgrades)}


def downgrade() -> None:
    ${commands(downgrades)}
