"""claim facet counts: the claim browser's total without counting claim rows (SQLite)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:00:00.000000

SQLite only: `claim_facet_count` holds how many claims share each combination of status, kind,
best evidence level, best study type and "has open flags", kept exact by triggers on claim.
kb.services.queries sums it for totals whose filters use only those columns, so a reviewer's
"Under Review findings, level 1-2" total is a sum over a few hundred rows instead of a scan of
tens of thousands of index entries.

PostgreSQL counts with index-only scans instead: SQLite serializes its writers anyway, so a shared
counter row costs nothing there, while on PostgreSQL every writer would queue on (and could
deadlock over) the same counter rows.

Like claim_fts, the table and its triggers are not SQLModel objects; migrations/env.py keeps them
out of autogenerate (kb.migrate.UNMODELLED_SCHEMA_PREFIXES). A later batch migration
that recreates the claim table on SQLite drops the triggers with it: it must call
_create_sqlite_facets() again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# NULL never equals NULL in a key, so "no evidence" is stored as level 0 and study type ''.
_KEY = (
    "{r}.status, {r}.kind, coalesce({r}.best_level, 0), coalesce({r}.best_study_type, ''), "
    "{r}.open_flag_count > 0"
)
_COLUMNS = "status, kind, best_level, best_study_type, flagged"
_MATCH = (
    "status = {r}.status AND kind = {r}.kind AND best_level = coalesce({r}.best_level, 0) "
    "AND best_study_type = coalesce({r}.best_study_type, '') "
    "AND flagged = ({r}.open_flag_count > 0)"
)


def _add(row: str) -> str:
    return (
        f"INSERT INTO claim_facet_count ({_COLUMNS}, n) VALUES ({_KEY.format(r=row)}, 1) "
        "ON CONFLICT DO UPDATE SET n = n + 1;"
    )


def _remove(row: str) -> str:
    return f"UPDATE claim_facet_count SET n = n - 1 WHERE {_MATCH.format(r=row)};"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_facets()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("claim_facet_ai", "claim_facet_ad", "claim_facet_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS claim_facet_count")


def _create_sqlite_facets() -> None:
    op.execute(
        "CREATE TABLE claim_facet_count ("
        "status VARCHAR(32) NOT NULL, kind VARCHAR(32) NOT NULL, best_level INTEGER NOT NULL, "
        "best_study_type VARCHAR(32) NOT NULL, flagged BOOLEAN NOT NULL, "
        "n INTEGER NOT NULL CHECK (n >= 0), "
        f"PRIMARY KEY ({_COLUMNS})) WITHOUT ROWID"
    )
    op.execute(f"CREATE TRIGGER claim_facet_ai AFTER INSERT ON claim BEGIN {_add('new')} END")
    op.execute(f"CREATE TRIGGER claim_facet_ad AFTER DELETE ON claim BEGIN {_remove('old')} END")
    # Only a change of key moves a claim between rows: text edits and version bumps cost nothing.
    op.execute(
        "CREATE TRIGGER claim_facet_au AFTER UPDATE OF "
        "status, kind, best_level, best_study_type, open_flag_count ON claim "
        "WHEN old.status IS NOT new.status OR old.kind IS NOT new.kind "
        "OR old.best_level IS NOT new.best_level "
        "OR old.best_study_type IS NOT new.best_study_type "
        "OR (old.open_flag_count > 0) IS NOT (new.open_flag_count > 0) "
        f"BEGIN {_remove('old')} {_add('new')} END"
    )
    # Claims written before this revision.
    op.execute(
        f"INSERT INTO claim_facet_count ({_COLUMNS}, n) "
        f"SELECT {_KEY.format(r='claim')}, count(*) FROM claim "
        "GROUP BY 1, 2, 3, 4, 5"
    )
