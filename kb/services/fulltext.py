"""Full-text search of claim text, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Whole words, no prefixes, every word required. SQLite's `claim_fts` (unicode61, diacritics kept)
and PostgreSQL's 'simple' tsvector over the text with punctuation turned into spaces split text
into the same words, so both engines return the same claims. User text is split into words
here and each word is quoted: nothing the user types reaches MATCH or to_tsquery as syntax.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, Table, column, literal_column, text
from sqlmodel import Session, SQLModel

import kb.models  # noqa: F401  (registers the tables)

CLAIM: Table = SQLModel.metadata.tables["claim"]

# Must equal the expression of the claim_fts_gin index in migration 0002, or PostgreSQL
# cannot use the index.
PG_TSVECTOR = "to_tsvector('simple', regexp_replace(claim.text, '[[:punct:]]+', ' ', 'g'))"

_WORD = re.compile(r"[^\W_]+")


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


# The bind parameter fulltext_condition() leaves for fulltext_param()'s value.
FTS_PARAM = "fts_query"


def fulltext_param(dialect: str, user_text: str) -> str:
    """The value of FTS_PARAM for user_text: an FTS5 MATCH query or plainto_tsquery text."""
    words = search_words(user_text)
    return _fts_match(words) if dialect == "sqlite" else " ".join(words)


def fulltext_hits(session: Session, user_text: str) -> int:
    """How many claims contain every word of user_text (from the search index alone)."""
    dialect = _dialect(session)
    if dialect == "sqlite":
        sql = "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH ?"
    else:
        sql = f"SELECT count(*) FROM claim WHERE {PG_TSVECTOR} @@ plainto_tsquery('simple', %s)"
    # Driver SQL: nothing to build or key, and the value is always a bound parameter.
    found = session.connection().exec_driver_sql(sql, (fulltext_param(dialect, user_text),))
    return int(found.scalar_one())


def fulltext_more_than(session: Session, user_text: str, n: int) -> bool:
    """Whether more than n claims contain every word of user_text (SQLite: stops at n + 1)."""
    if _dialect(session) != "sqlite":
        return fulltext_hits(session, user_text) > n
    # A common word's full count costs 20 ms at a million claims; this stops reading at n + 1.
    sql = "SELECT count(*) FROM (SELECT 1 FROM claim_fts WHERE claim_fts MATCH ? LIMIT ?)"
    found = session.connection().exec_driver_sql(sql, (fulltext_param("sqlite", user_text), n + 1))
    return int(found.scalar_one()) > n


def fulltext_condition(dialect: str, *, probe: bool = False) -> ColumnElement[bool]:
    """claim.id matches the words bound to FTS_PARAM (see fulltext_param), on this dialect.

    probe=True (SQLite) keeps the planner from driving the query by the matches, so a page
    walks its ordered index and checks each row against them: right for common words.
    """
    if dialect == "sqlite":
        matching = text(f"SELECT rowid FROM claim_fts WHERE claim_fts MATCH :{FTS_PARAM}")
        subquery = matching.columns(column("rowid", Integer))
        target = literal_column("+claim.id", Integer) if probe else CLAIM.c.id
        return target.in_(subquery)
    return text(  # type: ignore[return-value]
        f"{PG_TSVECTOR} @@ plainto_tsquery('simple', :{FTS_PARAM})"
    )
