"""Flags on claims: raise, resolve, dismiss.

A flag is its own record (open -> resolved or dismissed, with who, when and why). Flag changes do
not change the claim's status or version: they are remarks on the claim, and an open flag blocks
approval through the workflow's precondition. Each one appends a review event on the claim and
refreshes its open-flag count. The claim row is locked first so a concurrent approval either
sees the flag or happens before it.
"""

from __future__ import annotations

from sqlmodel import Session

from kb.db import writing
from kb.enums import FlagKind, FlagStatus
from kb.errors import InvalidInput, InvalidTransition, NotFound
from kb.models import Claim, Flag, User, utcnow
from kb.permissions import Action, require
from kb.services.claim_actions import lock_claim
from kb.services.events import check_version, record_event
from kb.services.evidence import refresh_summary
from kb.vocab import choose
from kb.workflow import EventAction


def _event(
    session: Session, claim: Claim, actor: User | None, action: EventAction, comment: str
) -> None:
    # A flag leaves the status as it is; from = to keeps the event log replayable.
    record_event(
        session,
        claim=claim,
        actor=actor,
        action=action.value,
        from_status=claim.status,
        to_status=claim.status,
        comment=comment,
    )


def add_flag(
    session: Session,
    *,
    claim: Claim,
    actor: User | None,
    kind: FlagKind,
    note: str,
    check_key: str | None = None,
) -> Flag:
    """Add an open flag and its event inside the caller's transaction (no commit, no checks)."""
    flag = Flag(
        claim_id=claim.id or 0,
        kind=kind.value,
        note=note,
        check_key=check_key,
        raised_by=actor.id if actor else None,
    )
    session.add(flag)
    _event(session, claim, actor, EventAction.raise_flag, f"{kind.value}: {note}")
    return flag


def raise_flag(
    *,
    session: Session,
    actor: User,
    claim_id: int,
    kind: str,
    note: str,
    seen_version: int | None = None,
) -> Flag:
    """Raise a flag on a claim; kind is a FlagKind value or slug ("weak-evidence")."""
    flag_kind = choose(FlagKind, kind, "flag kind")
    if not note or not note.strip():
        raise InvalidInput("a note is required: say what is wrong")
    with writing(session):
        claim = lock_claim(session, claim_id)
        require(actor, Action.flag_raise, claim)
        check_version(session, claim, seen_version)
        flag = add_flag(session, claim=claim, actor=actor, kind=flag_kind, note=note.strip())
        refresh_summary(session, claim)
    return flag


def _close(
    session: Session,
    *,
    actor: User,
    flag_id: int,
    note: str | None,
    seen_version: int | None,
    status: FlagStatus,
) -> Flag:
    verb = "resolve" if status is FlagStatus.resolved else "dismiss"
    with writing(session):
        flag = session.get(Flag, flag_id)
        if flag is None:
            raise NotFound(f"no flag {flag_id}")
        claim = lock_claim(session, flag.claim_id)
        session.refresh(flag)
        action = Action.flag_resolve if status is FlagStatus.resolved else Action.flag_dismiss
        require(actor, action, claim)
        check_version(session, claim, seen_version)
        if flag.status != FlagStatus.open.value:
            raise InvalidTransition(f"cannot {verb}: flag {flag_id} is already {flag.status}")
        text = note.strip() if note and note.strip() else None
        flag.status = status.value
        flag.resolved_by = actor.id
        flag.resolved_at = utcnow()
        flag.resolution_note = text
        session.add(flag)
        event = (
            EventAction.resolve_flag if status is FlagStatus.resolved else EventAction.dismiss_flag
        )
        _event(
            session,
            claim,
            actor,
            event,
            f"flag {flag_id} ({flag.kind})" + (f": {text}" if text else ""),
        )
        refresh_summary(session, claim)
    return flag


def resolve_flag(
    *,
    session: Session,
    actor: User,
    flag_id: int,
    note: str | None = None,
    seen_version: int | None = None,
) -> Flag:
    """Mark an open flag resolved: the problem was fixed (editors: only on their own claims)."""
    return _close(
        session,
        actor=actor,
        flag_id=flag_id,
        note=note,
        seen_version=seen_version,
        status=FlagStatus.resolved,
    )


def dismiss_flag(
    *,
    session: Session,
    actor: User,
    flag_id: int,
    note: str | None = None,
    seen_version: int | None = None,
) -> Flag:
    """Mark an open flag dismissed: it was not a problem (reviewers and admins)."""
    return _close(
        session,
        actor=actor,
        flag_id=flag_id,
        note=note,
        seen_version=seen_version,
        status=FlagStatus.dismissed,
    )
