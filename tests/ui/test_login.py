"""Signing in and out: the local form (one message for every failure, the growing wait), OIDC
identities, the role's menu."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kb.models import utcnow
from kb.services.users import SIGN_IN_REFUSED, get_user_by_email, set_active
from tests.ui.conftest import APP, PASSWORD, TIMEOUT, USER_ID, email, plain, user_id


def _sign_in(at: AppTest, address: str, password: str) -> AppTest:
    at.text_input(key="login_email").input(address)
    at.text_input(key="login_password").input(password)
    return at.form_submit_button[0].click().run()


def test_signed_out_sees_only_the_sign_in_form(open_app) -> None:
    at = open_app()
    assert not at.exception
    assert at.text_input(key="login_email") is not None
    assert USER_ID not in at.session_state


def test_login_form_signs_in_and_lands_on_the_roles_first_page(open_app, db: Session) -> None:
    at = _sign_in(open_app(), email("reviewer"), PASSWORD)
    assert not at.exception
    assert at.session_state[USER_ID] == user_id(db, "reviewer")
    assert [t.value for t in at.title] == ["Review queue"]


def test_wrong_password_shows_the_services_message(open_app) -> None:
    at = _sign_in(open_app(), email("editor"), "not the password")
    assert [plain(e.value) for e in at.error] == [SIGN_IN_REFUSED]
    assert SIGN_IN_REFUSED.startswith("wrong email or password")
    assert USER_ID not in at.session_state


def test_every_failed_sign_in_shows_the_same_message(open_app, db: Session) -> None:
    """Unknown email, wrong password, a waiting account (even with its right password), a
    disabled account with a wrong password: the page cannot tell them apart."""
    set_active(session=db, actor=None, email=email("reviewer"), active=False)
    analyst = get_user_by_email(session=db, email=email("analyst"))
    analyst.failed_logins, analyst.locked_until = 8, utcnow() + timedelta(minutes=10)
    db.add(analyst)
    db.commit()
    at = open_app()
    shown = {}
    for who, address, password in [
        ("unknown", "nobody@example.org", PASSWORD),
        ("wrong", email("editor"), "wrong wrong wrong"),
        ("waiting, right password", email("analyst"), PASSWORD),
        ("disabled, wrong password", email("reviewer"), "wrong wrong wrong"),
    ]:
        at = _sign_in(at, address, password)
        shown[who] = [plain(e.value) for e in at.error]
        assert USER_ID not in at.session_state, who
    assert shown == dict.fromkeys(shown, [SIGN_IN_REFUSED])


def test_five_failures_do_not_lock_the_owner_out(open_app, db: Session) -> None:
    at = open_app()
    for _ in range(5):
        at = _sign_in(at, email("analyst"), "wrong wrong wrong")
        assert [plain(e.value) for e in at.error] == [SIGN_IN_REFUSED]
    # The fifth failure asks for a 1 s wait, not 15 minutes.
    time.sleep(1.1)
    at = _sign_in(at, email("analyst"), PASSWORD)
    assert not at.error
    assert at.session_state[USER_ID] == user_id(db, "analyst")


def test_disabled_account_is_refused_and_signed_out(open_app, db: Session) -> None:
    at = open_app("editor")
    assert [t.value for t in at.title] == ["Claims"]
    set_active(session=db, actor=None, email=email("editor"), active=False)
    at.run()
    assert USER_ID not in at.session_state
    # Only the right password is told that the account is disabled.
    at = _sign_in(at, email("editor"), PASSWORD)
    assert [plain(e.value) for e in at.error] == [
        f"account {email('editor')} is disabled; ask an admin"
    ]


def test_sign_out_clears_the_session(open_app) -> None:
    at = open_app("admin")
    at.sidebar.button(key="logout").click().run()
    assert USER_ID not in at.session_state
    assert at.text_input(key="login_email") is not None


def _oidc_app(identity: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "kb",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
    }
    at.user = identity
    return at.run()


def test_oidc_identity_maps_to_the_kb_account_by_email(kb_url: str, db: Session) -> None:
    at = _oidc_app({"is_logged_in": True, "email": "Reviewer@Example.org"})
    assert not at.exception
    assert at.session_state[USER_ID] == user_id(db, "reviewer")
    assert [t.value for t in at.title] == ["Review queue"]


def test_oidc_unknown_email_is_refused_clearly(kb_url: str) -> None:
    at = _oidc_app({"is_logged_in": True, "email": "stranger@elsewhere.org"})
    assert USER_ID not in at.session_state
    assert [plain(e.value) for e in at.error] == [
        "stranger@elsewhere.org has no kb account; ask an admin to add it"
    ]


def test_oidc_signed_out_sees_the_sign_in_button_not_the_password_form(kb_url: str) -> None:
    at = _oidc_app({"is_logged_in": False})
    assert at.button(key="login_oidc").label == "Sign in"
    assert not at.text_input


PAGES_BY_ROLE = {
    "editor": {"claims", "articles", "references", "dashboard", "export"},
    "reviewer": {"review_queue", "claims", "articles", "references", "dashboard", "export"},
    "analyst": {"claims", "articles", "references", "dashboard", "export"},
    "admin": {"review_queue", "claims", "articles", "references", "dashboard", "export", "admin"},
}


@pytest.mark.parametrize("role", sorted(PAGES_BY_ROLE))
def test_each_role_is_offered_its_pages_only(open_app, role: str) -> None:
    at = open_app(role)
    for page in PAGES_BY_ROLE["admin"] | {"claim", "article", "reference"}:
        allowed = page in PAGES_BY_ROLE[role] or page in {"claim", "article", "reference"}
        if allowed:
            at.switch_page(f"kb/ui/pages/{page}.py").run()
            assert not at.exception, (role, page)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"kb/ui/pages/{page}.py")
