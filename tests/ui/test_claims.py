"""Review queue, Claims (filters, keyset paging, opening a claim) and the Claim page's actions."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from kb.models import Citation, Claim, Flag, Reference
from kb.permissions import Action
from kb.services.claims import edit_claim
from kb.services.flags import raise_flag
from kb.services.users import get_user_by_email
from kb.ui.components import flags
from tests import factories
from tests.ui.conftest import CLAIM_ID, email, plain, texts

ROLES = ("editor", "reviewer", "analyst", "admin")


def _claim(db: Session, **kw) -> Claim:
    author = get_user_by_email(session=db, email=email("editor"))
    return factories.claim(db, author=author, **kw)


def _caption_with(at: AppTest, needle: str) -> str:
    return next(plain(c.value) for c in at.caption if needle in plain(c.value))


def test_review_queue_lists_open_claims_with_counts(open_app, db: Session) -> None:
    reviewer = get_user_by_email(session=db, email=email("reviewer"))
    mine = _claim(db, status="Under Review", assignee_id=reviewer.id, text="Mine to review.")
    at = open_app("reviewer", "review_queue.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Assigned to me": "1", "Submitted": "37", "Under Review": "1"}
    assert at.subheader[0].value == "Assigned to me (1)"
    first = at.dataframe[0].value
    assert list(first["id"]) == [mine.id]


def test_review_queue_counts_every_claim_under_review_by_others(open_app, db: Session) -> None:
    # More than a page under review by someone else, the newest ones mine: the list and its
    # count are of the others' claims, not what is left of the latest 50.
    reviewer = get_user_by_email(session=db, email=email("reviewer"))
    other = factories.user(db, role="reviewer")
    theirs = [
        _claim(db, status="Under Review", assignee_id=other.id, text=f"Theirs {i}.")
        for i in range(55)
    ]
    for i in range(50):
        _claim(db, status="Under Review", assignee_id=reviewer.id, text=f"Mine {i}.")
    at = open_app("reviewer", "review_queue.py")
    assert not at.exception
    assert at.subheader[2].value == "Under Review by others (55)"
    shown = list(at.dataframe[2].value["id"])
    assert len(shown) == 50
    assert set(shown) <= {c.id for c in theirs}


def test_claims_page_pages_with_the_keyset_cursor(open_app, db: Session) -> None:
    art = factories.article(db)
    for i in range(20):
        _claim(db, art=art, position=i + 1)
    at = open_app("analyst", "claims.py")
    assert not at.exception
    assert _caption_with(at, "claims (page").startswith("1-50 of 57 claims (page 1)")
    assert len(at.dataframe[0].value) == 50
    assert at.button(key="claims_prev").disabled
    at.button(key="claims_next").click().run()
    assert _caption_with(at, "claims (page").startswith("51-57 of 57 claims (page 2)")
    assert at.button(key="claims_next").disabled
    first_page_ids = set()
    at.button(key="claims_prev").click().run()
    assert _caption_with(at, "claims (page").startswith("1-50 of 57")
    first_page_ids = set(at.dataframe[0].value["id"])
    assert len(first_page_ids) == 50


def test_claims_filters_reset_paging_and_bad_filters_show_the_reason(open_app) -> None:
    at = open_app("reviewer", "claims.py")
    at.text_input(key="claims_text").input("balance").run()
    table = at.dataframe[0].value
    assert len(table) > 0
    assert all("balance" in t.lower() for t in table["text"])
    at.text_input(key="claims_text").input("").run()
    at.multiselect(key="claims_status").set_value(["Approved"]).run()
    assert "No claims match." in [i.value for i in at.info]
    at.multiselect(key="claims_status").set_value([]).run()
    at.text_input(key="claims_article").input("no-such-article").run()
    assert [plain(e.value) for e in at.error] == ["no article with slug 'no-such-article'"]
    # What the user typed comes back in the message as text, never as a link or an image.
    at.text_input(key="claims_article").input("![x](http://evil.example/p.png)").run()
    (shown,) = [e.value for e in at.error]
    assert "\\!\\[x\\]\\(http" in shown and "](http" not in shown
    assert plain(shown) == "no article with slug '![x](http://evil.example/p.png)'"
    at.text_input(key="claims_article").input("").run()
    at.multiselect(key="claims_flag").set_value(["ambiguous citation mapping"]).run()
    assert _caption_with(at, "claims (page").startswith("1-16 of 16")


def test_picking_a_claim_opens_the_claim_page(open_app, db: Session) -> None:
    at = open_app("analyst", "claims.py")
    claim_id = int(at.dataframe[0].value["id"].iloc[3])
    at.selectbox(key="claims_pick").set_value(claim_id)
    at.button(key="claims_open").click().run()
    assert not at.exception
    assert at.session_state[CLAIM_ID] == claim_id
    assert at.title[0].value == f"Claim {claim_id}"


@pytest.mark.parametrize("role", ROLES)
def test_claim_page_renders_for_every_role(open_app, db: Session, role: str) -> None:
    claim_id = db.exec(select(Claim.id).where(Claim.position == 2).limit(1)).first()
    at = open_app(role, "claim.py", **{CLAIM_ID: claim_id})
    assert not at.exception
    assert at.title[0].value == f"Claim {claim_id}"
    assert any(t.label.startswith("History (") for t in at.tabs)


def test_editor_sees_review_buttons_disabled_with_the_reason(open_app, db: Session) -> None:
    claim = _claim(db, status="Under Review", kind="background")
    at = open_app("editor", "claim.py", **{CLAIM_ID: claim.id})
    approve = at.button(key="review_approve")
    assert approve.disabled
    assert approve.help == "not allowed: editors may not approve claims"
    assert "not allowed: editors may not approve claims" in texts(at)
    assert at.button(key="flag_open").disabled is False


def test_reviewer_takes_and_approves_a_claim(open_app, db: Session) -> None:
    claim = _claim(db, kind="background", text="Stenosis narrows the canal.")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    assert at.button(key="review_approve").disabled
    at.button(key="review_start_review").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Start review: done" in texts(at)
    at.button(key="review_approve").click().run()
    assert not at.error, [e.value for e in at.error]
    db.rollback()
    assert db.get(Claim, claim.id).status == "Approved"
    assert at.button(key="review_reopen").disabled is False


def test_approving_a_claim_flagged_meanwhile_shows_the_services_reason(
    open_app, db: Session
) -> None:
    claim = _claim(db, kind="background", status="Under Review")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    assert at.button(key="review_approve").disabled is False
    other = get_user_by_email(session=db, email="reviewer2@example.org")
    raise_flag(session=db, actor=other, claim_id=claim.id, kind="other", note="check the source")
    at.button(key="review_approve").click().run()
    assert [plain(e.value) for e in at.error] == ["cannot approve: 1 open flag: other"]
    at.run()
    assert at.button(key="review_approve").disabled
    assert at.button(key="review_approve").help == "cannot approve: 1 open flag: other"


def test_acting_on_a_stale_claim_shows_changed_by_and_reload(open_app, db: Session) -> None:
    claim = _claim(db, kind="background")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    editor = get_user_by_email(session=db, email=email("editor"))
    edit_claim(session=db, actor=editor, claim_id=claim.id, text="New text.", seen_version=1)
    at.button(key="review_start_review").click().run()
    (error,) = at.error
    assert f"claim {claim.id} was changed by {email('editor')} at" in plain(error.value)
    assert plain(error.value).endswith("; reload")
    at.button(key="review_start_review").click().run()
    assert not at.error


def test_request_changes_needs_a_comment(open_app, db: Session) -> None:
    claim = _claim(db, kind="background", status="Under Review")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    at.button(key="review_request_changes").click().run()
    assert [plain(e.value) for e in at.error] == ["cannot request changes: a comment is required"]
    at.text_area(key="review_comment").input("Cite the registry.")
    at.button(key="review_request_changes").click().run()
    assert not at.error
    db.rollback()
    assert db.get(Claim, claim.id).status == "Submitted"


def test_raise_a_flag_in_the_dialog(open_app, db: Session) -> None:
    claim = _claim(db, kind="background")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    at.button(key="flag_open").click().run()
    at.selectbox(key="flag_kind").set_value("weak evidence")
    at.text_area(key="flag_note").input("Only a case series.")
    at.button(key="flag_submit").click().run()
    assert not at.exception and not at.error
    assert "Flag raised: weak evidence." in texts(at)
    assert "Only a case series." in texts(at)
    db.rollback()
    assert db.get(Claim, claim.id).open_flag_count == 1


@pytest.mark.parametrize(
    ("button", "done"), [("flag_resolve", "resolved"), ("flag_dismiss", "dismissed")]
)
def test_closing_a_flag_says_what_was_done(open_app, db: Session, button: str, done: str) -> None:
    claim = _claim(db, kind="background")
    other = get_user_by_email(session=db, email="reviewer2@example.org")
    flag = raise_flag(session=db, actor=other, claim_id=claim.id, kind="other", note="Check.")
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    at.text_input(key="close_flag_note").input("Looked at the source.")
    at.button(key=button).click().run()
    assert not at.error, [e.value for e in at.error]
    assert [plain(s.value) for s in at.success] == [f"Flag {flag.id}: {done}."]
    db.rollback()
    assert db.get(Flag, flag.id).status == done


def test_every_flag_action_has_its_past_participle() -> None:
    assert set(flags.DONE) == {a for a in Action if a.name.startswith("flag_")}
    assert flags.DONE[Action.flag_dismiss] == "dismissed"


def test_flag_without_a_note_is_refused_in_the_dialog(open_app, db: Session) -> None:
    claim = _claim(db, kind="background")
    at = open_app("editor", "claim.py", **{CLAIM_ID: claim.id})
    at.button(key="flag_open").click().run()
    at.button(key="flag_submit").click().run()
    assert [plain(e.value) for e in at.error] == ["a note is required: say what is wrong"]


def test_analyst_may_read_but_not_act(open_app, db: Session) -> None:
    claim = _claim(db, kind="background")
    at = open_app("analyst", "claim.py", **{CLAIM_ID: claim.id})
    assert at.button(key="flag_open").disabled
    assert at.button(key="flag_open").help == "not allowed: analysts may not raise flags"
    assert (
        at.button(key="assess_disabled").help
        == "not allowed: analysts may not assess citation stance"
    )
    assert at.button(key="link_disabled").help == "not allowed: analysts may not link citations"
    assert all(at.button(key=f"review_{a}").disabled for a in
               ("start_review", "request_changes", "approve", "reopen"))  # fmt: skip


def test_reviewer_assesses_a_stance_with_a_quote(open_app, db: Session) -> None:
    ref = db.exec(select(Reference).where(Reference.citekey == "costantini2010scs")).one()
    claim = _claim(db, refs=(ref,))
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: claim.id})
    at.selectbox(key="assess_stance").set_value("supports")
    at.text_area(key="assess_quote").input("VAS fell from 7.4 to 2.8")
    at.text_input(key="assess_locator").input("p. 277")
    at.form_submit_button[0].click().run()
    assert not at.error, [e.value for e in at.error]
    db.rollback()
    cit = db.exec(select(Citation).where(Citation.claim_id == claim.id)).one()
    assert (cit.stance, cit.quote, cit.locator) == (
        "supports",
        "VAS fell from 7.4 to 2.8",
        "p. 277",
    )
    assert "VAS fell from 7.4 to 2.8" in texts(at)


def test_editor_links_a_reference_found_by_search(open_app, db: Session) -> None:
    claim = _claim(db, kind="background")
    at = open_app("editor", "claim.py", **{CLAIM_ID: claim.id})
    at.text_input(key="link_q").input("denervation").run()
    assert at.selectbox(key="link_key").value == "ozcaneksi2016denervation"
    at.text_input(key="link_marker").input("1")
    at.button(key="link_go").click().run()
    assert not at.error, [e.value for e in at.error]
    db.rollback()
    (cit,) = db.exec(select(Citation).where(Citation.claim_id == claim.id)).all()
    assert cit.marker == "1"
    at.button(key="unlink_go").click().run()
    assert not at.error
    db.rollback()
    assert db.exec(select(Citation).where(Citation.claim_id == claim.id)).all() == []


def test_claim_text_is_escaped_not_formatted(open_app, db: Session) -> None:
    claim = _claim(db, kind="background", text="**Bold** :red[alarm] <b>x</b> [link](http://e.x)")
    at = open_app("analyst", "claim.py", **{CLAIM_ID: claim.id})
    shown = [m.value for m in at.markdown if "alarm" in m.value]
    assert shown and all("\\*\\*Bold\\*\\*" in m and "\\:red\\[alarm\\]" in m for m in shown)
    assert any(plain(m) == f"**{claim.text}**" for m in shown)
