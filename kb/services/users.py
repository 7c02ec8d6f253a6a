"""Accounts: create, list, change role, enable/disable, set passwords, authenticate.

Signing in says nothing about which accounts exist: every failure has the same message and the
same argon2 work. Repeated failures slow an account's sign-ins down (a growing wait) instead of
locking it, so that guessing stays slow without handing anyone a switch to lock others out.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import Role
from kb.errors import AuthenticationFailed, InvalidInput, NotFound
from kb.models import User, utcnow
from kb.passwords import hash_password, password_problems, verify_and_update, verify_password
from kb.permissions import Action, require
from kb.vocab import choose

# Failures in a row before sign-ins to the account are slowed down.
FREE_FAILED_LOGINS = 5
# After the 5th failure in a row the next attempt waits 1 s, then 2 s, 4 s, ... up to 15 min.
MAX_LOGIN_DELAY = timedelta(minutes=15)
# The one answer to every failed sign-in: unknown email, wrong password, an attempt while the
# account waits, a disabled account with a wrong password. It names the wait so that the owner
# of a slowed-down account knows what to do, without saying whether this account is slowed.
SIGN_IN_REFUSED = (
    "wrong email or password (after repeated failures, an account waits up to "
    f"{int(MAX_LOGIN_DELAY.total_seconds()) // 60} minutes between attempts)"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _role(value: str) -> Role:
    return choose(Role, value, "role")


def _check_password(password: str, *, email: str, name: str) -> None:
    """Refuse a password that breaks the password rule, saying every reason."""
    problems = password_problems(password, user_inputs=[email, name])
    if problems:
        raise InvalidInput(f"password refused: {'; '.join(problems)}")


def login_delay(failed_logins: int) -> timedelta:
    """How long an account waits for its next sign-in attempt after this many failures in a row."""
    if failed_logins < FREE_FAILED_LOGINS:
        return timedelta(0)
    exponent = min(failed_logins - FREE_FAILED_LOGINS, 20)  # 2^20 s is far past the cap
    return min(timedelta(seconds=2**exponent), MAX_LOGIN_DELAY)


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
    email = normalize_email(email)
    role_ = _role(role)
    name = name.strip()
    _check_password(password, email=email, name=name)
    password_hash = hash_password(password)  # before the write starts: argon2 takes a while
    with writing(session):
        if session.exec(select(User.id).where(User.email == email)).first() is not None:
            raise InvalidInput(f"an account with email {email} already exists")
        user = User(email=email, name=name, role=role_.value, password_hash=password_hash)
        session.add(user)
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
    new_role = _role(role).value
    with writing(session):
        user = get_user_by_email(session=session, email=email)
        _keep_an_admin(session, user, role=new_role, active=user.is_active)
        user.role = new_role
        session.add(user)
    return user


def set_active(*, session: Session, actor: User | None, email: str, active: bool) -> User:
    """Enable or disable an account; a disabled account cannot sign in or act.

    Enabling also ends a sign-in wait after failed attempts (and forgets the failures).
    """
    if actor is not None:
        require(actor, Action.user_manage)
        if not active and actor.email == normalize_email(email):
            raise InvalidInput("you cannot disable your own account")
    with writing(session):
        user = get_user_by_email(session=session, email=email)
        _keep_an_admin(session, user, role=user.role, active=active)
        user.is_active = active
        if active:
            user.failed_logins = 0
            user.locked_until = None
        session.add(user)
    return user


def set_password(*, session: Session, actor: User | None, email: str, password: str) -> User:
    """Set a new password (admins for anyone, users for themselves); it must meet the rule."""
    if actor is not None and actor.email != normalize_email(email):
        require(actor, Action.user_manage)
    user = get_user_by_email(session=session, email=email)
    _check_password(password, email=user.email, name=user.name)
    password_hash = hash_password(password)  # before the write starts: argon2 takes a while
    with writing(session):
        user = get_user_by_email(session=session, email=email)
        user.password_hash = password_hash
        session.add(user)
    return user


def _account_signing_in(session: Session, email: str) -> User | None:
    """The account of this email, locked for this transaction on PostgreSQL (attempts at the
    same account wait for each other, so none escapes the count); None when there is none."""
    try:
        address = normalize_email(email)
    except InvalidInput:
        return None
    return session.exec(select(User).where(User.email == address).with_for_update()).first()


def authenticate(*, session: Session, email: str, password: str) -> User:
    """The account whose email and password these are; AuthenticationFailed otherwise.

    Every failure answers SIGN_IN_REFUSED after the same argon2 work, whether the email is
    unknown, the password wrong or over-long, or the account waiting. After FREE_FAILED_LOGINS
    failures in a row an account waits login_delay(n) before its next attempt is checked;
    attempts during the wait are refused unchecked (even with the right password, which would
    otherwise be told apart) and do not count. A disabled account is named as such only to
    whoever gives its right password.
    """
    refused: str | None = None
    # The failure count must be written even when the sign-in is refused: the transaction
    # commits, and the refusal is raised after it.
    with writing(session):
        user = _account_signing_in(session, email)
        if user is None or (user.locked_until is not None and user.locked_until > utcnow()):
            verify_password(None, password)  # the work of a real check, for the same time
            refused = SIGN_IN_REFUSED
        else:
            matches, new_hash = verify_and_update(user.password_hash, password)
            if not matches:
                user.failed_logins += 1
                delay = login_delay(user.failed_logins)
                user.locked_until = utcnow() + delay if delay else None
                refused = SIGN_IN_REFUSED
            elif not user.is_active:
                # Only the password's owner gets here, and learns nothing a sign-in would not
                # tell (nothing is changed on the account).
                refused = f"account {user.email} is disabled; ask an admin"
            else:
                user.failed_logins = 0
                user.locked_until = None
                if new_hash is not None:
                    user.password_hash = new_hash
            session.add(user)
    if refused is not None or user is None:
        raise AuthenticationFailed(refused or SIGN_IN_REFUSED)
    return user


def resolve_actor(*, session: Session, email: str) -> User:
    """The account named by --as EMAIL on the CLI; refuses disabled accounts."""
    user = get_user_by_email(session=session, email=email)
    if not user.is_active:
        raise AuthenticationFailed(f"account {user.email} is disabled")
    return user
