"""Small aggregate queries for the dashboard: one GROUP BY each, never a row per claim.

Claim totals come from kb.services.queries.claims_grouped_by (SQLite: the facet counts).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.enums import FlagKind, FlagStatus, ReviewStatus
from kb.models import Flag, ReviewEvent, utcnow
from kb.services.queries import claims_grouped_by
from kb.workflow import WorkflowAction


def claims_by_status(*, session: Session) -> dict[str, int]:
    """Claim count per review status, every status present (workflow order)."""
    found = claims_grouped_by(session=session, column_name="status")
    return {s.value: found.get(s.value, 0) for s in ReviewStatus}


def open_flags_by_kind(*, session: Session) -> dict[str, int]:
    """Open flag count per kind (kinds with none left out), most first."""
    rows = session.exec(
        select(Flag.kind, func.count())
        .where(Flag.status == FlagStatus.open.value)
        .group_by(col(Flag.kind))
    ).all()
    order = {k.value: i for i, k in enumerate(FlagKind)}
    return dict(
        sorted(((k, int(n)) for k, n in rows), key=lambda kv: (-kv[1], order.get(kv[0], 99)))
    )


def evidence_levels(*, session: Session) -> dict[str, int]:
    """Claim count per best supporting evidence level ("1".."5", "none" when unsupported)."""
    rows = claims_grouped_by(session=session, column_name="best_level").items()
    found = {("none" if level is None else str(level)): n for level, n in rows}
    keys = [str(i) for i in range(1, 6)] + ["none"]
    return {k: found.get(k, 0) for k in keys}


def approvals_per_week(
    *, session: Session, weeks: int = 26, today: date | None = None
) -> list[dict[str, Any]]:
    """Approvals per ISO week (weeks starting Monday) over the last `weeks` weeks, oldest first."""
    today = today or utcnow().date()
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first_monday, time(), tzinfo=UTC)
    day = func.date(ReviewEvent.created_at)
    rows = session.exec(
        select(day, func.count())
        .where(
            ReviewEvent.action == WorkflowAction.approve.value,
            col(ReviewEvent.created_at) >= since,
        )
        .group_by(day)
    ).all()
    per_week = {first_monday + timedelta(weeks=i): 0 for i in range(weeks)}
    for raw_day, n in rows:
        d = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day)[:10])
        monday = d - timedelta(days=d.weekday())
        if monday in per_week:
            per_week[monday] += int(n)
    return [{"week": monday, "approvals": n} for monday, n in per_week.items()]
