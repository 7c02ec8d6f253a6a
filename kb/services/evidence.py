"""Each claim's evidence summary: best supporting level and study type, support/refute counts.

Stored on the claim (denormalized) so the claim browser can filter and sort on it at scale; every
service that changes citations, stances, study types or flags calls `refresh_summary`.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from kb.enums import SUPPORTING_STANCES, FlagStatus, Stance
from kb.models import Citation, Claim, Flag, Reference, StudyType


def summary_values(session: Session, claim_id: int) -> dict[str, object]:
    """Compute the evidence summary and open flag count of one claim."""
    rows = session.exec(
        select(Citation.stance, StudyType.level, StudyType.code)
        .join(Reference, Reference.id == Citation.reference_id)  # type: ignore[arg-type]
        .join(StudyType, StudyType.code == Reference.study_type)  # type: ignore[arg-type]
        .where(Citation.claim_id == claim_id)
    ).all()
    supporting = [(lvl, code) for stance, lvl, code in rows if stance in SUPPORTING_STANCES]
    refuting = sum(1 for stance, _, _ in rows if stance == Stance.refutes)
    ranked = sorted((lvl, code) for lvl, code in supporting if lvl is not None)
    best_level, best_type = ranked[0] if ranked else (None, None)
    if best_type is None and supporting:
        best_type = supporting[0][1]
    open_flags = session.exec(
        select(func.count())
        .select_from(Flag)
        .where(Flag.claim_id == claim_id, Flag.status == FlagStatus.open.value)
    ).one()
    return {
        "best_level": best_level,
        "best_study_type": best_type,
        "supporting_count": len(supporting),
        "refuting_count": refuting,
        "open_flag_count": int(open_flags),
    }


def refresh_summary(session: Session, claim: Claim) -> Claim:
    """Recompute the stored summary columns of claim (no version bump: derived data)."""
    session.flush()
    for key, value in summary_values(session, claim.id or 0).items():
        setattr(claim, key, value)
    session.add(claim)
    return claim
