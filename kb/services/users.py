"""Accounts: create, list, change role, enable/disable, authenticate with lockout."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, col, select

from kb.choices import choose
from kb.db import begin_write
from kb.enums import Role
from kb.errors import AuthenticationFailed, InvalidInput, KBError, NotFound
from kb.models import User, utcnow
from kb.permissions import Action, require
from kb.security import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _role(value: str) -> Role:
    return choose(Role, value, "role")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively; store them lower-cased and trimmed."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an email address")
    return email


def get_user_by_email(*, session: Session, email: str) -> User:
    """The account with this email, or NotFound."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise NotFound(f"no account with email {email.strip().lower()}")
    return user


def add_user(
    *,
    session: Session,
    actor: User | None,
    email: str,
    role: str,
    password: str,
    name: str = "",
) -> User:
    """Create an account. actor None means the local operator (CLI on the server)."""
    if actor is not None:
        require(actor, Action.user_manage)
    begin_write(session)
    email = normalize_email(email)
    role_ = _role(role)
    _check_password(password)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise InvalidInput(f"an account with email {email} already exists")
    user = User(
        email=email, name=name.strip(), role=role_.value, password_hash=hash_password(password)
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def list_users(*, session: Session) -> list[User]:
    """Every account, by email."""
    return list(session.exec(select(User).order_by(User.email)))


def _keep_an_admin(session: Session, user: User, *, role: str, active: bool) -> None:
    """Refuse a change that would leave no active admin to manage accounts from the app."""
    if user.role != Role.admin.value or not user.is_active:
        return
    if role == Role.admin.value and active:
        return
    others = session.exec(
        select(User.id).where(
            User.role == Role.admin.value, col(User.is_active), User.id != user.id
        )
    ).first()
    if others is None:
        raise InvalidInput(f"{user.email} is the last active admin; make another admin first")


def set_role(*, session: Session, actor: User | None, email: str, role: str) -> User:
    """Change an account's role (never your own, never the last active admin's)."""
    if actor is not None:
        require(actor, Action.user_manage)
        if actor.email == normalize_email(email):
            raise InvalidInput("you cannot change your own role")
    begin_write(session)
    user = get_user_by_email(session=session, email=email)
    new_role = _role(role).value
    _keep_an_admin(session, user, role=new_role, active=user.is_active)
    user.role = new_role
    session.add(user)
    session.commit()
    return user


def set_active(*, session: Session, actor: User | None, email: str, active: bool) -> User:
    """Enable or disable an account; a disabled account cannot sign in or act."""
    if actor is not None:
        require(actor, Action.user_manage)
        if not active and actor.email == normalize_email(email):
            raise InvalidInput("you cannot disable your own account")
    begin_write(session)
    user = get_user_by_email(session=session, email=email)
    _keep_an_admin(session, user, role=user.role, active=active)
    user.is_active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    session.add(user)
    session.commit()
    return user


def set_password(*, session: Session, actor: User | None, email: str, password: str) -> User:
    """Set a new password (admins for anyone, users for themselves)."""
    if actor is not None and actor.email != normalize_email(email):
        require(actor, Action.user_manage)
    _check_password(password)
    begin_write(session)
    user = get_user_by_email(session=session, email=email)
    user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
    return user


def authenticate(*, session: Session, email: str, password: str) -> User:
    """Check a password; 5 failures in a row lock the account for 15 minutes."""
    begin_write(session)
    refused = AuthenticationFailed("wrong email or password")
    try:
        user = get_user_by_email(session=session, email=email)
    except KBError:
        raise refused from None
    now = utcnow()
    if not user.is_active:
        raise AuthenticationFailed(f"account {user.email} is disabled; ask an admin")
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AuthenticationFailed(
            f"account {user.email} is locked after {MAX_FAILED_LOGINS} failed sign-ins; "
            f"try again in {minutes} min"
        )
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        session.add(user)
        session.commit()
        raise refused
    user.failed_logins = 0
    user.locked_until = None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
    return user


def resolve_actor(*, session: Session, email: str) -> User:
    """The account named by --as EMAIL on the CLI; refuses disabled accounts."""
    user = get_user_by_email(session=session, email=email)
    if not user.is_active:
        raise AuthenticationFailed(f"account {user.email} is disabled")
    return user
