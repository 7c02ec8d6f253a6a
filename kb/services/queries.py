"""The one claim query: filters, full-text search and keyset paging for the CLI, exports and UI.

Pages are read from the claim row's denormalized evidence summary (kb.services.evidence keeps
it current), never by grouping citations, and are paged by keyset: the cursor is the last row's
sort key and the next page is an index seek past it, so page 2,000 costs what page 1 costs and
rows added meanwhile never shift a page (no OFFSET).

Full-text search is whole-word, prefix-free and AND-ed: SQLite FTS5 (`claim_fts`, unicode61)
and PostgreSQL's 'simple' tsvector over the same punctuation-free text, so both engines return
the same claims. User text is split into words here and never reaches MATCH or to_tsquery raw.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session, SQLModel

import kb.models  # noqa: F401  (registers the tables)
from kb.dbtypes import UTCDateTime
from kb.enums import STUDY_TYPES, ClaimKind, FlagKind, FlagStatus, ReviewStatus
from kb.errors import InvalidInput
from kb.services.fulltext import (
    FTS_PARAM,
    FTS_WALK_ABOVE,
    fulltext_condition,
    fulltext_hits,
    fulltext_more_than,
    fulltext_param,
    recent_condition,
    recent_params,
    search_words,
)

_TABLES = SQLModel.metadata.tables
CLAIM: Table = _TABLES["claim"]
ARTICLE: Table = _TABLES["article"]
CITATION: Table = _TABLES["citation"]
FLAG: Table = _TABLES["flag"]
USER: Table = _TABLES["user"]

Order = Literal["updated", "position"]
ORDERS: tuple[str, ...] = ("updated", "position")


def _pick(values: list[str], allowed: dict[str, str], what: str) -> list[str]:
    """Normalize values against allowed (lower-case alias -> canonical) or name the bad one."""
    out = []
    for v in values:
        canonical = allowed.get(str(v).strip().lower())
        if canonical is None:
            choices = ", ".join(sorted(set(allowed.values())))
            raise InvalidInput(f"unknown {what} {v!r}; allowed: {choices}")
        if canonical not in out:
            out.append(canonical)
    return out


def _aliases(values: list[str], names: list[str] | None = None) -> dict[str, str]:
    table = {v.lower(): v for v in values}
    for name, value in zip(names or [], values, strict=False):
        table[name.lower()] = value
        table[name.lower().replace("_", "-")] = value
    return table


_STATUSES = _aliases([s.value for s in ReviewStatus], [s.name for s in ReviewStatus])
_KINDS = _aliases([k.value for k in ClaimKind])
_STUDY_TYPES = _aliases([s.code for s in STUDY_TYPES])
_FLAG_KINDS = _aliases([k.value for k in FlagKind], [k.name for k in FlagKind])
_LEVELS = sorted({s.level for s in STUDY_TYPES if s.level is not None})


@dataclass
class ClaimFilter:
    """What to show; empty lists and None mean "any". Validated and normalized on creation."""

    article: str | None = None
    status: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    study_type: list[str] = field(default_factory=list)
    evidence_level: list[int] = field(default_factory=list)
    flag_kind: list[str] = field(default_factory=list)
    open_flags: bool | None = None
    reviewer: str | None = None
    # Not assigned to this account (unassigned included): "Under Review by others".
    not_reviewer: str | None = None
    author: str | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        self.status = _pick(list(self.status), _STATUSES, "status")
        self.kind = _pick(list(self.kind), _KINDS, "kind")
        self.study_type = _pick(list(self.study_type), _STUDY_TYPES, "study type")
        self.flag_kind = _pick(list(self.flag_kind), _FLAG_KINDS, "flag kind")
        levels = []
        for level in self.evidence_level:
            try:
                value = int(level)
            except (TypeError, ValueError):
                value = -1
            if value not in _LEVELS:
                raise InvalidInput(
                    f"unknown evidence level {level!r}; allowed: {', '.join(map(str, _LEVELS))}"
                )
            levels.append(value)
        self.evidence_level = sorted(set(levels))
        for name in ("updated_from", "updated_to"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                raise InvalidInput(f"{name} must be a date (YYYY-MM-DD), got {value!r}")
        if self.updated_from and self.updated_to and self.updated_from > self.updated_to:
            raise InvalidInput("updated_from is after updated_to")
        self.text = self.text.strip() if self.text and self.text.strip() else None
        if self.text is not None and not search_words(self.text):
            raise InvalidInput(f"search text {self.text!r} has no words to search for")
        self.article = self.article.strip() if self.article else None
        self.reviewer = self.reviewer.strip().lower() if self.reviewer else None
        self.not_reviewer = self.not_reviewer.strip().lower() if self.not_reviewer else None
        self.author = self.author.strip().lower() if self.author else None


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


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _unindexed(col: Any, dialect: str, page: bool) -> Any:
    """col, or on SQLite for a page query `+col`, which SQLite will not drive a query by.

    A page wants rows in keyset order: walking a page key index (updated_at, id order, alone or
    after status) and skipping rows is constant-cost, while letting a low-selectivity column such as
    kind pick the index means sorting every matching row first.
    """
    if page and dialect == "sqlite":
        return literal_column(f"+claim.{col.name}", col.type)
    return col


def _user_id(session: Session, email: str, role: str) -> int:
    found = session.execute(select(USER.c.id).where(USER.c.email == email)).scalar()
    if found is None:
        raise InvalidInput(f"no account {email!r} (given as the {role} filter)")
    return int(found)


# A filter becomes a *shape*, the (name, form) pairs of its conditions (hashable), and the
# values to bind.
# Statements are built and cached per shape, so a page or a count with new values reuses a
# statement SQLAlchemy has already compiled and keyed (building and keying a statement costs
# more than running it for one page).
Shape = tuple[Any, ...]


def _filter_shape(
    session: Session, filters: ClaimFilter, *, page: str | None
) -> tuple[Shape, dict[str, Any]]:
    """The shape of filters' conditions and their bind values (unknown article/account refused).

    page is the order of the page the conditions are for, None for counts and exports.
    """
    f = filters
    shape: list[Any] = []
    params: dict[str, Any] = {}
    if f.article is not None:
        article_id = session.execute(
            select(ARTICLE.c.id).where(ARTICLE.c.slug == f.article)
        ).scalar()
        if article_id is None:
            raise InvalidInput(f"no article with slug {f.article!r}")
        shape.append(("article", None))
        params["f_article"] = article_id
    if f.status:
        # One status: (status, updated_at, id) serves filter and order at once.
        shape.append(("status", len(f.status) == 1))
        params["f_status"] = f.status
    for name in ("kind", "study_type", "evidence_level", "flag_kind"):
        if getattr(f, name):
            shape.append((name, None))
            params[f"f_{name}"] = getattr(f, name)
    if f.open_flags is not None:
        shape.append(("open_flags", f.open_flags))
    if f.reviewer is not None:
        shape.append(("reviewer", None))
        params["f_reviewer"] = _user_id(session, f.reviewer, "reviewer")
    if f.not_reviewer is not None:
        shape.append(("not_reviewer", None))
        params["f_not_reviewer"] = _user_id(session, f.not_reviewer, "not-reviewer")
    if f.author is not None:
        shape.append(("author", None))
        params["f_author"] = _user_id(session, f.author, "author")
    if f.updated_from is not None:
        shape.append(("updated_from", None))
        params["f_updated_from"] = datetime.combine(f.updated_from, time(), tzinfo=UTC)
    if f.updated_to is not None:
        shape.append(("updated_to", None))
        end = datetime.combine(f.updated_to + timedelta(days=1), time(), tzinfo=UTC)
        params["f_updated_to"] = end
    if f.text is not None:
        dialect = _dialect(session)
        strategy = _search_strategy(session, dialect, f.text, page=page, alone=not shape)
        shape.append(("text", strategy))
        params[FTS_PARAM] = fulltext_param(dialect, f.text)
    return tuple(shape), params


# How a page reads SQLite's search index: "recent" reads the newest matches only (a search
# alone, newest first); "probe" walks the page's ordered index and checks each row against the
# matches (a common word); "match" sorts all the matches (a rare word, or not a page).
TextStrategy = Literal["match", "probe", "recent"]


def _search_strategy(
    session: Session, dialect: str, words: str, *, page: str | None, alone: bool
) -> TextStrategy:
    if page is None or dialect != "sqlite":
        return "match"
    if page == "updated" and alone:
        return "recent"
    return "probe" if fulltext_more_than(session, words, FTS_WALK_ABOVE) else "match"


@functools.lru_cache(maxsize=1024)
def _shaped_conditions(shape: Shape, dialect: str, page: bool) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a filter shape, with bind parameters for its values."""
    c = CLAIM.c

    def low(col: Any) -> Any:
        return _unindexed(col, dialect, page)

    def values(name: str) -> Any:
        return bindparam(f"f_{name}", expanding=True)

    # A SQLite page's date range is a range of its page key index: the key starts with the
    # stored updated_at text, so key >= t exactly when updated_at >= t (and likewise <).
    when = page_key_column() if page and dialect == "sqlite" else c.updated_at
    out: list[ColumnElement[bool]] = []
    for name, arg in shape:
        if name == "article":
            out.append(c.article_id == bindparam("f_article"))
        elif name == "status":
            out.append((c.status if arg else low(c.status)).in_(values("status")))
        elif name == "kind":
            out.append(low(c.kind).in_(values("kind")))
        elif name == "study_type":
            out.append(low(c.best_study_type).in_(values("study_type")))
        elif name == "evidence_level":
            out.append(low(c.best_level).in_(values("evidence_level")))
        elif name == "open_flags":
            flags = low(c.open_flag_count)
            out.append(flags > 0 if arg else flags == 0)
        elif name == "flag_kind":
            flagged = select(FLAG.c.claim_id).where(
                FLAG.c.status == FlagStatus.open.value, FLAG.c.kind.in_(values("flag_kind"))
            )
            out.append(c.id.in_(flagged))
        elif name == "reviewer":
            out.append(c.assignee_id == bindparam("f_reviewer"))
        elif name == "not_reviewer":
            other = c.assignee_id != bindparam("f_not_reviewer")
            out.append(or_(c.assignee_id.is_(None), other))
        elif name == "author":
            out.append(c.author_id == bindparam("f_author"))
        elif name == "updated_from":
            out.append(when >= bindparam("f_updated_from", type_=UTCDateTime()))
        elif name == "updated_to":
            out.append(when < bindparam("f_updated_to", type_=UTCDateTime()))
        elif name == "text" and arg == "recent":
            out.append(recent_condition())
        elif name == "text":
            out.append(fulltext_condition(dialect, probe=arg == "probe"))
        else:  # pragma: no cover - _filter_shape and this function list the same names
            raise AssertionError(f"unknown filter {name!r}")
    return tuple(out)


def claim_conditions(session: Session, filters: ClaimFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions on the claim table for filters, values bound (exports use these)."""
    shape, params = _filter_shape(session, filters, page=None)
    return [_bound(c, params) for c in _shaped_conditions(shape, _dialect(session), False)]


def _bound(condition: ColumnElement[bool], params: dict[str, Any]) -> ColumnElement[bool]:
    """condition with its named bind parameters carrying their values from params."""

    def replace(element: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in params:
            return bindparam(
                element.key,
                params[element.key],
                type_=element.type,
                expanding=element.expanding,
            )
        return None

    opts: dict[str, Any] = {}
    return replacement_traverse(condition, opts, replace)  # type: ignore[call-overload,no-any-return]


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


# SQLite's page key (migration 0006 indexes it, alone and after status, assignee_id and
# author_id): one text that sorts as (updated_at, id) does, so that a page after a cursor is a
# single index seek past the cursor's key, as the first page is a single seek to the newest.
# The text must be exactly the index's expression for SQLite to use the index.
PAGE_KEY_SQL = "(claim.updated_at || char(1) || printf('%010d', claim.id))"


def page_key_column(*, indexed: bool = True) -> Any:
    """PAGE_KEY_SQL as a column expression; indexed=False: `+key`, which SQLite won't seek by."""
    return literal_column(PAGE_KEY_SQL if indexed else f"+{PAGE_KEY_SQL}", String)


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
    conditions = list(_shaped_conditions(shape, dialect, True))
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
        updated, claim_id = (_unindexed(col, dialect, True) for col in (c.updated_at, c.id))
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


def true_if_empty(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """All conditions AND-ed (an empty list matches every row)."""
    return and_(*conditions) if conditions else ~false()


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
    shape, params = _filter_shape(session, filters or ClaimFilter(), page=order)
    dialect = _dialect(session)
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


# Migration 0003 (SQLite): claims per (status, kind, best_level, best_study_type, flagged).
FACETS = table(
    "claim_facet_count",
    column("status", String),
    column("kind", String),
    column("best_level", Integer),
    column("best_study_type", String),
    column("flagged", Boolean),
    column("n", Integer),
)
# The filters the facet counts can answer alone (SQLite).
_FACET_FILTERS = frozenset({"status", "kind", "study_type", "evidence_level", "open_flags"})


def _facet_shape(shape: Shape) -> bool:
    """True when claim_facet_count alone can count a filter of this shape."""
    return all(name in _FACET_FILTERS for name, _arg in shape)


@functools.lru_cache(maxsize=1024)
def _count_statement(shape: Shape, dialect: str) -> Select[Any]:
    """The count query of a filter shape (cached: see Shape)."""
    if dialect != "sqlite" or not _facet_shape(shape):
        conditions = _shaped_conditions(shape, dialect, False)
        return select(func.count()).select_from(CLAIM).where(true_if_empty(list(conditions)))
    # Same bind parameters as _shaped_conditions, against the facet rows.
    c = FACETS.c
    columns = {
        "status": c.status,
        "kind": c.kind,
        "study_type": c.best_study_type,
        "evidence_level": c.best_level,
    }
    out: list[ColumnElement[bool]] = []
    for name, arg in shape:
        if name == "open_flags":
            out.append(c.flagged == bool(arg))
        else:
            out.append(columns[name].in_(bindparam(f"f_{name}", expanding=True)))
    return select(func.coalesce(func.sum(c.n), 0)).where(true_if_empty(out))


def claims_grouped_by(*, session: Session, column_name: str) -> dict[Any, int]:
    """Claim count per value of a claim column: status, kind, best_level or best_study_type.

    SQLite sums claim_facet_count (a few hundred rows); PostgreSQL groups the claim rows.
    No evidence is None for best_level and best_study_type, as on the claim.
    """
    if column_name not in ("status", "kind", "best_level", "best_study_type"):
        raise InvalidInput(f"cannot group claims by {column_name!r}")
    if _dialect(session) == "sqlite":
        key = FACETS.c[column_name]
        stmt = select(key, func.sum(FACETS.c.n)).where(FACETS.c.n > 0).group_by(key)
        none = 0 if column_name == "best_level" else ""
    else:
        key = CLAIM.c[column_name]
        stmt = select(key, func.count()).group_by(key)
        none = None
    rows = session.connection().execute(stmt).all()
    return {(None if value == none else value): int(n) for value, n in rows}


def count_claims(*, session: Session, filters: ClaimFilter | None = None) -> int:
    """How many claims match filters."""
    filters = filters or ClaimFilter()
    if filters.text is not None and filters == ClaimFilter(text=filters.text):
        # Text alone: the search index knows the count without visiting a claim row.
        return fulltext_hits(session, filters.text)
    shape, params = _filter_shape(session, filters, page=None)
    stmt = _count_statement(shape, _dialect(session))
    return int(session.connection().execute(stmt, params).scalar_one())


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
