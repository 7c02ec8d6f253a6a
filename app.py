"""Streamlit entry point: a router only (page config, login gate, navigation)."""

import streamlit as st

from kb.ui import navigation, state
from kb.ui.components import login
from kb.ui.text import md

st.set_page_config(page_title="kb: evidence knowledge base", layout="wide")
state.require_database()
login.sync_identity()
user = state.current_user()
if user is None:
    st.navigation([st.Page(login.show, title="Sign in", icon=":material/login:")]).run()
    st.stop()
st.sidebar.caption(f"Signed in as {md(user.email)} ({md(user.role)})")
login.logout_button(st.sidebar)
st.navigation(navigation.pages_for(user)).run()
