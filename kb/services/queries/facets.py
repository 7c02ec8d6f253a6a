"""How many claims match: count_claims, and claim totals per status, kind or evidence.

On SQLite a count whose filters use only the facet columns sums claim_facet_count (migration
0003, a few hundred rows) instead of visiting claim rows.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    select,
    table,
)
from sqlmodel import Session

from kb.errors import InvalidInput
from kb.services.fulltext import fulltext_hits
from kb.services.queries.conditions import filter_shape, shaped_conditions, true_if_empty
from kb.services.queries.filters import ClaimFilter
from kb.services.queries.tables import CLAIM, Shape, dialect_name

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
        conditions = shaped_conditions(shape, dialect, False)
        return select(func.count()).select_from(CLAIM).where(true_if_empty(list(conditions)))
    # Same bind parameters as shaped_conditions, against the facet rows.
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
    if dialect_name(session) == "sqlite":
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
    shape, params = filter_shape(session, filters, page=None)
    stmt = _count_statement(shape, dialect_name(session))
    return int(session.connection().execute(stmt, params).scalar_one())
