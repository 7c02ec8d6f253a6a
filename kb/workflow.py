"""The review workflow as data: which action moves a claim from which status to which, and when.

`TRANSITIONS` is the whole table. An action with no row for the claim's status is refused; a row's
preconditions each give the exact reason they fail ("2 open flags: unsupported statement,
ambiguous citation mapping"). Rows whose source and target are equal are actions the workflow
allows in that status without changing it (assessing a stance, assigning a reviewer).
Services call `check_transition`; the UI calls `available_actions` to grey out buttons with the
reason. Permission by role is kb.permissions' business; this module asks it, then adds the rules
that depend on the claim's state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.enums import SUPPORTING_STANCES, ClaimKind, FlagStatus, ReviewStatus
from kb.errors import InvalidTransition, KBError, PermissionDenied
from kb.models import Citation, Claim, Flag, ReviewEvent, User
from kb.permissions import Action
from kb.permissions import why_not as permission_why_not

S, UR, A = ReviewStatus.submitted, ReviewStatus.under_review, ReviewStatus.approved


class WorkflowAction(StrEnum):
    """What a person (or the system) does to a claim; also the review event's action."""

    start_review = "start review"
    request_changes = "request changes"
    approve = "approve"
    reopen = "reopen"
    edit = "edit"
    assess = "assess stance"
    assign = "assign reviewer"
    retract = "retracted source"


class EventAction(StrEnum):
    """Review event actions that are not a workflow action of their own."""

    created = "created"
    imported = "imported"
    edit_text = "edit text"
    link_citation = "link citation"
    unlink_citation = "unlink citation"
    citations_mapped = "citations mapped"
    reference_merged = "reference merged"
    raise_flag = "raise flag"
    resolve_flag = "resolve flag"
    dismiss_flag = "dismiss flag"


# Events that put words or evidence into a claim: whoever did one since the claim's last
# approval contributed to what is being approved, so another reviewer must approve it.
CONTRIBUTING_ACTIONS = frozenset(
    {
        EventAction.created,
        EventAction.imported,
        EventAction.edit_text,
        EventAction.link_citation,
        EventAction.unlink_citation,
        EventAction.citations_mapped,
        EventAction.reference_merged,
    }
)


# The buttons a reviewer sees on a claim, in the order the UI shows them.
REVIEW_ACTIONS = (
    WorkflowAction.start_review,
    WorkflowAction.request_changes,
    WorkflowAction.approve,
    WorkflowAction.reopen,
)


@dataclass(frozen=True)
class Context:
    """What a precondition may look at."""

    session: Session
    claim: Claim
    actor: User
    comment: str | None


@dataclass(frozen=True)
class Precondition:
    """A named rule; `check` returns why it fails, or None. `needs_input` rules (a comment)
    are skipped when the UI asks which buttons to enable, since the form supplies the input."""

    name: str
    check: Callable[[Context], str | None]
    needs_input: bool = False


@dataclass(frozen=True)
class Transition:
    """One row of the table: action takes a claim from source to target."""

    source: ReviewStatus
    target: ReviewStatus
    action: WorkflowAction
    permission: Action
    preconditions: tuple[Precondition, ...] = ()


def _four_eyes(ctx: Context) -> str | None:
    """Neither the author nor anyone who changed the text or citations since the last approval."""
    if ctx.claim.author_id is not None and ctx.claim.author_id == ctx.actor.id:
        return (
            f"{ctx.actor.email} wrote claim {ctx.claim.id}; "
            "another reviewer must approve it (four eyes)"
        )
    last_approval = ctx.session.exec(
        select(func.max(ReviewEvent.id)).where(
            ReviewEvent.claim_id == ctx.claim.id,
            ReviewEvent.action == WorkflowAction.approve.value,
        )
    ).one()
    query = select(ReviewEvent.action).where(
        ReviewEvent.claim_id == ctx.claim.id,
        ReviewEvent.actor_id == ctx.actor.id,
        col(ReviewEvent.action).in_([a.value for a in CONTRIBUTING_ACTIONS]),
    )
    if last_approval is not None:
        query = query.where(col(ReviewEvent.id) > last_approval)
    changes = ctx.session.exec(query.order_by(col(ReviewEvent.id))).all()
    if not changes:
        return None
    since = "since its last approval" if last_approval is not None else "before its review"
    return (
        f"{ctx.actor.email} changed claim {ctx.claim.id} {since} "
        f"({', '.join(dict.fromkeys(changes))}); another reviewer must approve it (four eyes)"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _no_open_flags(ctx: Context) -> str | None:
    kinds = ctx.session.exec(
        select(Flag.kind)
        .where(Flag.claim_id == ctx.claim.id, Flag.status == FlagStatus.open.value)
        .order_by(Flag.id)  # type: ignore[arg-type]
    ).all()
    if not kinds:
        return None
    # Repeated kinds are counted once with their number, in the order they were raised.
    counts = Counter(kinds)
    shown = [k if counts[k] == 1 else f"{k} ({counts[k]})" for k in dict.fromkeys(kinds)]
    return f"{_plural(len(kinds), 'open flag')}: {', '.join(shown)}"


_NEED_SUPPORT = {ClaimKind.finding.value, ClaimKind.recommendation.value}


def _supported(ctx: Context) -> str | None:
    if ctx.claim.kind not in _NEED_SUPPORT:
        return None
    stances = ctx.session.exec(
        select(Citation.stance).where(Citation.claim_id == ctx.claim.id)
    ).all()
    if any(s in SUPPORTING_STANCES for s in stances):
        return None
    return (
        f"no citation supports this {ctx.claim.kind}: at least one must be assessed as "
        "supports or partially supports"
    )


def _text_given(label: str) -> Callable[[Context], str | None]:
    def check(ctx: Context) -> str | None:
        return None if ctx.comment and ctx.comment.strip() else f"a {label} is required"

    return check


FOUR_EYES = Precondition(
    "reviewer neither wrote nor changed the claim since its last approval", _four_eyes
)
NO_OPEN_FLAGS = Precondition("no open flags", _no_open_flags)
SUPPORTED = Precondition("findings and recommendations have a supporting citation", _supported)
COMMENT_GIVEN = Precondition("comment given", _text_given("comment"), needs_input=True)
REASON_GIVEN = Precondition("reason given", _text_given("reason"), needs_input=True)

W = WorkflowAction
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S, UR, W.start_review, Action.review_start),
    Transition(UR, A, W.approve, Action.review_approve, (FOUR_EYES, NO_OPEN_FLAGS, SUPPORTED)),
    Transition(UR, S, W.request_changes, Action.review_request_changes, (COMMENT_GIVEN,)),
    Transition(A, UR, W.reopen, Action.review_reopen, (REASON_GIVEN,)),
    # Changing what a reviewer looked at (text, citations) needs a fresh review.
    Transition(S, S, W.edit, Action.claim_edit),
    Transition(UR, S, W.edit, Action.claim_edit),
    Transition(A, S, W.edit, Action.claim_edit),
    # Appraisal happens before approval; an approved claim is reopened first.
    Transition(S, S, W.assess, Action.citation_assess),
    Transition(UR, UR, W.assess, Action.citation_assess),
    Transition(S, S, W.assign, Action.review_assign),
    Transition(UR, UR, W.assign, Action.review_assign),
    Transition(A, A, W.assign, Action.review_assign),
    # A retracted source flags every citing claim and takes approval away.
    Transition(S, S, W.retract, Action.reference_retract),
    Transition(UR, UR, W.retract, Action.reference_retract),
    Transition(A, UR, W.retract, Action.reference_retract),
)
_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(status: str, action: WorkflowAction) -> Transition | None:
    """The row for action from status, or None when the workflow has none."""
    try:
        return _BY_KEY.get((ReviewStatus(status), action))
    except ValueError:
        return None


def permission_for(action: WorkflowAction) -> Action:
    """The permission every row of action asks for (all rows of one action share it)."""
    return next(t.permission for t in TRANSITIONS if t.action is action)


def _status_reason(claim: Claim, action: WorkflowAction) -> str | None:
    if transition_for(claim.status, action) is not None:
        return None
    sources = [t.source.value for t in TRANSITIONS if t.action is action]
    return f"claim {claim.id} is {claim.status}, not {' or '.join(sources)}"


def _reasons(
    claim: Claim,
    action: WorkflowAction,
    actor: User,
    session: Session,
    comment: str | None,
    check_inputs: bool,
) -> list[str]:
    transition = transition_for(claim.status, action)
    if transition is None:
        return [_status_reason(claim, action) or "not in the workflow"]
    ctx = Context(session=session, claim=claim, actor=actor, comment=comment)
    found = []
    for pre in transition.preconditions:
        if pre.needs_input and not check_inputs:
            continue
        reason = pre.check(ctx)
        if reason:
            found.append(reason)
    return found


def _refusal(
    claim: Claim,
    action: WorkflowAction,
    actor: User | None,
    session: Session,
    comment: str | None,
    check_inputs: bool,
    permission: Action | None,
) -> tuple[type[KBError], str] | None:
    """Why action is refused on claim (the error to raise and its message), or None."""
    transition = transition_for(claim.status, action)
    if permission is None:
        permission = transition.permission if transition else permission_for(action)
    denied = permission_why_not(actor, permission, claim)
    if denied is not None:
        return PermissionDenied, f"not allowed: {denied}"
    assert actor is not None
    reasons = _reasons(claim, action, actor, session, comment, check_inputs)
    if reasons or transition is None:
        return InvalidTransition, f"cannot {action.value}: {'; '.join(reasons)}"
    return None


def check_transition(
    claim: Claim,
    action: WorkflowAction,
    actor: User | None,
    session: Session,
    *,
    comment: str | None = None,
    permission: Action | None = None,
) -> Transition:
    """The transition action takes from the claim's status; PermissionDenied or
    InvalidTransition with every reason it is refused.

    permission, when given, is the right asked for instead of the transition's own (linking a
    citation is an edit that needs "link citations").
    """
    refused = _refusal(claim, action, actor, session, comment, True, permission)
    if refused is not None:
        error, message = refused
        raise error(message)
    transition = transition_for(claim.status, action)
    assert transition is not None
    return transition


def why_not(
    claim: Claim,
    action: WorkflowAction,
    actor: User | None,
    session: Session,
    *,
    comment: str | None = None,
    check_inputs: bool = True,
) -> str | None:
    """The full refusal message check_transition would raise, or None when allowed."""
    refused = _refusal(claim, action, actor, session, comment, check_inputs, None)
    return None if refused is None else refused[1]


def available_actions(
    *, session: Session, actor: User | None, claim: Claim
) -> list[tuple[WorkflowAction, bool, str | None]]:
    """Each review button for this actor and claim: (action, allowed, reason if not).

    A comment or reason the form will ask for is not counted against the button.
    """
    out = []
    for action in REVIEW_ACTIONS:
        reason = why_not(claim, action, actor, session, check_inputs=False)
        out.append((action, reason is None, reason))
    return out
