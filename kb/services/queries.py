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

import base64
import binascii
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    false,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlmodel import Session, SQLModel

import kb.models  # noqa: F401  (registers the tables)
from kb.dbtypes import UTCDateTime
from kb.enums import STUDY_TYPES, ClaimKind, FlagKind, FlagStatus, ReviewStatus
from kb.errors import InvalidInput
from kb.services.fulltext import (
    FTS_WALK_ABOVE,
    fulltext_condition,
    fulltext_hits,
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


def _unindexed(session: Session, col: Any, page: bool) -> Any:
    """col, or on SQLite for a page query `+col`, which SQLite will not drive a query by.

    A page wants rows in keyset order: walking the (updated_at, id) or (status, updated_at, id)
    index and skipping rows is constant-cost, while letting a low-selectivity column such as
    kind pick the index means sorting every matching row first.
    """
    if page and _dialect(session) == "sqlite":
        return literal_column(f"+claim.{col.name}", col.type)
    return col


def _user_id(session: Session, email: str, role: str) -> int:
    found = session.execute(select(USER.c.id).where(USER.c.email == email)).scalar()
    if found is None:
        raise InvalidInput(f"no account {email!r} (given as the {role} filter)")
    return int(found)


def claim_conditions(
    session: Session, filters: ClaimFilter, *, page: bool = False
) -> list[ColumnElement[bool]]:
    """WHERE conditions on the claim table for filters (unknown article or account refused).

    page=True shapes them for a keyset page rather than a count (see _unindexed).
    """
    f, c = filters, CLAIM.c

    def low(col: Any) -> Any:
        return _unindexed(session, col, page)

    out: list[ColumnElement[bool]] = []
    if f.article is not None:
        article_id = session.execute(
            select(ARTICLE.c.id).where(ARTICLE.c.slug == f.article)
        ).scalar()
        if article_id is None:
            raise InvalidInput(f"no article with slug {f.article!r}")
        out.append(c.article_id == article_id)
    if f.status:
        # One status: (status, updated_at, id) serves filter and order at once.
        out.append((c.status if len(f.status) == 1 else low(c.status)).in_(f.status))
    if f.kind:
        out.append(low(c.kind).in_(f.kind))
    if f.study_type:
        out.append(low(c.best_study_type).in_(f.study_type))
    if f.evidence_level:
        out.append(low(c.best_level).in_(f.evidence_level))
    if f.open_flags is not None:
        flags = low(c.open_flag_count)
        out.append(flags > 0 if f.open_flags else flags == 0)
    if f.flag_kind:
        flagged = select(FLAG.c.claim_id).where(
            FLAG.c.status == FlagStatus.open.value, FLAG.c.kind.in_(f.flag_kind)
        )
        out.append(c.id.in_(flagged))
    if f.reviewer is not None:
        out.append(c.assignee_id == _user_id(session, f.reviewer, "reviewer"))
    if f.author is not None:
        out.append(c.author_id == _user_id(session, f.author, "author"))
    if f.updated_from is not None:
        start = datetime.combine(f.updated_from, time(), tzinfo=UTC)
        out.append(c.updated_at >= literal(start, UTCDateTime()))
    if f.updated_to is not None:
        end = datetime.combine(f.updated_to + timedelta(days=1), time(), tzinfo=UTC)
        out.append(c.updated_at < literal(end, UTCDateTime()))
    if f.text is not None:
        probe = page and _dialect(session) == "sqlite"
        probe = probe and fulltext_hits(session, f.text) > FTS_WALK_ABOVE
        out.append(fulltext_condition(session, f.text, probe=probe))
    return out


# -- cursors ---------------------------------------------------------------------------------


def encode_cursor(order: str, key: tuple[Any, ...]) -> str:
    """An opaque cursor for the row with this sort key."""
    parts = [order, *(v.isoformat() if isinstance(v, datetime) else v for v in key)]
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> tuple[Any, ...]:
    """The sort key inside cursor, or InvalidInput if it is not one of ours for this order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) != 3 or parts[0] != order:
            raise ValueError
        if order == "updated":
            when = datetime.fromisoformat(parts[1])
            if when.tzinfo is None or not isinstance(parts[2], int):
                raise ValueError
            return (when, parts[2])
        if not all(isinstance(p, int) for p in parts[1:]):
            raise ValueError
        return (parts[1], parts[2])
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(f"not a valid page cursor for order {order!r}") from None


def _order_columns(order: str) -> list[Any]:
    c = CLAIM.c
    if order == "updated":
        return [c.updated_at.desc(), c.id.desc()]
    if order == "position":
        return [c.article_id, c.position]
    raise InvalidInput(f"unknown order {order!r}; allowed: {', '.join(ORDERS)}")


def _after(order: str, key: tuple[Any, ...]) -> ColumnElement[bool]:
    c = CLAIM.c
    if order == "updated":
        when, claim_id = key
        return tuple_(c.updated_at, c.id) < tuple_(literal(when, UTCDateTime()), literal(claim_id))
    return tuple_(c.article_id, c.position) > tuple_(literal(key[0]), literal(key[1]))


def _key(order: str, row: Any) -> tuple[Any, ...]:
    if order == "updated":
        return (row.updated_at, row.id)
    return (row.article_id, row.position)


# -- the queries ------------------------------------------------------------------------------


def _page_select(conditions: list[ColumnElement[bool]], ordering: list[Any], n: int) -> Select[Any]:
    # Pick the page's ids first, then join and count for those rows only: when the matches must
    # be sorted (a rare search word, an article) the joins and the citation count would
    # otherwise run for every match, not for the 50 shown.
    page_ids = select(CLAIM.c.id).where(true_if_empty(conditions)).order_by(*ordering).limit(n)
    return _page_base().where(CLAIM.c.id.in_(page_ids)).order_by(*ordering)


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
    ordering = _order_columns(order)
    conditions = claim_conditions(session, filters or ClaimFilter(), page=True)
    if after:
        conditions.append(_after(order, decode_cursor(after, order)))
    stmt = _page_select(conditions, ordering, limit + 1)
    fetched = session.connection().execute(stmt).all()
    rows = [
        ClaimRow(**{k: v for k, v in r._mapping.items() if k != "article_id"})
        for r in fetched[:limit]
    ]
    more = len(fetched) > limit
    next_cursor = encode_cursor(order, _key(order, fetched[limit - 1])) if more else None
    return ClaimPage(rows=rows, next_cursor=next_cursor)


def count_claims(*, session: Session, filters: ClaimFilter | None = None) -> int:
    """How many claims match filters."""
    filters = filters or ClaimFilter()
    if filters.text is not None and filters == ClaimFilter(text=filters.text):
        # Text alone: the search index knows the count without visiting a claim row.
        return fulltext_hits(session, filters.text)
    conditions = claim_conditions(session, filters)
    stmt = select(func.count()).select_from(CLAIM).where(true_if_empty(conditions))
    return int(session.connection().execute(stmt).scalar_one())


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
