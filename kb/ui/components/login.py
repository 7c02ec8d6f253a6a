"""Signing in: local accounts (email + password), or the OIDC provider of .streamlit/secrets.toml.

With an `[auth]` section in the secrets, Streamlit's st.login does the sign-in and the identity's
email is mapped to a kb account; an unknown or disabled email is refused with a message.
"""

from __future__ import annotations

import streamlit as st

from kb.errors import AuthenticationFailed, KBError
from kb.services.users import authenticate, resolve_actor
from kb.ui import state


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (use st.login)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def sync_identity() -> None:
    """With OIDC, sign in the kb account whose email the provider vouched for."""
    if not oidc_configured() or st.session_state.get(state.USER_ID) is not None:
        return
    if not st.user.is_logged_in:
        return
    email = str(st.user.get("email") or "")
    try:
        with state.session() as s:
            user = resolve_actor(session=s, email=email)
    except AuthenticationFailed as e:  # a disabled account
        st.session_state[state.AUTH_ERROR] = f"{e}; ask an admin"
        return
    except KBError:
        st.session_state[state.AUTH_ERROR] = (
            f"{email or 'this identity'} has no kb account; ask an admin to add it"
        )
        return
    st.session_state.pop(state.AUTH_ERROR, None)
    state.sign_in(user)


def show() -> None:
    """The sign-in page."""
    st.title("kb: evidence knowledge base")
    if oidc_configured():
        _oidc()
    else:
        _local()


def _oidc() -> None:
    refused = st.session_state.get(state.AUTH_ERROR)
    if refused:
        state.show_error(refused)
        if st.button("Sign out", key="login_oidc_logout"):
            state.sign_out()
            st.logout()
        return
    st.write("Sign in with your organisation's account.")
    if st.button("Sign in", key="login_oidc", type="primary"):
        st.login()


def _local() -> None:
    with st.form("login_form"):
        email = st.text_input("Email", key="login_email")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    try:
        with state.session() as s:
            user = authenticate(session=s, email=email, password=password)
    except KBError as e:
        state.show_error(e)
        return
    state.sign_in(user)
    st.rerun()


def logout_button(where: st.delta_generator.DeltaGenerator) -> None:
    """A sign-out button (st.logout as well when the identity came from OIDC)."""
    if where.button("Sign out", key="logout"):
        oidc = oidc_configured() and bool(st.user.is_logged_in)
        state.sign_out()
        if oidc:
            # st.logout sends the browser to the provider's logout and back (a new session);
            # a rerun here could drop that redirect and leave the identity cookie in place.
            st.logout()
            st.stop()
        st.rerun()
