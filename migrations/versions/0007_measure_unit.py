"""measure unit: the unit printed beside an estimate ("days", "%", "per mg/dl")

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 16:00:00.000000

Estimates printed with a CI in any unit are now measures ("6.13 days (95% CI 4.97-7.53)",
"OR 1.19 per mg/dl; 95% CI 1.04-1.38"); the unit keeps what the number counts. Empty for the
measures stored before, as for those printed without a unit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_column("unit")
