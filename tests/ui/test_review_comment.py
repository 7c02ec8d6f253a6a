"""The review comment box is emptied after an action: the next action must not repeat it."""

from __future__ import annotations

from sqlmodel import Session

from kb.models import Claim
from kb.services.claims import claim_detail
from kb.services.flags import raise_flag
from kb.services.users import get_user_by_email
from tests import factories
from tests.ui.conftest import CLAIM_ID, email, plain


def test_a_comment_goes_with_one_action_only(open_app, db: Session) -> None:
    author = get_user_by_email(session=db, email=email("editor"))
    claim = factories.claim(db, author=author, kind="background", status="Under Review")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    at.text_area(key="review_comment").input("Name the source.")
    at.button(key="review_request_changes").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.text_area(key="review_comment").value == ""
    at.button(key="review_start_review").click().run()
    assert not at.error, [e.value for e in at.error]
    db.rollback()
    assert db.get(Claim, claim.id).status == "Under Review"
    comments = {e["action"]: e["comment"] for e in claim_detail(db, claim.id)["history"]}
    assert comments["request changes"] == "Name the source."
    assert not comments["start review"]


def test_a_refused_action_keeps_the_comment(open_app, db: Session) -> None:
    author = get_user_by_email(session=db, email=email("editor"))
    claim = factories.claim(db, author=author, kind="background", status="Under Review")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    other = get_user_by_email(session=db, email="reviewer2@example.org")
    raise_flag(session=db, actor=other, claim_id=claim.id, kind="other", note="check the source")
    at.text_area(key="review_comment").input("Looks right.")
    at.button(key="review_approve").click().run()
    assert [plain(e.value) for e in at.error] == ["cannot approve: 1 open flag: other"]
    assert at.text_area(key="review_comment").value == "Looks right."


def test_reopen_takes_the_comment_as_its_reason(open_app, db: Session) -> None:
    author = get_user_by_email(session=db, email=email("editor"))
    claim = factories.claim(db, author=author, kind="background", status="Approved")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    at.button(key="review_reopen").click().run()
    assert [plain(e.value) for e in at.error] == ["cannot reopen: a reason is required"]
    at.text_area(key="review_comment").input("A new trial contradicts it.")
    at.button(key="review_reopen").click().run()
    assert not at.error, [e.value for e in at.error]
    db.rollback()
    assert db.get(Claim, claim.id).status == "Under Review"
    history = claim_detail(db, claim.id)["history"]
    assert (history[-1]["action"], history[-1]["comment"]) == (
        "reopen",
        "A new trial contradicts it.",
    )
