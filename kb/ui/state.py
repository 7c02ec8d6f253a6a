"""The engine, one Session per action, the signed-in user, and the app-wide session_state keys.

Keys (tests and browser tests may set them directly):
- USER_ID ("kb_user_id"): id of the signed-in kb user; the user row is re-read on every run, so
  a disabled account or a changed role takes effect at once.
- CLAIM_ID ("kb_claim_id"): the claim the Claim page shows.
- ARTICLE ("kb_article"): slug of the article the Article page shows.
- REFERENCE ("kb_reference"): citekey of the reference the Reference page shows.
- FLASH ("kb_flash"): (kind, message) to show once on the next run, after an action.
- SEEN ("kb_seen_version"): (claim id, version) the Claim page showed last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from kb.config import get_settings
from kb.db import make_engine, session_scope
from kb.errors import KBError
from kb.migrate import require_current
from kb.models import User
from kb.permissions import Action, why_not
from kb.ui.text import md

USER_ID = "kb_user_id"
AUTH_ERROR = "kb_auth_error"
CLAIM_ID = "kb_claim_id"
ARTICLE = "kb_article"
REFERENCE = "kb_reference"
FLASH = "kb_flash"
SEEN = "kb_seen_version"
DB_READY = "kb_db_ready"

T = TypeVar("T")
FlashKind = Literal["success", "info", "warning", "error"]


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """The process-wide engine for KB_DATABASE_URL (or the default SQLite file)."""
    return _engine(get_settings().database_url)


@contextmanager
def session() -> Iterator[Session]:
    """A fresh Session for one read or one action (rolled back on error)."""
    with session_scope(engine()) as s:
        yield s


def current_user() -> User | None:
    """The signed-in, active kb user, or None (a disabled account is signed out)."""
    user_id = st.session_state.get(USER_ID)
    if user_id is None:
        return None
    with session() as s:
        user = s.get(User, user_id)
    if user is None or not user.is_active:
        st.session_state.pop(USER_ID, None)
        return None
    return user


def sign_in(user: User) -> None:
    """Remember user as signed in for this browser session."""
    st.session_state[USER_ID] = user.id


def sign_out() -> None:
    """Forget everything this browser session held."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def flash(message: str, kind: FlashKind = "success") -> None:
    """Show message once on the next run (actions rerun the page to show fresh data)."""
    st.session_state[FLASH] = (kind, message)


def show_flash() -> None:
    """Render and clear the pending flash message.

    The slot is there on every run, message or not: the elements below keep their place, so
    Streamlit keeps them (a selected tab stays selected on the run after an action).
    """
    slot = st.empty()
    pending = st.session_state.pop(FLASH, None)
    if pending:
        kind, message = pending
        getattr(slot, kind)(md(message))


def show_error(error: BaseException | str) -> None:
    """An error message, shown as its exact characters: messages quote what users typed."""
    st.error(md(str(error)))


def attempt(action: Callable[[Session], T]) -> tuple[bool, T | None]:
    """Run action in its own Session; a KBError is shown with st.error. Returns (ok, result)."""
    try:
        with session() as s:
            return True, action(s)
    except KBError as e:
        show_error(e)
        return False, None


def act(action: Callable[[Session], object], done: str) -> bool:
    """Run a state-changing action; on success flash done and rerun, on error show it."""
    ok, _ = attempt(action)
    if ok:
        flash(done)
        st.rerun()
    return ok


def open_page(key: str, value: object, page: str) -> None:
    """Set the record a detail page shows and switch to it."""
    st.session_state[key] = value
    st.switch_page(page)


def require_database() -> None:
    """Stop with instructions unless the database is at the latest schema (checked once)."""
    if st.session_state.get(DB_READY):
        return
    try:
        require_current(engine())
    except KBError as e:
        show_error(e)
        st.stop()
    st.session_state[DB_READY] = True


def require_user(action: Action = Action.read) -> User:
    """The signed-in user, or stop the page with the reason they may not see it."""
    user = current_user()
    reason = why_not(user, action)
    if user is None or reason is not None:
        show_error(f"not allowed: {reason}")
        st.stop()
    assert user is not None
    return user


def seen_version(claim_id: int, loaded: int) -> int:
    """The version of the claim the user was looking at when they acted (the previous run's).

    A click reruns the script, which reloads the claim: the action must carry the version the
    user saw, so a change made by someone else in between is refused as stale.
    """
    previous = st.session_state.get(SEEN)
    st.session_state[SEEN] = (claim_id, loaded)
    if previous and previous[0] == claim_id:
        return int(previous[1])
    return loaded
