"""article recency index: the Articles page lists the newest without sorting them all

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_article_updated", "article", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_article_updated", table_name="article")
