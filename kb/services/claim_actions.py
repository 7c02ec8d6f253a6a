"""How every claim-changing service runs: one write transaction, the claim row locked, the
permission, version and workflow checked in that order, then one compare-and-set and one event.

Services run these inside `kb.db.writing(session)`: one write transaction that commits once at
the end and rolls back on any error. `lock_claim` reads the claim row with SELECT ... FOR UPDATE
(a no-op on SQLite, where the IMMEDIATE transaction already serializes writers), so on
PostgreSQL every check a service makes after it sees what concurrent writers committed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from kb.enums import ReviewStatus
from kb.errors import NotFound
from kb.models import Claim, ReviewEvent, User
from kb.permissions import Action, require
from kb.services.events import change_claim, check_version, record_event
from kb.workflow import Transition, WorkflowAction, check_transition, permission_for


def lock_claim(session: Session, claim_id: int) -> Claim:
    """The claim row, fresh from the database and locked for this transaction; or NotFound."""
    claim = session.exec(
        select(Claim)
        .where(Claim.id == claim_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    return claim


def lock_claims(session: Session, claim_ids: Sequence[int]) -> list[Claim]:
    """Several claim rows, locked in id order so two writers never deadlock on them."""
    if not claim_ids:
        return []
    return list(
        session.exec(
            select(Claim)
            .where(Claim.id.in_(sorted(set(claim_ids))))  # type: ignore[union-attr]
            .order_by(Claim.id)  # type: ignore[arg-type]
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def begin_claim_action(
    session: Session,
    *,
    actor: User | None,
    claim_id: int,
    seen_version: int | None,
    action: WorkflowAction,
    comment: str | None = None,
    permission: Action | None = None,
) -> tuple[Claim, Transition]:
    """Lock the claim and check, in this order, role, version and workflow.

    The version comes before the workflow so that someone who acted on an old view hears
    "changed by X at T; reload" rather than a puzzling status refusal. permission names the
    specific right asked for when it is narrower than the action's (linking a citation is an
    edit that needs "link citations").
    """
    claim = lock_claim(session, claim_id)
    require(actor, permission or permission_for(action), claim)
    check_version(session, claim, seen_version)
    transition = check_transition(
        claim, action, actor, session, comment=comment, permission=permission
    )
    return claim, transition


def apply_transition(
    session: Session,
    *,
    claim: Claim,
    actor: User | None,
    transition: Transition,
    event_action: str | None = None,
    comment: str | None = None,
    **changes: object,
) -> ReviewEvent:
    """Compare-and-set the claim to the transition's target (plus changes); record the event."""
    from_status = claim.status
    if transition.target.value != from_status:
        changes["status"] = transition.target.value
        if from_status == ReviewStatus.approved.value:
            # approved_at stays as the last approval; only the re-review date goes.
            changes.setdefault("next_review_due", None)
    change_claim(session, claim=claim, actor=actor, seen_version=claim.version, **changes)
    return record_event(
        session,
        claim=claim,
        actor=actor,
        action=event_action or transition.action.value,
        from_status=from_status,
        to_status=claim.status,
        comment=comment,
    )
