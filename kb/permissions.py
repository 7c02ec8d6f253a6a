"""One permission question for every caller: can(actor, action, target) / require(...).

The role -> actions table is data; rules about a specific record (an editor resolving only flags
on their own claims) live in `_record_rule`. Status preconditions are kb.workflow's business.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kb.enums import Role
from kb.errors import PermissionDenied
from kb.models import Claim, User


class Action(StrEnum):
    read = "read"
    export = "export"
    article_ingest = "ingest articles"
    article_map_markers = "set marker mappings"
    claim_create = "create claims"
    claim_edit = "edit claims"
    citation_link = "link citations"
    citation_assess = "assess citation stance"
    flag_raise = "raise flags"
    flag_resolve = "resolve flags"
    flag_dismiss = "dismiss flags"
    review_start = "start reviews"
    review_request_changes = "request changes"
    review_approve = "approve claims"
    review_reopen = "reopen claims"
    review_assign = "assign reviewers"
    reference_import = "import references"
    reference_edit = "edit references"
    reference_merge = "merge references"
    reference_retract = "record retractions"
    checks_run = "run automatic checks"
    user_manage = "manage users"


_EDITOR = {
    Action.read,
    Action.export,
    Action.article_ingest,
    Action.article_map_markers,
    Action.claim_create,
    Action.claim_edit,
    Action.citation_link,
    Action.flag_raise,
    Action.flag_resolve,
    Action.reference_import,
    Action.reference_edit,
    Action.reference_merge,
    Action.reference_retract,
    Action.checks_run,
}
_REVIEWER = {
    Action.read,
    Action.export,
    Action.citation_assess,
    Action.flag_raise,
    Action.flag_resolve,
    Action.flag_dismiss,
    Action.review_start,
    Action.review_request_changes,
    Action.review_approve,
    Action.review_reopen,
    Action.review_assign,
    Action.reference_retract,
    Action.checks_run,
}
_ANALYST = {Action.read, Action.export}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.editor: frozenset(_EDITOR),
    Role.reviewer: frozenset(_REVIEWER),
    Role.analyst: frozenset(_ANALYST),
    Role.admin: frozenset(Action),
}


def _record_rule(actor: User, action: Action, target: Any) -> str | None:
    """A reason to refuse that depends on the record, or None."""
    if (
        action is Action.flag_resolve
        and actor.role == Role.editor
        and isinstance(target, Claim)
        and target.author_id != actor.id
    ):
        return "editors may resolve flags only on claims they wrote"
    return None


def why_not(actor: User | None, action: Action, target: Any = None) -> str | None:
    """The reason actor may not do action (on target), or None when allowed."""
    if actor is None:
        return f"sign in to {action.value}"
    if not actor.is_active:
        return f"account {actor.email} is disabled"
    try:
        role = Role(actor.role)
    except ValueError:
        return f"account {actor.email} has an unknown role {actor.role!r}"
    if action not in ROLE_ACTIONS[role]:
        return f"{role.value}s may not {action.value}"
    return _record_rule(actor, action, target)


def can(actor: User | None, action: Action, target: Any = None) -> bool:
    """True when actor may do action on target."""
    return why_not(actor, action, target) is None


def require(actor: User | None, action: Action, target: Any = None) -> User:
    """Raise PermissionDenied with the reason unless actor may do action; returns the actor."""
    reason = why_not(actor, action, target)
    if reason is not None:
        raise PermissionDenied(f"not allowed: {reason}")
    assert actor is not None
    return actor
