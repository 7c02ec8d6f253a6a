"""A ClaimFilter as SQL: its shape and bind values, its WHERE conditions, how a search reads.

Conditions are built per filter shape and cached (see tables.Shape); claim_conditions binds the
values for callers that run the conditions once (exports, iter_claim_ids).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, bindparam, false, literal_column, or_, select
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session

from kb.dbtypes import UTCDateTime
from kb.enums import FlagStatus
from kb.errors import InvalidInput
from kb.services.fulltext import (
    FTS_PARAM,
    FTS_WALK_ABOVE,
    fulltext_condition,
    fulltext_more_than,
    fulltext_param,
    recent_condition,
)
from kb.services.queries.filters import ClaimFilter
from kb.services.queries.tables import (
    ARTICLE,
    CLAIM,
    FLAG,
    USER,
    Shape,
    dialect_name,
    page_key_column,
)


def unindexed(col: Any, dialect: str, page: bool) -> Any:
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


def filter_shape(
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
        dialect = dialect_name(session)
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
def shaped_conditions(shape: Shape, dialect: str, page: bool) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a filter shape, with bind parameters for its values."""
    c = CLAIM.c

    def low(col: Any) -> Any:
        return unindexed(col, dialect, page)

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
        else:  # pragma: no cover - filter_shape and this function list the same names
            raise AssertionError(f"unknown filter {name!r}")
    return tuple(out)


def claim_conditions(session: Session, filters: ClaimFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions on the claim table for filters, values bound (exports use these)."""
    shape, params = filter_shape(session, filters, page=None)
    return [_bound(c, params) for c in shaped_conditions(shape, dialect_name(session), False)]


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


def true_if_empty(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """All conditions AND-ed (an empty list matches every row)."""
    return and_(*conditions) if conditions else ~false()
