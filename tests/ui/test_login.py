"""Signing in and out: the local form (errors, lockout), OIDC identities, the role's menu."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kb.services.users import set_active
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
    assert [plain(e.value) for e in at.error] == ["wrong email or password"]
    assert USER_ID not in at.session_state


def test_lockout_message_shows_after_five_failures(open_app) -> None:
    at = open_app()
    for _ in range(5):
        at = _sign_in(at, email("analyst"), "wrong wrong wrong")
    at = _sign_in(at, email("analyst"), PASSWORD)
    (error,) = at.error
    assert "is locked after 5 failed sign-ins" in plain(error.value)
    assert USER_ID not in at.session_state


def test_disabled_account_is_refused_and_signed_out(open_app, db: Session) -> None:
    at = open_app("editor")
    assert [t.value for t in at.title] == ["Claims"]
    set_active(session=db, actor=None, email=email("editor"), active=False)
    at.run()
    assert USER_ID not in at.session_state
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
