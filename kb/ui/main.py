"""The app's router; until the pages land it shows the database status."""

from __future__ import annotations

import streamlit as st

from kb.db import make_engine
from kb.migrate import current_revision, head_revision


def run() -> None:
    """Render the app."""
    st.set_page_config(page_title="kb: evidence knowledge base", layout="wide")
    st.title("kb: evidence knowledge base")
    engine = make_engine()
    current, head = current_revision(engine), head_revision()
    if current == head:
        st.success(f"Database ready at schema revision {current}.")
    else:
        st.error(f"Database at {current or 'empty'}, needs {head}: run `kb db upgrade`.")
