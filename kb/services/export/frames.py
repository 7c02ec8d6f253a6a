"""Export frames from the database, streamed in keyset chunks so memory stays flat.

Every frame follows the claim filter of kb.services.queries: claims are read in article order,
(article_id, position), one index seek per chunk; the per-claim frames (citations, measures,
flags, events) read the rows of the same claim-key ranges. Timestamps are fetched as the
database's raw values and parsed column-wise by kb.export.dtypes, because per-value Python
conversion is what makes a million-row export slow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlmodel import Session

from kb.errors import InvalidInput
from kb.export.columns import FRAMES
from kb.export.dtypes import db_column, empty_frame
from kb.models import User
from kb.permissions import Action, require
from kb.services.export.selects import (
    REFERENCE,
    citations_select,
    claims_select,
    events_select,
    flags_select,
    measures_select,
    references_select,
)
from kb.services.progress import Progress, tracked
from kb.services.queries import (
    CITATION,
    CLAIM,
    ClaimFilter,
    claim_conditions,
    count_claims,
    true_if_empty,
)

CHUNK_ROWS = 50_000
Key = tuple[int, int]


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
    session: Session,
    frame: str,
    conds: list[ColumnElement[bool]],
    chunk: int,
    total: int | None = None,
    progress: Progress | None = None,
) -> Iterator[pd.DataFrame]:
    stmt = {
        "citations": citations_select,
        "measures": measures_select,
        "flags": flags_select,
        "events": events_select,
    }[frame]()
    ranges = _claim_key_ranges(session, conds, chunk)
    # A range covers `chunk` claims, the last one fewer (tracked caps the count at the total).
    for after, up_to in tracked(ranges, lambda _range: chunk, total, progress):
        where = list(conds)
        if after:
            where.append(_key_after(after))
        if up_to:
            where.append(_key_upto(up_to))
        keys, rows = _fetch(session, stmt.where(true_if_empty(where)))
        if rows:
            yield _frame(rows, keys, frame)


def _count_references(session: Session, conds: list[ColumnElement[bool]]) -> int:
    """How many references the references table will hold (all, or those the claims cite)."""
    ref = REFERENCE.c
    query = select(func.count()).select_from(REFERENCE)
    if conds:
        cited = (
            select(CITATION.c.reference_id)
            .join(CLAIM, CLAIM.c.id == CITATION.c.claim_id)
            .where(true_if_empty(conds))
        )
        query = query.where(ref.id.in_(cited))
    return int(session.execute(query).scalar_one())


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
    progress: Progress | None = None,
) -> Iterator[pd.DataFrame]:
    """The frame's rows in chunks of about chunk_size claims (references: rows).

    Filters and permission are checked now, before the first chunk is asked for, so a bad
    filter fails before any file is opened. actor None means a trusted caller (the operator's
    CLI); with an actor, Action.export is required. progress, when given, is told the claims
    (for the references table: the references) covered so far against their total.
    """
    if frame not in FRAMES:
        raise_unknown(frame)
    if actor is not None:
        require(actor, Action.export)
    filters = filters or ClaimFilter()
    conds = claim_conditions(session, filters)
    if frame == "references":
        total = _count_references(session, conds) if progress else None
        return tracked(_reference_chunks(session, conds, chunk_size), len, total, progress)
    total = count_claims(session=session, filters=filters) if progress else None
    if frame == "claims":
        return tracked(_claim_chunks(session, conds, chunk_size), len, total, progress)
    return _child_chunks(session, frame, conds, chunk_size, total, progress)


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
