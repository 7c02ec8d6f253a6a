"""Recording a reference's retraction status, and what it does to the claims that cite it.

A retraction or an expression of concern flags every citing claim "retracted source" and sends
each Approved one back to Under Review, with an event naming the reference. A correction, or
setting the status back to none, only records the status: a reviewer resolves the flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import DOUBTFUL_RETRACTIONS, FlagKind, FlagStatus, RetractionStatus
from kb.models import Citation, Flag, Reference, User, utcnow
from kb.permissions import Action, require
from kb.services.claim_actions import apply_transition, lock_claims
from kb.services.evidence import refresh_summaries
from kb.services.flags import add_flag
from kb.services.references import get_reference
from kb.vocab import choose
from kb.workflow import WorkflowAction, transition_for


@dataclass(frozen=True)
class RetractionResult:
    """What recording a retraction status did; str() is the one-line summary."""

    citekey: str
    status: str
    flagged: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.flagged)} citing claim(s) flagged, "
            f"{len(self.reopened)} sent back to Under Review"
        )


def retract_reference(
    *,
    session: Session,
    actor: User | None,
    citekey: str,
    status: str,
    note: str | None = None,
) -> RetractionResult:
    """Set a reference's retraction status and flag the claims citing it.

    actor None is the local operator (the CLI without --as), recorded as "system".
    """
    new_status = choose(RetractionStatus, status, "retraction status")
    if actor is not None:
        require(actor, Action.reference_retract)
    with writing(session):
        ref = get_reference(session=session, citekey=citekey)
        changed = ref.retraction != new_status.value
        ref.retraction = new_status.value
        ref.retraction_note = note.strip() if note and note.strip() else None
        ref.updated_at = utcnow()
        session.add(ref)
        result = RetractionResult(citekey=ref.citekey, status=new_status.value)
        if changed and new_status in DOUBTFUL_RETRACTIONS:
            _propagate(session, actor=actor, ref=ref, status=new_status, result=result)
    return result


def _propagate(
    session: Session,
    *,
    actor: User | None,
    ref: Reference,
    status: RetractionStatus,
    result: RetractionResult,
) -> None:
    claim_ids = session.exec(select(Citation.claim_id).where(Citation.reference_id == ref.id)).all()
    what = "retracted" if status is RetractionStatus.retracted else "has an expression of concern"
    reason = f"reference {ref.citekey} {what}" + (
        f": {ref.retraction_note}" if ref.retraction_note else ""
    )
    check_key = f"retraction:{ref.citekey}"
    claims = lock_claims(session, list(claim_ids))
    # One query for the claims already flagged for this reference (a re-run of the checks).
    flagged = set(
        session.exec(
            select(Flag.claim_id).where(
                col(Flag.claim_id).in_([c.id for c in claims]),
                Flag.check_key == check_key,
                Flag.status == FlagStatus.open.value,
            )
        )
    )
    for claim in claims:
        transition = transition_for(claim.status, WorkflowAction.retract)
        assert transition is not None, "every status has a retract row"
        if transition.target.value != claim.status:
            result.reopened.append(claim.id or 0)
        apply_transition(session, claim=claim, actor=actor, transition=transition, comment=reason)
        if claim.id not in flagged:
            add_flag(
                session,
                claim=claim,
                actor=actor,
                kind=FlagKind.retracted_source,
                note=reason,
                check_key=check_key,
            )
        result.flagged.append(claim.id or 0)
    refresh_summaries(session, claims)
