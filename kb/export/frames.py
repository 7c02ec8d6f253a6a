"""Export frames from the database, streamed in keyset chunks so memory stays flat.

Every frame follows the claim filter of kb.services.queries: claims are read in article order,
(article_id, position), one index seek per chunk; the per-claim frames (citations, measures,
flags, events) read the rows of the same claim-key ranges. Timestamps are fetched as the
database's raw values and parsed column-wise by kb.export.dtypes, because per-value Python
conversion is what makes a million-row export slow.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    Text,
    case,
    func,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import Session, SQLModel

from kb.errors import InvalidInput
from kb.export.columns import FRAMES
from kb.export.dtypes import db_column, empty_frame
from kb.models import User
from kb.permissions import Action, require
from kb.services.queries import (
    ARTICLE,
    CITATION,
    CLAIM,
    FLAG,
    USER,
    ClaimFilter,
    claim_conditions,
    true_if_empty,
)

MEASURE: Table = SQLModel.metadata.tables["measure"]
REFERENCE: Table = SQLModel.metadata.tables["reference"]
EVENT: Table = SQLModel.metadata.tables["review_event"]
STUDY: Table = SQLModel.metadata.tables["study_type"]
CHUNK_ROWS = 50_000
Key = tuple[int, int]


def _raw(col: Any, name: str | None = None) -> Any:
    """col without SQLAlchemy's per-value result processing (parsed later, column-wise)."""
    return type_coerce(col, String).label(name or col.name)


def _joined(expr: Any, order: Any, session: Session) -> Any:
    """`; `-joined values of expr in the order of `order` (group_concat / string_agg)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(expr, aggregate_order_by(type_coerce("; ", Text), order))
    # SQLite concatenates in scan order: the claim_id index yields rows in id order.
    return func.group_concat(expr, "; ")


def claims_select(session: Session) -> Select[Any]:
    """SELECT of the claims frame (also the raw baseline of the export benchmark)."""
    c, a, cit, ref, fl = CLAIM.c, ARTICLE.c, CITATION.c, REFERENCE.c, FLAG.c
    author, assignee, approver = USER.alias("au"), USER.alias("asg"), USER.alias("apr")
    citation_count = select(func.count()).where(cit.claim_id == c.id).scalar_subquery()
    citekeys = (
        select(_joined(ref.citekey, cit.id, session))
        .select_from(CITATION.join(REFERENCE, ref.id == cit.reference_id))
        .where(cit.claim_id == c.id)
        .scalar_subquery()
    )
    flag_kinds = (
        select(_joined(fl.kind, fl.id, session))
        .where(fl.claim_id == c.id, fl.status == "open")
        .scalar_subquery()
    )
    return (
        select(
            c.id.label("claim_id"),
            a.slug.label("article_slug"),
            a.title.label("article_title"),
            c.section,
            c.position,
            c.text,
            c.kind,
            c.status,
            c.version,
            c.best_level.label("evidence_level"),
            c.best_study_type,
            c.supporting_count,
            c.refuting_count,
            citation_count.label("citation_count"),
            citekeys.label("citekeys"),
            c.open_flag_count,
            # The denormalized count says when there is nothing to look up.
            case((c.open_flag_count > 0, flag_kinds)).label("open_flag_kinds"),
            author.c.email.label("author"),
            assignee.c.email.label("reviewer"),
            _raw(c.approved_at),
            approver.c.email.label("approved_by"),
            _raw(c.next_review_due),
            _raw(c.created_at),
            _raw(c.updated_at),
            c.article_id.label("_article_id"),
        )
        .select_from(
            CLAIM.join(ARTICLE, a.id == c.article_id)
            .outerjoin(author, author.c.id == c.author_id)
            .outerjoin(assignee, assignee.c.id == c.assignee_id)
            .outerjoin(approver, approver.c.id == c.approved_by)
        )
        .order_by(c.article_id, c.position)
    )


def _claim_ref_cols() -> list[Any]:
    c = CLAIM.c
    return [
        c.id.label("claim_id"),
        ARTICLE.c.slug.label("article_slug"),
        c.position.label("claim_position"),
    ]


def _child_select(child: Table, columns: list[Any], joins: Callable[[Any], Any]) -> Select[Any]:
    c = CLAIM.c
    base = child.join(CLAIM, c.id == child.c.claim_id).join(ARTICLE, ARTICLE.c.id == c.article_id)
    return (
        select(*columns[:1], *_claim_ref_cols(), *columns[1:])
        .select_from(joins(base))
        .order_by(c.article_id, c.position, child.c.id)
    )


def citations_select() -> Select[Any]:
    """SELECT of the citations frame (one row per claim-reference link)."""
    cit, ref = CITATION.c, REFERENCE.c
    who = USER.alias("assessor")
    cols = [
        cit.id.label("citation_id"),
        ref.citekey,
        cit.marker,
        cit.stance,
        cit.link_state,
        cit.quote,
        cit.locator,
        ref.study_type,
        STUDY.c.level.label("evidence_level"),
        ref.year,
        ref.doi,
        ref.retraction,
        who.c.email.label("assessed_by"),
        _raw(cit.assessed_at),
    ]
    return _child_select(
        CITATION,
        cols,
        lambda base: (
            base.join(REFERENCE, ref.id == cit.reference_id)
            .join(STUDY, STUDY.c.code == ref.study_type)
            .outerjoin(who, who.c.id == cit.assessed_by)
        ),
    )


def measures_select() -> Select[Any]:
    """SELECT of the measures frame."""
    m = MEASURE.c
    names = [col.name for col in FRAMES["measures"][4:]]
    cols = [m.id.label("measure_id"), *(m[n] for n in names if n != "problems")]
    cols.append(type_coerce(m.problems, Text).label("problems"))
    return _child_select(MEASURE, cols, lambda base: base)


def flags_select() -> Select[Any]:
    """SELECT of the flags frame."""
    f = FLAG.c
    raiser, resolver = USER.alias("raiser"), USER.alias("resolver")
    cols = [
        f.id.label("flag_id"),
        f.kind,
        f.status,
        f.note,
        f.check_key,
        raiser.c.email.label("raised_by"),
        _raw(f.raised_at),
        resolver.c.email.label("resolved_by"),
        _raw(f.resolved_at),
        f.resolution_note,
    ]
    return _child_select(
        FLAG,
        cols,
        lambda base: base.outerjoin(raiser, raiser.c.id == f.raised_by).outerjoin(
            resolver, resolver.c.id == f.resolved_by
        ),
    )


def events_select() -> Select[Any]:
    """SELECT of the review events frame."""
    e = EVENT.c
    actor = USER.alias("actor")
    cols = [
        e.id.label("event_id"),
        actor.c.email.label("actor"),
        e.actor_role,
        e.action,
        e.from_status,
        e.to_status,
        e.comment,
        e.claim_version,
        _raw(e.created_at),
    ]
    return _child_select(EVENT, cols, lambda base: base.outerjoin(actor, actor.c.id == e.actor_id))


def references_select() -> Select[Any]:
    """SELECT of the references frame, with how many claims cite each reference."""
    ref, cit = REFERENCE.c, CITATION.c
    cited_by = select(func.count()).where(cit.reference_id == ref.id).scalar_subquery()
    names = [col.name for col in FRAMES["references"]]
    plain = {"citekey", "entry_type", "title", "journal", "year", "volume", "number", "pages"}
    cols: list[Any] = [ref.id.label("reference_id")]
    for n in names[1:]:
        if n in plain | {"doi", "pmid", "study_type", "retraction"}:
            cols.append(ref[n])
        elif n == "authors":
            cols.append(type_coerce(ref.authors, Text).label("authors"))
        elif n == "evidence_level":
            cols.append(STUDY.c.level.label("evidence_level"))
        elif n == "cited_by_count":
            cols.append(cited_by.label("cited_by_count"))
        else:
            cols.append(_raw(ref.updated_at))
    return (
        select(*cols)
        .select_from(REFERENCE.join(STUDY, STUDY.c.code == ref.study_type))
        .order_by(ref.id)
    )


def _join_list(value: Any) -> Any:
    """A JSON list (text on SQLite, parsed on PostgreSQL) as `; `-joined text."""
    if value is None:
        return None
    items = json.loads(value) if isinstance(value, str) else value
    return "; ".join(str(i) for i in items) or None


def _fetch(session: Session, stmt: Select[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and plain DB-API tuples of stmt.

    The export SELECTs carry no result processing (see _raw), so the driver's tuples are the
    values; skipping SQLAlchemy's Row objects, and pandas probing each of them, halves the cost
    of a million-row export.
    """
    result = session.connection().execute(stmt)
    try:
        return list(result.keys()), list(result.cursor.fetchall())
    finally:
        result.close()


def _frame(rows: Sequence[Any], keys: list[str], frame: str) -> pd.DataFrame:
    if not rows:
        return empty_frame(frame)
    columns = dict(zip(keys, zip(*rows, strict=True), strict=True))
    for name in ("problems", "authors"):
        if name in columns and frame in ("measures", "references"):
            columns[name] = tuple(_join_list(v) for v in columns[name])
    return pd.DataFrame({c.name: db_column(columns[c.name], c.type, c.name) for c in FRAMES[frame]})


def _claim_chunks(
    session: Session, conds: list[ColumnElement[bool]], chunk: int
) -> Iterator[pd.DataFrame]:
    stmt = claims_select(session)
    after: Key | None = None
    while True:
        where = [*conds, _key_after(after)] if after else conds
        keys, rows = _fetch(session, stmt.where(true_if_empty(where)).limit(chunk))
        if rows:
            yield _frame(rows, keys, "claims")
        if len(rows) < chunk:
            return
        last = dict(zip(keys, rows[-1], strict=True))
        after = (last["_article_id"], last["position"])


def _key_after(key: Key) -> ColumnElement[bool]:
    return tuple_(CLAIM.c.article_id, CLAIM.c.position) > tuple_(*key)


def _key_upto(key: Key) -> ColumnElement[bool]:
    return tuple_(CLAIM.c.article_id, CLAIM.c.position) <= tuple_(*key)


def _claim_key_ranges(
    session: Session, conds: list[ColumnElement[bool]], chunk: int
) -> Iterator[tuple[Key | None, Key | None]]:
    """(after, up_to) claim-key ranges of `chunk` matching claims each; up_to None = to the end."""
    c = CLAIM.c
    after: Key | None = None
    while True:
        where = [*conds, _key_after(after)] if after else conds
        last = session.execute(
            select(c.article_id, c.position)
            .where(true_if_empty(where))
            .order_by(c.article_id, c.position)
            .offset(chunk - 1)  # within one chunk only: the seek to `after` is by index
            .limit(1)
        ).first()
        up_to = (int(last[0]), int(last[1])) if last else None
        yield after, up_to
        if up_to is None:
            return
        after = up_to


def _child_chunks(
    session: Session, frame: str, conds: list[ColumnElement[bool]], chunk: int
) -> Iterator[pd.DataFrame]:
    stmt = {
        "citations": citations_select,
        "measures": measures_select,
        "flags": flags_select,
        "events": events_select,
    }[frame]()
    for after, up_to in _claim_key_ranges(session, conds, chunk):
        where = list(conds)
        if after:
            where.append(_key_after(after))
        if up_to:
            where.append(_key_upto(up_to))
        keys, rows = _fetch(session, stmt.where(true_if_empty(where)))
        if rows:
            yield _frame(rows, keys, frame)


def _reference_chunks(
    session: Session, conds: list[ColumnElement[bool]], chunk: int
) -> Iterator[pd.DataFrame]:
    ref = REFERENCE.c
    stmt = references_select()
    if conds:
        cited = (
            select(CITATION.c.reference_id)
            .join(CLAIM, CLAIM.c.id == CITATION.c.claim_id)
            .where(true_if_empty(conds))
        )
        stmt = stmt.where(ref.id.in_(cited))
    last = 0
    while True:
        keys, rows = _fetch(session, stmt.where(ref.id > last).limit(chunk))
        if rows:
            yield _frame(rows, keys, "references")
        if len(rows) < chunk:
            return
        last = rows[-1][keys.index("reference_id")]


def iter_frame(
    *,
    session: Session,
    frame: str,
    filters: ClaimFilter | None = None,
    actor: User | None = None,
    chunk_size: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """The frame's rows in chunks of about chunk_size claims (references: rows).

    Filters and permission are checked now, before the first chunk is asked for, so a bad
    filter fails before any file is opened. actor None means a trusted caller (the operator's
    CLI); with an actor, Action.export is required.
    """
    if frame not in FRAMES:
        raise_unknown(frame)
    if actor is not None:
        require(actor, Action.export)
    conds = claim_conditions(session, filters or ClaimFilter())
    if frame == "claims":
        return _claim_chunks(session, conds, chunk_size)
    if frame == "references":
        return _reference_chunks(session, conds, chunk_size)
    return _child_chunks(session, frame, conds, chunk_size)


def raise_unknown(frame: str) -> None:
    """InvalidInput naming the frames there are."""
    raise InvalidInput(f"unknown export {frame!r}; choose from {', '.join(FRAMES)}")


def build_frame(
    *,
    session: Session,
    frame: str,
    filters: ClaimFilter | None = None,
    actor: User | None = None,
) -> pd.DataFrame:
    """The whole frame in memory (for the UI and small exports)."""
    chunks = list(iter_frame(session=session, frame=frame, filters=filters, actor=actor))
    if not chunks:
        return empty_frame(frame)
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
