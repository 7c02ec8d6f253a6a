"""Full-text search of claim text, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Whole words, no prefixes, every word required. SQLite's `claim_fts` (unicode61, diacritics kept)
and PostgreSQL's 'simple' tsvector over the text with punctuation turned into spaces split text
into the same words, so both engines return the same claims. User text is split into words
here and each word is quoted: nothing the user types reaches MATCH or to_tsquery as syntax.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Integer, Table, column, literal_column, text
from sqlmodel import Session, SQLModel

import kb.models  # noqa: F401  (registers the tables)

CLAIM: Table = SQLModel.metadata.tables["claim"]

# Schema objects migration 0002 creates that the models cannot describe (FTS5 tables and
# triggers, the tsvector GIN index) or that only this query needs (keyset indexes);
# migrations/env.py and the drift test leave them out of autogenerate.
# FTS5 tables (SQLite) and the expression GIN index (PostgreSQL) cannot be SQLModel objects.
UNMODELLED_SCHEMA_PREFIXES = ("claim_fts",)

# Must equal the expression of the claim_fts_gin index in migration 0002, or PostgreSQL
# cannot use the index.
PG_TSVECTOR = "to_tsvector('simple', regexp_replace(claim.text, '[[:punct:]]+', ' ', 'g'))"

_WORD = re.compile(r"[^\W_]+")


def include_schema_name(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """Alembic include_name hook: False for the unmodelled search objects of migration 0002."""
    return not (name and name.startswith(UNMODELLED_SCHEMA_PREFIXES))


def search_words(user_text: str) -> list[str]:
    """The words of user text as both engines tokenize them (letters and digits, lower-case)."""
    return [w.lower() for w in _WORD.findall(user_text)]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# Above this many matches a page walks the updated_at index and probes the matches, instead of
# sorting them all (SQLite; 1M claims: 90 ms instead of 280 ms for a word in 30% of claims).
FTS_WALK_ABOVE = 5_000


def _fts_match(words: list[str]) -> str:
    # Each word quoted: FTS5 operators, column filters and prefixes in user text are inert.
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def fulltext_hits(session: Session, user_text: str) -> int:
    """How many claims contain every word of user_text (from the search index alone)."""
    words = search_words(user_text)
    if _dialect(session) == "sqlite":
        sql = "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH :q"
        return int(session.execute(text(sql), {"q": _fts_match(words)}).scalar_one())
    sql = f"SELECT count(*) FROM claim WHERE {PG_TSVECTOR} @@ plainto_tsquery('simple', :q)"
    return int(session.execute(text(sql), {"q": " ".join(words)}).scalar_one())


def fulltext_condition(
    session: Session, user_text: str, *, probe: bool = False
) -> ColumnElement[bool]:
    """claim.id matches every word of user_text, on this session's engine.

    probe=True (SQLite) keeps the planner from driving the query by the matches, so a page
    walks its ordered index and checks each row against them: right for common words.
    """
    words = search_words(user_text)
    if _dialect(session) == "sqlite":
        matching = text("SELECT rowid FROM claim_fts WHERE claim_fts MATCH :fts_query")
        subquery = matching.bindparams(fts_query=_fts_match(words)).columns(
            column("rowid", Integer)
        )
        target = literal_column("+claim.id", Integer) if probe else CLAIM.c.id
        return target.in_(subquery)
    return text(f"{PG_TSVECTOR} @@ plainto_tsquery('simple', :fts_query)").bindparams(
        fts_query=" ".join(words)
    )  # type: ignore[return-value]
