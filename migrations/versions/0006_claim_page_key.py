"""claim page key: a page after a cursor is one index seek on SQLite, like the first page

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 13:00:00.000000

SQLite only. The claim browser pages newest first, by (updated_at, id). SQLite can seek an index
past a row value only on real columns, and id is the rowid, so a page after a cursor took two
seeks (the cursor's instant with lower ids, then earlier instants) where the first page takes
one. These indexes are on one text key that sorts as (updated_at, id) does,

    updated_at || char(1) || printf('%010d', id)

so every page, first or two-thousandth, is one seek and a walk of n entries
(kb.services.queries.page_key builds the same key in Python for the cursor). char(1) sorts below
every character a timestamp holds, so a shorter timestamp sorts first, as in updated_at's own
order. One index per equality filter the browser pages by: none, one status, the reviewer, the
author. Each ends with updated_at, the column inside the key: SQLite (3.40) reads an index
without visiting the table only when every column the query names is a column of the index, so
without it a page would look up every claim row it walks past.

PostgreSQL seeks its (updated_at, id) btree indexes by the row value `(updated_at, id) < (...)`
itself: nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "(updated_at || char(1) || printf('%010d', id))"
INDEXES = {
    "ix_claim_page": "",
    "ix_claim_page_status": "status, ",
    "ix_claim_page_assignee": "assignee_id, ",
    "ix_claim_page_author": "author_id, ",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, prefix in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON claim ({prefix}{KEY}, updated_at)")
    # A database that has planner statistics (ANALYZE) gets them for the new indexes too: SQLite
    # guesses that an unmeasured index is very selective and would prefer it to the measured
    # ones, e.g. walking every claim of one status instead of looking up a rare word's matches.
    analyzed = op.get_bind().exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    )
    if analyzed.first() is not None:
        for name in INDEXES:
            op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
