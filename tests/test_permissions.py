"""The role -> actions table, every role x every action, and the rules about a record."""

from __future__ import annotations

import pytest

from kb.enums import Role
from kb.errors import PermissionDenied
from kb.models import Claim, User
from kb.permissions import Action, can, require, why_not

# Written out independently of kb.permissions.ROLE_ACTIONS so a change to the table shows here.
EXPECTED: dict[str, set[str]] = {
    "editor": {
        "read",
        "export",
        "ingest articles",
        "set marker mappings",
        "create claims",
        "edit claims",
        "link citations",
        "raise flags",
        "resolve flags",
        "import references",
        "edit references",
        "merge references",
        "record retractions",
        "run automatic checks",
    },
    "reviewer": {
        "read",
        "export",
        "assess citation stance",
        "raise flags",
        "resolve flags",
        "dismiss flags",
        "start reviews",
        "request changes",
        "approve claims",
        "reopen claims",
        "assign reviewers",
        "record retractions",
        "run automatic checks",
    },
    "analyst": {"read", "export"},
    "admin": {a.value for a in Action},
}


def _user(role: str, uid: int = 1, active: bool = True) -> User:
    return User(id=uid, email=f"{role}@example.org", role=role, is_active=active)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_role_action_table(role: str, action: Action) -> None:
    actor = _user(role)
    # Own claim, so the editor's record rule on flags does not get in the way here.
    claim = Claim(id=7, article_id=1, text="t", author_id=actor.id)
    allowed = action.value in EXPECTED[role]
    assert can(actor, action, claim) is allowed
    if allowed:
        assert require(actor, action, claim) is actor
    else:
        assert why_not(actor, action, claim) == f"{role}s may not {action.value}"
        with pytest.raises(PermissionDenied, match=f"^not allowed: {role}s may not"):
            require(actor, action, claim)


def test_editor_resolves_flags_only_on_own_claims() -> None:
    editor = _user("editor", uid=3)
    own = Claim(id=1, article_id=1, text="t", author_id=3)
    other = Claim(id=2, article_id=1, text="t", author_id=4)
    assert can(editor, Action.flag_resolve, own)
    assert why_not(editor, Action.flag_resolve, other) == (
        "editors may resolve flags only on claims they wrote"
    )
    # Reviewers and admins resolve flags on any claim.
    assert can(_user("reviewer", uid=5), Action.flag_resolve, other)
    assert can(_user("admin", uid=6), Action.flag_resolve, other)


def test_nobody_and_disabled_and_unknown_role() -> None:
    assert why_not(None, Action.read) == "sign in to read"
    assert why_not(_user("admin", active=False), Action.read) == (
        "account admin@example.org is disabled"
    )
    assert "unknown role" in (why_not(_user("wizard"), Action.read) or "")
