"""citation marker as printed: room for author-year citations

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:00:00.000000

A citation keeps its in-text marker as printed. Numbered markers ("12") fit in 32 characters;
author-year ones ("Centers for Disease Control and Prevention 2021") do not, and PostgreSQL
refused them. 200 characters, as for other printed labels.
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@contextmanager
def _quiet() -> Iterator[None]:
    # SQLite copies the table; reading it reads the claim table it refers to, whose
    # expression indexes (0006) SQLAlchemy cannot reflect and says so. They are not touched.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        yield


def upgrade() -> None:
    with _quiet(), op.batch_alter_table("citation") as batch:
        batch.alter_column(
            "marker", existing_type=sa.String(32), type_=sa.String(200), existing_nullable=True
        )


def downgrade() -> None:
    # Markers longer than 32 characters are cut: the old column cannot hold them.
    op.execute("UPDATE citation SET marker = substr(marker, 1, 32) WHERE length(marker) > 32")
    with _quiet(), op.batch_alter_table("citation") as batch:
        batch.alter_column(
            "marker", existing_type=sa.String(200), type_=sa.String(32), existing_nullable=True
        )
