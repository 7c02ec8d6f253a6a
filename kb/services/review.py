"""Reviewing claims: take, request changes, approve, reopen, assign; what is due; article status.

Each action locks the claim, checks role, the version the actor saw and the workflow
(kb.workflow), compare-and-sets the claim and appends one review event, in one commit.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlmodel import Session, select

from kb.config import get_settings
from kb.db import writing
from kb.enums import ReviewStatus
from kb.errors import InvalidInput
from kb.models import Claim, User, utcnow
from kb.permissions import Action, why_not
from kb.services.claim_actions import apply_transition, begin_claim_action
from kb.services.users import get_user_by_email
from kb.workflow import WorkflowAction


def add_months(day: date, months: int) -> date:
    """day plus whole calendar months, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _act(
    session: Session,
    *,
    actor: User,
    claim_id: int,
    seen_version: int | None,
    action: WorkflowAction,
    comment: str | None = None,
    **changes: Any,
) -> Claim:
    with writing(session):
        claim, transition = begin_claim_action(
            session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen_version,
            action=action,
            comment=comment,
        )
        apply_transition(
            session,
            claim=claim,
            actor=actor,
            transition=transition,
            comment=comment.strip() if comment else None,
            **changes,
        )
    return claim


def start_review(
    *,
    session: Session,
    actor: User,
    claim_id: int,
    seen_version: int | None,
    comment: str | None = None,
) -> Claim:
    """Submitted -> Under Review; the reviewer taking it becomes its assignee."""
    return _act(
        session,
        actor=actor,
        claim_id=claim_id,
        seen_version=seen_version,
        action=WorkflowAction.start_review,
        comment=comment,
        assignee_id=actor.id,
    )


def request_changes(
    *, session: Session, actor: User, claim_id: int, seen_version: int | None, comment: str
) -> Claim:
    """Under Review -> Submitted, with the comment saying what to change (required)."""
    return _act(
        session,
        actor=actor,
        claim_id=claim_id,
        seen_version=seen_version,
        action=WorkflowAction.request_changes,
        comment=comment,
    )


def approve(
    *,
    session: Session,
    actor: User,
    claim_id: int,
    seen_version: int | None,
    comment: str | None = None,
) -> Claim:
    """Under Review -> Approved (four eyes, no open flags, support); sets the re-review date."""
    now = utcnow()
    due = add_months(now.date(), get_settings().review_interval_months)
    return _act(
        session,
        actor=actor,
        claim_id=claim_id,
        seen_version=seen_version,
        action=WorkflowAction.approve,
        comment=comment,
        approved_at=now,
        approved_by=actor.id,
        next_review_due=due,
    )


def reopen(
    *, session: Session, actor: User, claim_id: int, seen_version: int | None, comment: str
) -> Claim:
    """Approved -> Under Review; the comment says why (required); the reopener is assigned."""
    return _act(
        session,
        actor=actor,
        claim_id=claim_id,
        seen_version=seen_version,
        action=WorkflowAction.reopen,
        comment=comment,
        assignee_id=actor.id,
    )


def assign_reviewer(
    *,
    session: Session,
    actor: User,
    claim_id: int,
    assignee_email: str,
    seen_version: int | None,
) -> Claim:
    """Make a reviewer (or admin) the claim's assignee; the status does not change."""
    assignee = get_user_by_email(session=session, email=assignee_email)
    if not assignee.is_active or why_not(assignee, Action.review_approve) is not None:
        raise InvalidInput(
            f"{assignee.email} cannot review ({assignee.role}"
            f"{'' if assignee.is_active else ', disabled'}); assign a reviewer"
        )
    return _act(
        session,
        actor=actor,
        claim_id=claim_id,
        seen_version=seen_version,
        action=WorkflowAction.assign,
        comment=f"assigned to {assignee.email}",
        assignee_id=assignee.id,
    )


def due_for_review(*, session: Session, today: date | None = None) -> list[Claim]:
    """Approved claims whose re-review date has come (next_review_due <= today), oldest first."""
    today = today or utcnow().date()
    return list(
        session.exec(
            select(Claim)
            .where(
                Claim.status == ReviewStatus.approved.value,
                Claim.next_review_due <= today,  # type: ignore[operator]
            )
            .order_by(Claim.next_review_due, Claim.id)  # type: ignore[arg-type]
        )
    )
