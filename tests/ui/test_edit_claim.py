"""The Claim page's "Edit the claim's text" component (kb/ui/components/edit_claim.py)."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kb.models import Claim
from kb.services.claims import claim_detail, edit_claim
from kb.services.users import get_user_by_email
from tests import factories
from tests.ui.conftest import CLAIM_ID, email, plain, texts


def _claim(db: Session, **kw) -> Claim:
    author = get_user_by_email(session=db, email=email("editor"))
    return factories.claim(db, author=author, kind="background", **kw)


def _box_key(claim: Claim) -> str:
    return f"edit_claim_text_{claim.id}_{claim.version}"


def _has_box(at: AppTest) -> bool:
    return any(str(t.key).startswith("edit_claim_text_") for t in at.text_area)


def test_editor_changes_an_approved_claims_text_and_it_goes_back_to_submitted(
    open_app, db: Session
) -> None:
    claim = _claim(db, status="Approved", text="The canal narrows with age.")
    version = claim.version
    at = open_app("editor", "claim.py", **{CLAIM_ID: claim.id})
    assert "Saving sends this Approved claim back to Submitted." in texts(at)
    box = at.text_area(key=_box_key(claim))
    assert box.value == "The canal narrows with age."
    box.input("The spinal canal often narrows with age.")
    at.button(key="edit_claim_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert f"Claim {claim.id}: text saved." in texts(at)
    assert "The spinal canal often narrows with age." in texts(at)
    db.rollback()
    saved = db.get(Claim, claim.id)
    assert (saved.text, saved.status) == ("The spinal canal often narrows with age.", "Submitted")
    assert saved.version == version + 1
    # The new version's box holds the stored text, ready for the next change.
    assert at.text_area(key=_box_key(saved)).value == saved.text
    history = claim_detail(db, claim.id)["history"]
    assert any("previous text: The canal narrows with age." in (e["comment"] or "")
               for e in history)  # fmt: skip


@pytest.mark.parametrize(("text", "error"), [
    ("   ", "a claim's text cannot be empty"),
    ("Same words.", "already has this text"),
])  # fmt: skip
def test_refused_edits_show_the_services_reason(
    open_app, db: Session, text: str, error: str
) -> None:
    claim = _claim(db, text="Same words.")
    at = open_app("editor", "claim.py", **{CLAIM_ID: claim.id})
    at.text_area(key=_box_key(claim)).input(text)
    at.button(key="edit_claim_save").click().run()
    assert [e.value for e in at.error] and error in plain(at.error[0].value)
    db.rollback()
    assert db.get(Claim, claim.id).text == "Same words."


def test_editing_a_claim_changed_meanwhile_is_refused_as_stale(open_app, db: Session) -> None:
    claim = _claim(db, text="First words.")
    at = open_app("editor", "claim.py", **{CLAIM_ID: claim.id})
    box = _box_key(claim)  # the box of the version the editor sees
    admin = get_user_by_email(session=db, email=email("admin"))
    edit_claim(session=db, actor=admin, claim_id=claim.id, text="Admin words.", seen_version=1)
    at.text_area(key=box).input("Editor words.")
    at.button(key="edit_claim_save").click().run()
    (error,) = at.error
    assert f"claim {claim.id} was changed by {email('admin')} at" in plain(error.value)
    db.rollback()
    assert db.get(Claim, claim.id).text == "Admin words."


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_roles_that_may_not_edit_claims_see_no_edit_box(open_app, db: Session, role: str) -> None:
    claim = _claim(db)
    at = open_app(role, "claim.py", **{CLAIM_ID: claim.id})
    assert not at.exception
    assert not _has_box(at)
    assert "Edit the claim's text" not in [e.label for e in at.expander]


def test_admin_may_edit_too(open_app, db: Session) -> None:
    claim = _claim(db)
    at = open_app("admin", "claim.py", **{CLAIM_ID: claim.id})
    assert _has_box(at)
