"""Accounts: argon2, lockout after five failures, disabled accounts, admin-only management."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from kb.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from kb.models import User, utcnow
from kb.services import users as svc
from tests import factories as f


def test_authenticate_ok_and_wrong_password(sqlite_session: Session) -> None:
    u = f.user(sqlite_session, "reviewer")
    assert (
        svc.authenticate(session=sqlite_session, email=u.email.upper(), password=f.PASSWORD).id
        == u.id
    )
    with pytest.raises(AuthenticationFailed, match="wrong email or password"):
        svc.authenticate(session=sqlite_session, email=u.email, password="nope")
    with pytest.raises(AuthenticationFailed, match="wrong email or password"):
        svc.authenticate(session=sqlite_session, email="ghost@example.org", password="nope")


def test_five_failures_lock_for_fifteen_minutes(sqlite_session: Session) -> None:
    u = f.user(sqlite_session)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            svc.authenticate(session=sqlite_session, email=u.email, password="wrong")
    with pytest.raises(AuthenticationFailed, match="locked"):
        svc.authenticate(session=sqlite_session, email=u.email, password=f.PASSWORD)
    locked = sqlite_session.get(User, u.id)
    assert locked is not None and locked.locked_until is not None
    assert timedelta(minutes=14) < locked.locked_until - utcnow() <= timedelta(minutes=15)
    # After the lock expires the right password works again.
    locked.locked_until = utcnow() - timedelta(seconds=1)
    sqlite_session.add(locked)
    sqlite_session.commit()
    assert svc.authenticate(session=sqlite_session, email=u.email, password=f.PASSWORD).id == u.id


def test_four_failures_then_success_resets_counter(sqlite_session: Session) -> None:
    u = f.user(sqlite_session)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            svc.authenticate(session=sqlite_session, email=u.email, password="wrong")
    svc.authenticate(session=sqlite_session, email=u.email, password=f.PASSWORD)
    again = sqlite_session.get(User, u.id)
    assert again is not None and again.failed_logins == 0 and again.locked_until is None


def test_disabled_account_cannot_sign_in(sqlite_session: Session) -> None:
    u = f.user(sqlite_session, is_active=False)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        svc.authenticate(session=sqlite_session, email=u.email, password=f.PASSWORD)


def test_only_admins_manage_users(sqlite_session: Session) -> None:
    editor = f.user(sqlite_session, "editor")
    admin = f.user(sqlite_session, "admin")
    with pytest.raises(PermissionDenied, match="editors may not manage users"):
        svc.add_user(
            session=sqlite_session, actor=editor, email="n@example.org", role="admin",
            password="long enough pw",
        )  # fmt: skip
    made = svc.add_user(
        session=sqlite_session, actor=admin, email="n@example.org", role="analyst",
        password="long enough pw",
    )  # fmt: skip
    assert made.role == "analyst"
    with pytest.raises(InvalidInput, match="own account"):
        svc.set_active(session=sqlite_session, actor=admin, email=admin.email, active=False)


def test_short_password_refused(sqlite_session: Session) -> None:
    with pytest.raises(InvalidInput, match="too short"):
        svc.add_user(
            session=sqlite_session, actor=None, email="a@example.org", role="editor", password="x"
        )


def test_admins_keep_their_own_role_and_the_last_admin_stays(sqlite_session: Session) -> None:
    s = sqlite_session
    admin = f.user(s, "admin")
    with pytest.raises(InvalidInput, match="your own role"):
        svc.set_role(session=s, actor=admin, email=admin.email, role="editor")
    # The operator (no actor) may change roles, but not remove the last active admin.
    with pytest.raises(InvalidInput, match="last active admin"):
        svc.set_role(session=s, actor=None, email=admin.email, role="editor")
    with pytest.raises(InvalidInput, match="last active admin"):
        svc.set_active(session=s, actor=None, email=admin.email, active=False)
    s.rollback()
    assert (s.get(User, admin.id).role, s.get(User, admin.id).is_active) == ("admin", True)
    second = f.user(s, "admin")
    svc.set_role(session=s, actor=second, email=admin.email, role="editor")
    assert s.get(User, admin.id).role == "editor"
    with pytest.raises(InvalidInput, match="last active admin"):
        svc.set_active(session=s, actor=None, email=second.email, active=False)
    # Other accounts change freely.
    editor = f.user(s, "editor")
    assert svc.set_role(session=s, actor=second, email=editor.email, role="analyst").role == (
        "analyst"
    )
