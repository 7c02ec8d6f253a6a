"""Each claim's evidence summary: best supporting level and study type, support/refute counts.

Stored on the claim (denormalized) so the claim browser can filter and sort on it at scale; every
service that changes citations, stances, study types or flags calls `refresh_summary`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.enums import SUPPORTING_STANCES, FlagStatus, Stance
from kb.models import Citation, Claim, Flag, Reference, StudyType


def summary_values_many(session: Session, claim_ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The evidence summary and open flag count of several claims, in two queries."""
    ids = list(claim_ids)
    cited: dict[int, list[tuple[str, int | None, str]]] = defaultdict(list)
    rows = session.exec(
        select(Citation.claim_id, Citation.stance, StudyType.level, StudyType.code)
        .join(Reference, col(Reference.id) == Citation.reference_id)
        .join(StudyType, col(StudyType.code) == Reference.study_type)
        .where(col(Citation.claim_id).in_(ids))
    )
    for claim_id, stance, level, code in rows:
        cited[claim_id].append((stance, level, code))
    open_flags = dict(
        session.exec(
            select(Flag.claim_id, func.count())
            .where(col(Flag.claim_id).in_(ids), Flag.status == FlagStatus.open.value)
            .group_by(col(Flag.claim_id))
        ).all()
    )
    out: dict[int, dict[str, object]] = {}
    for claim_id in ids:
        entries = cited.get(claim_id, [])
        supporting = [(lvl, code) for stance, lvl, code in entries if stance in SUPPORTING_STANCES]
        ranked = sorted((lvl, code) for lvl, code in supporting if lvl is not None)
        best_level, best_type = ranked[0] if ranked else (None, None)
        if best_type is None and supporting:
            best_type = supporting[0][1]
        out[claim_id] = {
            "best_level": best_level,
            "best_study_type": best_type,
            "supporting_count": len(supporting),
            "refuting_count": sum(1 for stance, _, _ in entries if stance == Stance.refutes),
            "open_flag_count": int(open_flags.get(claim_id, 0)),
        }
    return out


def refresh_summaries(session: Session, claims: Sequence[Claim]) -> None:
    """Recompute the stored summary columns of several claims (derived data: no version bump)."""
    session.flush()
    values = summary_values_many(session, [c.id for c in claims if c.id is not None])
    for claim in claims:
        for key, value in values.get(claim.id or 0, {}).items():
            if getattr(claim, key) != value:
                setattr(claim, key, value)
        session.add(claim)


def refresh_summary(session: Session, claim: Claim) -> Claim:
    """Recompute the stored summary columns of claim (no version bump: derived data)."""
    refresh_summaries(session, [claim])
    return claim
