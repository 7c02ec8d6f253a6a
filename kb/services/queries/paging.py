"""Pages of claims by keyset: the rows, the cursors, the page statements, query_claims.

The cursor is the last row's sort key and the next page is an index seek past it, so page 2,000
costs what page 1 costs and rows added meanwhile never shift a page (no OFFSET).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, tuple_
from sqlmodel import Session

from kb.dbtypes import UTCDateTime
from kb.errors import InvalidInput
from kb.services.fulltext import recent_params
from kb.services.queries.conditions import (
    claim_conditions,
    filter_shape,
    shaped_conditions,
    true_if_empty,
    unindexed,
)
from kb.services.queries.filters import ClaimFilter
from kb.services.queries.tables import (
    ARTICLE,
    CITATION,
    CLAIM,
    ORDERS,
    USER,
    Order,
    Shape,
    dialect_name,
    page_key_column,
)


@dataclass(frozen=True)
class ClaimRow:
    """One line of the claim browser."""

    id: int
    article_slug: str
    article_title: str
    position: int
    section: str | None
    text: str
    kind: str
    status: str
    version: int
    best_level: int | None
    best_study_type: str | None
    supporting_count: int
    refuting_count: int
    open_flag_count: int
    citation_count: int
    updated_at: datetime
    author_email: str | None
    assignee_email: str | None


@dataclass(frozen=True)
class ClaimPage:
    """One page of rows and the cursor of the next page (None on the last page)."""

    rows: list[ClaimRow]
    next_cursor: str | None


# -- cursors ---------------------------------------------------------------------------------


# A cursor is short, URL-safe text: "u" + the UTC instant's 20 digits (YYYYMMDDhhmmssffffff) +
# the claim id (at most 10 digits, what the page key holds) for the "updated" order;
# "p<article id>.<position>" for "position". Reading one is slicing digits and, on SQLite,
# rearranging them into the page key: a page after a cursor should cost what the first page
# costs. JSON, base64 and a regular expression cost 25-60 µs a page, run right after a query
# had pushed their code out of the CPU's caches.
_DIGITS_ONLY = str.maketrans("", "", "-:T. ")


def encode_cursor(order: str, key: tuple[Any, ...]) -> str:
    """An opaque cursor for the row with this sort key."""
    if order == "updated":
        when, claim_id = key
        utc = when.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
        return f"u{utc.translate(_DIGITS_ONLY)}{claim_id}"
    return f"p{key[0]}.{key[1]}"


def _bad_cursor(order: str) -> InvalidInput:
    return InvalidInput(f"not a valid page cursor for order {order!r}")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _cursor_instant(cursor: str) -> str:
    """The instant of an "updated" cursor as SQLite stores it, 'YYYY-MM-DD hh:mm:ss.ffffff'."""
    c = cursor
    if not (22 <= len(c) <= 31 and c[0] == "u" and _digits(c[1:])):
        raise _bad_cursor("updated")
    when = f"{c[1:5]}-{c[5:7]}-{c[7:9]} {c[9:11]}:{c[11:13]}:{c[13:15]}.{c[15:21]}"
    try:
        datetime.fromisoformat(when)  # a real instant (not month 13, ...)
    except ValueError:
        raise _bad_cursor("updated") from None
    return when


def decode_cursor(cursor: str, order: str) -> tuple[Any, ...]:
    """The sort key inside cursor, or InvalidInput if it is not one of ours for this order."""
    if order == "updated":
        when = datetime.fromisoformat(_cursor_instant(cursor)).replace(tzinfo=UTC)
        return (when, int(cursor[21:]))
    article_id, dot, position = cursor[1:].partition(".")
    if not (cursor[:1] == "p" and dot and _digits(article_id) and _digits(position)):
        raise _bad_cursor(order)
    if max(len(article_id), len(position)) > 18:  # beyond a 64-bit integer
        raise _bad_cursor(order)
    return (int(article_id), int(position))


def _order_columns(order: str) -> list[Any]:
    c = CLAIM.c
    if order == "updated":
        return [c.updated_at.desc(), c.id.desc()]
    if order == "position":
        return [c.article_id, c.position]
    raise InvalidInput(f"unknown order {order!r}; allowed: {', '.join(ORDERS)}")


def _past_cursor(order: str) -> ColumnElement[bool]:
    """The rows after the cursor's row, its sort key bound by _after_params: one row-value
    comparison, which PostgreSQL's btree and SQLite's (article_id, position) index both seek by.

    Not for SQLite's newest-first order: SQLite seeks a row value only on real index columns,
    and id is the rowid, so `(updated_at, id) < (?, ?)` would seek on updated_at alone and then
    step over every claim stamped with the cursor's instant (a bulk change stamps 100,000 at
    once). That order pages by the page key instead.
    """
    c = CLAIM.c
    if order == "updated":
        when = bindparam("after_0", type_=UTCDateTime())
        return tuple_(c.updated_at, c.id) < tuple_(when, bindparam("after_1"))
    return tuple_(c.article_id, c.position) > tuple_(bindparam("after_0"), bindparam("after_1"))


def _keyed(order: str, dialect: str, shape: Shape) -> bool:
    """True when a page of this order and shape is read by the page key (SQLite, newest first)."""
    return order == "updated" and dialect == "sqlite" and not _reads_recent(shape)


def _reads_recent(shape: Shape) -> bool:
    return ("text", "recent") in shape


def _after_params(cursor: str, order: str, keyed: bool) -> dict[str, Any]:
    """The bind values of a page after cursor: its page key (keyed) or its sort key."""
    if keyed:
        # The page key straight from the cursor's digits: the instant's stored text, then the
        # id (at most 10 digits, so printf('%010d') keeps the ids' order).
        return {"after_key": f"{_cursor_instant(cursor)}\x01{int(cursor[21:]):010d}"}
    key = decode_cursor(cursor, order)
    return {"after_0": key[0], "after_1": key[1]}


def _key(order: str, row: Any) -> tuple[Any, ...]:
    if order == "updated":
        return (row.updated_at, row.id)
    return (row.article_id, row.position)


# -- the queries ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _page_statement(shape: Shape, dialect: str, order: str, after: bool, n: int) -> Select[Any]:
    """The page query of a filter shape (cached: see Shape)."""
    c = CLAIM.c
    ordering = _order_columns(order)
    conditions = list(shaped_conditions(shape, dialect, True))
    # Pick the page's ids first, then join and count for those rows only: when the matches must
    # be sorted (a rare search word, an article) the joins and the citation count would
    # otherwise run for every match, not for the 50 shown.
    page_ids: Select[Any]
    if _keyed(order, dialect, shape):
        # One seek on a page key index and n entries, at any depth. A rare search word
        # ("match") sorts its few matches instead: the key unindexed, or SQLite would walk a
        # page key index and check every claim it passes against the matches.
        key = page_key_column(indexed=("text", "match") not in shape)
        if after:
            conditions.append(key < bindparam("after_key"))
        page_ids = select(c.id).where(true_if_empty(conditions)).order_by(key.desc()).limit(n)
    elif after and _reads_recent(shape):
        # A few candidates from the search index (fulltext.recent_condition): keep those past
        # the cursor and sort them. Unindexed columns, so that SQLite reads the candidates
        # rather than walking the updated_at index through the cursor's second.
        when = bindparam("after_0", type_=UTCDateTime())
        updated, claim_id = (unindexed(col, dialect, True) for col in (c.updated_at, c.id))
        past = ((updated == when) & (claim_id < bindparam("after_1"))) | (updated < when)
        page_ids = select(c.id).where(*conditions, past).order_by(*ordering).limit(n)
    else:
        if after:
            conditions.append(_past_cursor(order))
        page_ids = select(c.id).where(true_if_empty(conditions)).order_by(*ordering).limit(n)
    return _page_base().where(c.id.in_(page_ids)).order_by(*ordering)


@functools.cache
def _page_base() -> Select[Any]:
    # Built once: constructing this statement costs more than running it for one page.
    c, a = CLAIM.c, ARTICLE.c
    author, assignee = USER.alias("author"), USER.alias("assignee")
    # A correlated count per page row: at most `limit` index lookups, never a GROUP BY.
    citation_count = (
        select(func.count())
        .select_from(CITATION)
        .where(CITATION.c.claim_id == c.id)
        .scalar_subquery()
    )
    return select(
        c.id,
        a.slug.label("article_slug"),
        a.title.label("article_title"),
        c.position,
        c.section,
        c.text,
        c.kind,
        c.status,
        c.version,
        c.best_level,
        c.best_study_type,
        c.supporting_count,
        c.refuting_count,
        c.open_flag_count,
        citation_count.label("citation_count"),
        c.updated_at,
        author.c.email.label("author_email"),
        assignee.c.email.label("assignee_email"),
        c.article_id,
    ).select_from(
        CLAIM.join(ARTICLE, a.id == c.article_id)
        .outerjoin(author, author.c.id == c.author_id)
        .outerjoin(assignee, assignee.c.id == c.assignee_id)
    )


# Rows are built by position (four times cheaper than by name): _page_base selects ClaimRow's
# fields first, in order (tests/test_queries.py checks), then the sort keys it needs.
_ROW_FIELDS = len(dataclasses.fields(ClaimRow))


def query_claims(
    *,
    session: Session,
    filters: ClaimFilter | None = None,
    after: str | None = None,
    limit: int = 50,
    order: Order = "updated",
) -> ClaimPage:
    """One page of claims matching filters, after the cursor of the previous page."""
    if not 1 <= limit <= 10_000:
        raise InvalidInput(f"limit must be between 1 and 10000, got {limit}")
    _order_columns(order)
    shape, params = filter_shape(session, filters or ClaimFilter(), page=order)
    dialect = dialect_name(session)
    if after:
        params.update(_after_params(after, order, _keyed(order, dialect, shape)))
    if _reads_recent(shape):
        params.update(recent_params(limit + 1, params.get("after_0")))
    stmt = _page_statement(shape, dialect, order, bool(after), limit + 1)
    fetched = session.connection().execute(stmt, params).all()
    rows = [ClaimRow(*r[:_ROW_FIELDS]) for r in fetched[:limit]]
    more = len(fetched) > limit
    next_cursor = encode_cursor(order, _key(order, fetched[limit - 1])) if more else None
    return ClaimPage(rows=rows, next_cursor=next_cursor)


def iter_claim_ids(
    *, session: Session, filters: ClaimFilter | None = None, chunk_size: int = 10_000
) -> Iterator[int]:
    """Every matching claim id in ascending order, read in keyset chunks (memory stays flat)."""
    conditions = claim_conditions(session, filters or ClaimFilter())
    last = 0
    while True:
        stmt = (
            select(CLAIM.c.id)
            .where(true_if_empty([*conditions, CLAIM.c.id > last]))
            .order_by(CLAIM.c.id)
            .limit(chunk_size)
        )
        ids = list(session.execute(stmt).scalars())
        yield from ids
        if len(ids) < chunk_size:
            return
        last = ids[-1]


def cursor_for_claim(*, session: Session, claim_id: int, order: Order = "updated") -> str:
    """The cursor whose next page starts just after claim_id (benchmarks, deep links)."""
    _order_columns(order)
    row = session.execute(
        select(CLAIM.c.id, CLAIM.c.updated_at, CLAIM.c.article_id, CLAIM.c.position).where(
            CLAIM.c.id == claim_id
        )
    ).first()
    if row is None:
        raise InvalidInput(f"no claim {claim_id}")
    return encode_cursor(order, _key(order, row))
