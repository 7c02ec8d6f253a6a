"""Storing an ingested article: the article, its claims, citations, review events, references
the editor asked to add, then the automatic checks; one write transaction, all or nothing.

Set-based: the claims' measures and flags are computed before anything is written (the same
pure rules and records the preview uses), then each table gets its rows in as few multi-row
INSERT statements as the parameter limit allows, with no ORM object per row, and the new claims'
ids come back by one query. The rows are those the row-by-row ingestion wrote before
(tests/test_ingest_rows.py compares them field by field), and a re-run of the checks keeps them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlmodel import Session

from kb.db import writing
from kb.dbtypes import UTCDateTime
from kb.enums import FlagStatus, ReviewStatus, Stance
from kb.ingest import ParsedArticle, Statement
from kb.models import Article, Citation, Claim, Flag, Measure, Reference, ReviewEvent, User, utcnow
from kb.permissions import Action, require
from kb.services.checks import measure_rows, text_hash
from kb.services.ingest.plan import IngestResult, MarkerPlan, plan_article, reference_from_entry
from kb.services.ingest.preview import PlannedClaim, PlannedSources, check_plan
from kb.workflow import EventAction


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def ingest_article(
    *,
    session: Session,
    actor: User,
    text: str | bytes,
    title: str | None = None,
    slug: str | None = None,
    add_missing: bool = False,
    furniture: Sequence[str] | None = None,
    filename: str | None = None,
) -> IngestResult:
    """Store an article's claims with citations, measures and automatic flags; commit once."""
    require(actor, Action.article_ingest)
    with writing(session):
        return _ingest(session, actor, text, title, slug, add_missing, furniture, filename)


def _ingest(
    session: Session,
    actor: User,
    text: str | bytes,
    title: str | None,
    slug: str | None,
    add_missing: bool,
    furniture: Sequence[str] | None,
    filename: str | None = None,
) -> IngestResult:
    parsed, result, plan = plan_article(
        session=session, text=text, title=title, slug=slug, furniture=furniture,
        add_missing=add_missing, filename=filename,
    )  # fmt: skip
    conn = session.connection()
    added = [
        reference_from_entry(parsed.references[r.index], r.citekey or "", result.slug)
        for r in result.references
        if r.how == "added"
    ]
    _insert(conn, Reference, added)
    ref_ids, sources = _linked_references(session, plan)
    checked = check_plan(parsed, result, plan, sources)
    now = utcnow()
    article_id = conn.execute(
        insert(_table(Article)).returning(_table(Article).c.id),
        {"slug": result.slug, "title": result.title,
         "source_text": text if isinstance(text, str) else parsed.source_text,
         "reference_list": [r.as_dict() for r in result.references],
         "reference_list_numbered": parsed.reference_list_numbered,
         "marker_map": {m: key for m, (key, _state) in plan.items()},
         "created_by": actor.id, "created_at": now, "updated_at": now},
    ).scalar_one()  # fmt: skip
    result.article_id = article_id
    # A new citation is not assessed: it neither supports nor refutes, so the evidence summary
    # of a new claim is empty and only its open flag count is known.
    claim_rows = [
        {"article_id": article_id, "position": s.position, "section": s.section,
         "text": s.text, "text_hash": text_hash(s.text), "kind": planned["kind"],
         "status": ReviewStatus.submitted.value, "version": 1, "markers": list(s.markers),
         "author_id": actor.id, "assignee_id": None, "best_level": None,
         "best_study_type": None, "supporting_count": 0, "refuting_count": 0,
         "open_flag_count": len(c.flags), "approved_at": None, "approved_by": None,
         "next_review_due": None, "created_at": now, "updated_at": now,
         "updated_by": actor.id}
        for s, planned, c in zip(parsed.statements, result.claims, checked, strict=True)
    ]  # fmt: skip
    # The ids by one query: SQLite does not promise a multi-row INSERT's RETURNING order (and
    # SQLAlchemy, asked to sort them, would send the rows one statement each).
    _insert(conn, Claim, claim_rows)
    claim = _table(Claim).c
    claim_ids = list(
        conn.execute(
            select(claim.id).where(claim.article_id == article_id).order_by(claim.position)
        ).scalars()
    )
    _insert(conn, Citation, _citations(parsed, claim_ids, plan, ref_ids, now))
    _insert(
        conn,
        Measure,
        [r for cid, s, c in _each(claim_ids, parsed, checked)
         for r in measure_rows(cid, s.text, c.measures, c.verdicts)],
    )  # fmt: skip
    flags: list[dict[str, Any]] = []
    raised: list[dict[str, Any]] = []
    for cid, _s, c in _each(claim_ids, parsed, checked):
        for key, (kind, note) in c.flags.items():
            flags.append(
                {"claim_id": cid, "kind": kind.value, "status": FlagStatus.open.value,
                 "note": note, "check_key": key, "raised_by": None, "raised_at": now,
                 "resolved_by": None, "resolved_at": None, "resolution_note": None}
            )  # fmt: skip
            raised.append(
                {"claim_id": cid, "actor_id": None, "actor_role": "system",
                 "action": "flag raised", "from_status": None, "to_status": None,
                 "comment": f"{kind.value} (automatic check): {note}", "claim_version": 1,
                 "created_at": now}
            )  # fmt: skip
    _insert(conn, Flag, flags)
    created = [
        {"claim_id": cid, "actor_id": actor.id, "actor_role": actor.role,
         "action": EventAction.created.value, "from_status": None,
         "to_status": ReviewStatus.submitted.value,
         "comment": f"ingested from article {result.slug}", "claim_version": 1,
         "created_at": now}
        for cid in claim_ids
    ]  # fmt: skip
    # Each claim's history starts with its creation, then the flags the checks raised.
    _insert(conn, ReviewEvent, created + raised)
    result.flags = dict(sorted(Counter(f["kind"] for f in flags).items()))
    result.claims = [{**row, "id": cid} for row, cid in zip(result.claims, claim_ids, strict=True)]
    return result


def _each(
    claim_ids: list[int], parsed: ParsedArticle, checked: list[PlannedClaim]
) -> Iterator[tuple[int, Statement, PlannedClaim]]:
    return zip(claim_ids, parsed.statements, checked, strict=True)


def _max_params(conn: Connection) -> int:
    """Bound values one statement may carry: SQLite's compiled limit (999 before 3.32, 32,766
    since), PostgreSQL's protocol limit (65,535) with room to spare."""
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        return int(driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))  # type: ignore[union-attr]
    return 32_767


def _once_per_value(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """fn remembering its last value: every row of an insert carries the same timestamp."""
    last_in: Any = object()
    last_out: Any = None

    def convert(value: Any) -> Any:
        nonlocal last_in, last_out
        if value is not last_in:
            last_in, last_out = value, fn(value)
        return last_out

    return convert


def _insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """rows (all with the same keys) as multi-row INSERT ... VALUES statements, as few as the
    parameter limit allows, values converted by the columns' own types.

    Not an executemany: on SQLite every statement on a table with triggers (claim: its search
    index and facet counts) opens a statement journal, which row by row costs six times the
    insert itself. Not `insert().values(rows)` either: SQLAlchemy builds and caches one bound
    parameter object per value, which costs more than the insert.
    """
    if not rows:
        return
    table = _table(model)
    dialect = conn.dialect
    columns = [table.c[key] for key in rows[0]]
    convert: list[Callable[[Any], Any] | None] = []
    for c in columns:
        fn = c.type.dialect_impl(dialect).bind_processor(dialect)
        convert.append(_once_per_value(fn) if fn and isinstance(c.type, UTCDateTime) else fn)
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) VALUES "
    per_statement = max(1, _max_params(conn) // len(columns))
    keyed = list(zip([c.key for c in columns], convert, strict=True))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = [fn(row[key]) if fn else row[key] for row in chunk for key, fn in keyed]
        conn.exec_driver_sql(head + ", ".join([one] * len(chunk)), tuple(values))


def _citations(
    parsed: ParsedArticle,
    claim_ids: list[int],
    plan: MarkerPlan,
    ref_ids: dict[str, int],
    now: datetime,
) -> list[dict[str, Any]]:
    """One citation per claim and reference, carrying the first marker that named it."""
    citations = []
    for cid, statement in zip(claim_ids, parsed.statements, strict=True):
        for marker in statement.markers:
            if marker in plan:
                key, state = plan[marker]
                citations.append(
                    {"claim_id": cid, "reference_id": ref_ids[key], "marker": marker,
                     "stance": Stance.not_assessed.value, "link_state": state.value,
                     "quote": None, "locator": None, "assessed_by": None, "assessed_at": None,
                     "created_at": now}
                )  # fmt: skip
    unique = {(c["claim_id"], c["reference_id"]): c for c in reversed(citations)}
    return list(unique.values())


def _linked_references(session: Session, plan: MarkerPlan) -> tuple[dict[str, int], PlannedSources]:
    """Id and what the checks read (study type, retraction, abstract, note) of every reference
    the plan links, added ones included: one query."""
    keys = sorted({key for key, _state in plan.values()})
    if not keys:
        return {}, {}
    ref = _table(Reference).c
    rows = session.connection().execute(
        select(ref.citekey, ref.id, ref.study_type, ref.retraction, ref.abstract, ref.note)
        .where(ref.citekey.in_(keys))
    )  # fmt: skip
    ids, sources = {}, {}
    for key, id_, study_type, retraction, abstract, note in rows:
        ids[key] = id_
        sources[key] = (study_type, retraction, abstract, note)
    return ids, sources
