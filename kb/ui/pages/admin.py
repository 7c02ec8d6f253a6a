"""Admin: accounts and roles (list, add with a one-time password, change role, enable/disable)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.enums import Role
from kb.passwords import random_password
from kb.permissions import Action
from kb.services.users import add_user, list_users, set_active, set_role
from kb.ui import state
from kb.ui.text import EMPTY, md

user = state.require_user(Action.user_manage)
st.title("Users and roles")
state.show_flash()
ROLES = [r.value for r in Role]

with st.expander("Add an account", expanded=False), st.form("add_user", clear_on_submit=True):
    email = st.text_input("Email", key="add_email")
    name = st.text_input("Name", key="add_name")
    role = st.selectbox("Role", ROLES, key="add_role")
    add = st.form_submit_button("Add account")
if add:
    password = random_password()
    ok, created = state.attempt(
        lambda s: add_user(
            session=s, actor=user, email=email, role=role, password=password, name=name
        )
    )
    if ok and created is not None:
        st.success(md(f"Account {created.email} created. Its password, shown only this once:"))
        st.code(password, language=None)

ok, users = state.attempt(lambda s: list_users(session=s))
accounts = users or []
st.dataframe(
    pd.DataFrame(
        [
            {"email": u.email, "name": u.name, "role": u.role, "active": u.is_active,
             "locked until": u.locked_until, "created": u.created_at}
            for u in accounts
        ]
    ),
    hide_index=True, placeholder=EMPTY,
)  # fmt: skip
emails = [u.email for u in accounts]
if not emails:
    st.stop()
by_email = {u.email: u for u in accounts}
left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown("**Change role**")
    who = st.selectbox("Account", emails, key="role_email")
    current = by_email[who].role if who else ROLES[0]
    new_role = st.selectbox(
        "New role", ROLES, index=ROLES.index(current) if current in ROLES else 0, key="role_new"
    )
    if st.button("Change role", key="role_go") and who:
        state.act(
            lambda s: set_role(session=s, actor=user, email=who, role=new_role),
            f"{who} is now {new_role}.",
        )
with right, st.container(border=True):
    st.markdown("**Enable or disable**")
    target = st.selectbox("Account", emails, key="active_email")
    active = by_email[target].is_active if target else True
    label = "Disable account" if active else "Enable account"
    if st.button(label, key="active_go") and target:
        state.act(
            lambda s: set_active(session=s, actor=user, email=target, active=not active),
            f"{target} {'disabled' if active else 'enabled'}.",
        )
