"""claim search by recency: the SQLite search index is keyed by when a claim last changed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 11:00:00.000000

SQLite only. `claim_fts` becomes a contentless FTS5 table whose rowid is the claim's recency
key, (whole seconds of updated_at since 2026) << 32 | id, instead of the claim id. The claim
browser lists search results newest first: with the index in that order, a page reads the
newest matches and stops (kb.services.fulltext.recent_condition), where it used to look up and
sort every match. The key changes with updated_at, so the triggers rewrite a claim's entry
when it changes. Same tokenizer as 0002, so the same words match.

PostgreSQL keeps 0002's GIN index: nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("claim_fts_ai", "claim_fts_ad", "claim_fts_au")
# Seconds count from 2026-01-01 UTC, so the key holds 1958 to 2094 (from 1970 it would overflow
# a 64-bit rowid in 2038).
EPOCH = 1_767_225_600
TOKENIZE = "tokenize='unicode61 remove_diacritics 0'"


def key(row: str) -> str:
    """The recency key of `row` (new, old or claim); kb.services.fulltext.recency_key in SQL.

    updated_at is stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): the first 19 characters are the
    whole seconds (strftime would round the fraction).
    """
    seconds = f"(CAST(strftime('%s', substr({row}.updated_at, 1, 19)) AS INTEGER) - {EPOCH})"
    return f"(({seconds} << 32) | {row}.id)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop()
    op.execute(f"CREATE VIRTUAL TABLE claim_fts USING fts5(text, content='', {TOKENIZE})")
    op.execute(
        "CREATE TRIGGER claim_fts_ai AFTER INSERT ON claim BEGIN "
        f"INSERT INTO claim_fts(rowid, text) VALUES ({key('new')}, new.text); END"
    )
    # A contentless index forgets a row only when given the text it was indexed with.
    op.execute(
        "CREATE TRIGGER claim_fts_ad AFTER DELETE ON claim BEGIN "
        "INSERT INTO claim_fts(claim_fts, rowid, text) "
        f"VALUES ('delete', {key('old')}, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_au AFTER UPDATE OF text, updated_at ON claim "
        f"WHEN old.text IS NOT new.text OR {key('old')} IS NOT {key('new')} BEGIN "
        "INSERT INTO claim_fts(claim_fts, rowid, text) "
        f"VALUES ('delete', {key('old')}, old.text); "
        f"INSERT INTO claim_fts(rowid, text) VALUES ({key('new')}, new.text); END"
    )
    op.execute(f"INSERT INTO claim_fts(rowid, text) SELECT {key('claim')}, text FROM claim")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop()
    # 0002's index: external content, rowid = claim id.
    op.execute(
        "CREATE VIRTUAL TABLE claim_fts USING fts5("
        f"text, content='claim', content_rowid='id', {TOKENIZE})"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_ai AFTER INSERT ON claim BEGIN "
        "INSERT INTO claim_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_ad AFTER DELETE ON claim BEGIN "
        "INSERT INTO claim_fts(claim_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER claim_fts_au AFTER UPDATE OF text ON claim BEGIN "
        "INSERT INTO claim_fts(claim_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO claim_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")


def _drop() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS claim_fts")
