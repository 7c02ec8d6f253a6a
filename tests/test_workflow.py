"""The transition table: every status x every action, as data and through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from kb.enums import ReviewStatus
from kb.errors import InvalidTransition, PermissionDenied
from kb.models import Claim, Flag, ReviewEvent, User
from kb.services import claims, review
from kb.workflow import (
    TRANSITIONS,
    WorkflowAction,
    available_actions,
    check_transition,
    why_not,
)
from tests import factories as f

S, UR, A = "Submitted", "Under Review", "Approved"
# Written out by hand from DOMAIN.md and the issue; anything missing here must be refused.
EXPECTED: dict[tuple[str, str], str] = {
    (S, "start review"): UR,
    (UR, "approve"): A,
    (UR, "request changes"): S,
    (A, "reopen"): UR,
    (S, "edit"): S,
    (UR, "edit"): S,
    (A, "edit"): S,
    (S, "assess stance"): S,
    (UR, "assess stance"): UR,
    (S, "assign reviewer"): S,
    (UR, "assign reviewer"): UR,
    (A, "assign reviewer"): A,
    (S, "retracted source"): S,
    (UR, "retracted source"): UR,
    (A, "retracted source"): UR,
}
STATUSES = [s.value for s in ReviewStatus]


def test_table_is_exactly_the_expected_one() -> None:
    rows = {(t.source.value, t.action.value): t.target.value for t in TRANSITIONS}
    assert rows == EXPECTED
    assert len(rows) == len(TRANSITIONS), "one row per (status, action)"


@pytest.fixture
def people(sqlite_session: Session) -> dict[str, User]:
    return {
        "author": f.user(sqlite_session, "editor"),
        "admin": f.user(sqlite_session, "admin"),
        "reviewer": f.user(sqlite_session, "reviewer"),
    }


@pytest.mark.parametrize("action", list(WorkflowAction), ids=lambda a: a.name)
@pytest.mark.parametrize("status", STATUSES)
def test_check_transition_every_pair(
    sqlite_session: Session, people: dict[str, User], status: str, action: WorkflowAction
) -> None:
    # A background claim with no flags: only the status decides.
    c = f.claim(sqlite_session, author=people["author"], kind="background", status=status)
    expected = EXPECTED.get((status, action.value))
    actor = people["admin"]
    if expected is None:
        with pytest.raises(
            InvalidTransition, match=rf"^cannot {action.value}: claim \d+ is {status}, not "
        ):
            check_transition(c, action, actor, sqlite_session, comment="ok")
        assert why_not(c, action, actor, sqlite_session, comment="ok") is not None
    else:
        t = check_transition(c, action, actor, sqlite_session, comment="ok")
        assert t.target.value == expected
        assert why_not(c, action, actor, sqlite_session, comment="ok") is None


# Each service with the workflow action it performs; all take (session, actor, claim, version).
def _ops(ref_key: str, spare_key: str, reviewer: str) -> dict[str, Callable[..., Any]]:
    def common(fn: Callable[..., Any], **extra: Any) -> Callable[..., Any]:
        return lambda s, actor, c: fn(
            session=s, actor=actor, claim_id=c.id, seen_version=c.version, **extra
        )

    return {
        "start review": common(review.start_review),
        "approve": common(review.approve),
        "request changes": common(review.request_changes, comment="please cite"),
        "reopen": common(review.reopen, comment="new trial"),
        "edit": common(claims.edit_claim, text="A brand new text."),
        "link": common(claims.link_citation, citekey=spare_key),
        "unlink": common(claims.unlink_citation, citekey=ref_key),
        "assess stance": common(claims.assess_stance, citekey=ref_key, stance="supports"),
        "assign reviewer": common(review.assign_reviewer, assignee_email=reviewer),
    }


_OP_ACTION = {"link": "edit", "unlink": "edit"}
OPS = [
    "start review",
    "approve",
    "request changes",
    "reopen",
    "edit",
    "link",
    "unlink",
    "assess stance",
    "assign reviewer",
]


def _events(s: Session, claim_id: int) -> int:
    return s.exec(
        select(func.count()).select_from(ReviewEvent).where(ReviewEvent.claim_id == claim_id)
    ).one()


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("status", STATUSES)
def test_services_follow_the_table(
    sqlite_session: Session, people: dict[str, User], status: str, op: str
) -> None:
    s = sqlite_session
    ref, spare = f.reference(s), f.reference(s)
    c = f.claim(s, author=people["author"], refs=(ref,), stance="supports", status=status)
    fn = _ops(ref.citekey, spare.citekey, people["reviewer"].email)[op]
    expected = EXPECTED.get((status, _OP_ACTION.get(op, op)))
    before = c.version
    if expected is None:
        with pytest.raises(InvalidTransition, match=f"is {status}, not"):
            fn(s, people["admin"], c)
        s.expire_all()
        again = s.get(Claim, c.id)
        assert again is not None and again.version == before and again.status == status
        assert _events(s, c.id or 0) == 0
        return
    fn(s, people["admin"], c)
    s.expire_all()
    again = s.get(Claim, c.id)
    assert again is not None
    assert again.status == expected
    assert again.version == before + 1
    # The person's event; automatic checks (actor None) may add their own.
    event = s.exec(
        select(ReviewEvent).where(
            ReviewEvent.claim_id == c.id,
            ReviewEvent.actor_id.is_not(None),  # type: ignore[union-attr]
        )
    ).one()
    assert (event.from_status, event.to_status) == (status, expected)
    assert event.actor_id == people["admin"].id and event.claim_version == before + 1


def test_approve_lists_every_unmet_precondition(
    sqlite_session: Session, people: dict[str, User]
) -> None:
    s = sqlite_session
    c = f.claim(s, author=people["reviewer"], kind="finding", status=UR)
    s.add(Flag(claim_id=c.id or 0, kind="unsupported statement"))
    s.add(Flag(claim_id=c.id or 0, kind="ambiguous citation mapping"))
    s.commit()
    reason = why_not(c, WorkflowAction.approve, people["reviewer"], s)
    assert reason == (
        f"cannot approve: {people['reviewer'].email} wrote claim {c.id}; another reviewer must "
        "approve it (four eyes); 2 open flags: unsupported statement, ambiguous citation "
        "mapping; no citation supports this finding: at least one must be assessed as supports "
        "or partially supports"
    )


def test_repeated_flag_kinds_are_counted(sqlite_session: Session, people: dict[str, User]) -> None:
    s = sqlite_session
    c = f.claim(s, kind="background", status=UR)
    for kind in ("weak evidence", "other", "weak evidence"):
        s.add(Flag(claim_id=c.id or 0, kind=kind))
    s.commit()
    with pytest.raises(InvalidTransition) as err:
        check_transition(c, WorkflowAction.approve, people["admin"], s)
    assert str(err.value) == "cannot approve: 3 open flags: weak evidence (2), other"


def test_permission_comes_before_the_workflow(
    sqlite_session: Session, people: dict[str, User]
) -> None:
    c = f.claim(sqlite_session, status=UR)
    with pytest.raises(PermissionDenied, match="editors may not approve claims"):
        check_transition(c, WorkflowAction.approve, people["author"], sqlite_session)


def test_available_actions_for_the_ui(sqlite_session: Session, people: dict[str, User]) -> None:
    s = sqlite_session
    c = f.claim(s, author=people["author"], kind="background", status=UR)
    got = {
        a.value: (ok, why)
        for a, ok, why in available_actions(session=s, actor=people["reviewer"], claim=c)
    }
    # The comment that request changes needs comes from the form: the button stays enabled.
    assert got == {
        "start review": (
            False,
            f"cannot start review: claim {c.id} is Under Review, not Submitted",
        ),
        "request changes": (True, None),
        "approve": (True, None),
        "reopen": (False, f"cannot reopen: claim {c.id} is Under Review, not Approved"),
    }
    editor_view = available_actions(session=s, actor=people["author"], claim=c)
    assert all(
        not ok and why and why.startswith("not allowed: editors") for _, ok, why in editor_view
    )
