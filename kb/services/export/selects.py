"""The SELECT of each export frame, in the frame's documented column order (kb.export.columns).

Timestamps are selected as the database's raw values (_raw): kb.export.dtypes parses them
column-wise, because per-value Python conversion is what makes a million-row export slow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, String, Table, Text, case, func, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import Session, SQLModel

from kb.export.columns import FRAMES
from kb.services.queries import ARTICLE, CITATION, CLAIM, FLAG, USER

MEASURE: Table = SQLModel.metadata.tables["measure"]
REFERENCE: Table = SQLModel.metadata.tables["reference"]
EVENT: Table = SQLModel.metadata.tables["review_event"]
STUDY: Table = SQLModel.metadata.tables["study_type"]


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
