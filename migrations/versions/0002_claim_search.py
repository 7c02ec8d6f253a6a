"""claim search: keyset indexes and full-text search of claim text

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:00:00.000000

SQLite: an FTS5 external-content table `claim_fts` over claim.text (unicode61, diacritics kept
so it tokenizes like PostgreSQL's 'simple' configuration) kept in sync by triggers.
PostgreSQL: a GIN index on the same tsvector expression kb.services.queries searches with.

Neither can be described by the SQLModel models, so migrations/env.py keeps them (and the
keyset indexes, see kb.migrate.UNMODELLED_SCHEMA_PREFIXES) out of autogenerate.
A later batch migration that recreates the claim table on SQLite drops the triggers with it:
it must create them again (0005's, which replaced these on SQLite).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keyset paging indexes (every page is an index seek whatever its depth) and count indexes.
# Declared on kb.models.Claim too, so autogenerate sees no drift.
KEYSET_INDEXES = {
    "ix_claim_keyset_updated": ["updated_at", "id"],
    "ix_claim_keyset_assignee": ["assignee_id", "updated_at", "id"],
    "ix_claim_keyset_author": ["author_id", "updated_at", "id"],
    # Counting, not paging: the claim browser's total under its usual filters, read from the
    # index alone.
    "ix_claim_keyset_count": ["status", "kind", "best_level"],
    "ix_claim_keyset_open_flags": ["open_flag_count"],
}

# Must equal kb.services.queries.PG_TSVECTOR: punctuation becomes spaces so "7.4" and
# "covid-19" split into words exactly as SQLite's unicode61 tokenizer splits them.
PG_TSVECTOR = "to_tsvector('simple', regexp_replace(text, '[[:punct:]]+', ' ', 'g'))"


def upgrade() -> None:
    for name, columns in KEYSET_INDEXES.items():
        op.create_index(name, "claim", columns, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_fts()
    else:
        op.execute(f"CREATE INDEX claim_fts_gin ON claim USING gin ({PG_TSVECTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_fts()
    else:
        op.execute("DROP INDEX IF EXISTS claim_fts_gin")
    for name in KEYSET_INDEXES:
        op.drop_index(name, table_name="claim")


def _create_sqlite_fts() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE claim_fts USING fts5("
        "text, content='claim', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_ai AFTER INSERT ON claim BEGIN "
        "INSERT INTO claim_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_ad AFTER DELETE ON claim BEGIN "
        "INSERT INTO claim_fts(claim_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    # Only a change of text touches the index: status and version updates stay cheap.
    op.execute(
        "CREATE TRIGGER claim_fts_au AFTER UPDATE OF text ON claim BEGIN "
        "INSERT INTO claim_fts(claim_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO claim_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    # Claims written before this revision.
    op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")


def _drop_sqlite_fts() -> None:
    for trigger in ("claim_fts_ai", "claim_fts_ad", "claim_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS claim_fts")
