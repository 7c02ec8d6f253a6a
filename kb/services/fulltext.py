"""Full-text search of claim text, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Whole words, no prefixes, every word required. SQLite's `claim_fts` (unicode61, diacritics kept)
and PostgreSQL's 'simple' tsvector over the text with punctuation turned into spaces split text
into the same words, so both engines return the same claims. User text is split into words
here and each word is quoted: nothing the user types reaches MATCH or to_tsquery as syntax.

On SQLite the index is keyed by recency_key (migration 0005), not the claim id: a claim's id is
the low 32 bits of its rowid there, and a page of a search alone, newest first, reads the index
newest first and stops (recent_condition).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

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


# SQLite (migration 0005): claim_fts is keyed by recency_key, so a claim id is its low 32 bits.
_FTS_ID = "rowid & 4294967295"
_ID_BITS = 32
# Above every recency key: the bound of a first page, which has no cursor.
_NO_BOUND = 2**63 - 1


# Seconds are counted from 2026-01-01 UTC: 31 bits either side of it reach 1958 to 2094 (from
# 1970 they would end in 2038, when seconds << 32 overflows a 64-bit rowid).
KEY_EPOCH = 1_767_225_600


def recency_key(updated_at: datetime, claim_id: int) -> int:
    """The rowid of a claim in SQLite's claim_fts: (seconds of updated_at) << 32 | id.

    Whole seconds since KEY_EPOCH. Migration 0005's triggers compute the same in SQL. Ordered
    by it, claims come in the claim browser's order (updated_at, id) except inside one second,
    where they come by id.
    """
    if not 0 < claim_id < 2**_ID_BITS:
        raise ValueError(f"claim id {claim_id} does not fit a recency key")
    return (_seconds(updated_at) << _ID_BITS) | claim_id


# recency_key in SQL over claim rows (migration 0005's triggers use the same expression):
# updated_at is stored as 'YYYY-MM-DD HH:MM:SS.ffffff', whose first 19 characters are the whole
# seconds (strftime alone would round the fraction).
_RECENCY_KEY_SQL = (
    "(((CAST(strftime('%s', substr(claim.updated_at, 1, 19)) AS INTEGER) "
    f"- {KEY_EPOCH}) << {_ID_BITS}) | claim.id)"
)
# Fills an empty claim_fts from the claims (the bulk loader, after loading without triggers).
SQLITE_INDEX_ALL_CLAIMS = (
    f"INSERT INTO claim_fts(rowid, text) SELECT {_RECENCY_KEY_SQL}, text FROM claim"
)


def _seconds(when: datetime) -> int:
    seconds = calendar.timegm(when.astimezone(UTC).timetuple()) - KEY_EPOCH
    if not -(2**31) <= seconds < 2**31:
        raise ValueError(f"{when} is outside the years a recency key holds")
    return seconds


def fulltext_condition(dialect: str, *, probe: bool = False) -> ColumnElement[bool]:
    """claim.id matches the words bound to FTS_PARAM (see fulltext_param), on this dialect.

    probe=True (SQLite) keeps the planner from driving the query by the matches, so a page
    walks its ordered index and checks each row against them: right for common words.
    """
    if dialect == "sqlite":
        matching = text(f"SELECT {_FTS_ID} FROM claim_fts WHERE claim_fts MATCH :{FTS_PARAM}")
        subquery = matching.columns(column("rowid", Integer))
        target = literal_column("+claim.id", Integer) if probe else CLAIM.c.id
        return target.in_(subquery)
    return text(  # type: ignore[return-value]
        f"{PG_TSVECTOR} @@ plainto_tsquery('simple', :{FTS_PARAM})"
    )


# The bind parameters recent_condition() leaves for recent_params().
_RECENT_SQL = f"""
SELECT {_FTS_ID} FROM claim_fts
WHERE claim_fts MATCH :{FTS_PARAM} AND rowid < :fts_upto AND rowid >= (
  SELECT coalesce((min(k) >> {_ID_BITS}) << {_ID_BITS}, :fts_below) FROM (
    SELECT rowid AS k FROM claim_fts WHERE claim_fts MATCH :{FTS_PARAM} AND rowid < :fts_below
    ORDER BY rowid DESC LIMIT :fts_n))
"""


def recent_condition() -> ColumnElement[bool]:
    """SQLite: claim.id is among the candidates for the newest n matches (see recent_params).

    The search index is read newest first (its rowid is recency_key) and only as far as the
    n-th match, plus the rest of that match's second: within a second the key orders by id,
    not by the exact updated_at, so the whole second is taken and the page query sorts these
    few candidates exactly. Every claim of the true first n is a candidate: a claim ordered
    before the n-th key's claim has a key in a later or the same second. After a cursor the
    whole of the cursor's second is taken too, and the page query keeps the rows past the
    cursor. Only for a search alone: another filter could drop candidates and leave the page
    short.
    """
    matching = text(_RECENT_SQL).columns(column("rowid", Integer))
    return CLAIM.c.id.in_(matching)


def recent_params(n: int, after: datetime | None) -> dict[str, int]:
    """The bounds of recent_condition for a page of n rows after a cursor's updated_at."""
    if after is None:
        return {"fts_upto": _NO_BOUND, "fts_below": _NO_BOUND, "fts_n": n}
    second = _seconds(after)
    return {
        "fts_upto": (second + 1) << _ID_BITS,
        "fts_below": second << _ID_BITS,
        "fts_n": n,
    }
