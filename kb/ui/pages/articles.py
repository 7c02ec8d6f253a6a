"""Articles: each with its review status bar; open one; ingest a new one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.permissions import Action, why_not
from kb.services.articles import count_articles, list_articles
from kb.ui import state
from kb.ui.components import charts, ingest, ingest_many
from kb.ui.navigation import ARTICLE_PAGE
from kb.ui.text import EMPTY, md

SHOWN = 50

user = state.require_user()
st.title("Articles")
state.show_flash()
tab_list, tab_new, tab_many = st.tabs(["Articles", "New article", "Several articles"])
with tab_list:
    query = st.text_input("Filter by title or slug", key="articles_q")
    ok, found = state.attempt(
        lambda s: (
            list_articles(session=s, search=query, limit=SHOWN),
            count_articles(session=s, search=query),
        )
    )
    shown, total = found or ([], 0)
    if not shown:
        st.info("No article matches." if query.strip() else "No articles yet.")
    else:
        st.caption(f"{total:,} articles; the {len(shown)} most recently updated below.")
        charts.article_status_bars(shown)
        table = pd.DataFrame(shown).drop(columns=["id"])
        event = st.dataframe(
            table,
            hide_index=True,
            placeholder=EMPTY,
            on_select="rerun",
            selection_mode="single-row",
            key="articles_table",
        )
        if event is not None and event.selection.rows:
            state.open_page(state.ARTICLE, shown[event.selection.rows[0]]["slug"], ARTICLE_PAGE)
        slugs = [a["slug"] for a in shown]
        pick = st.selectbox("Open article", slugs, key="articles_pick")
        if st.button("Open", key="articles_open") and pick:
            state.open_page(state.ARTICLE, pick, ARTICLE_PAGE)
with tab_new:
    reason = why_not(user, Action.article_ingest)
    if reason:
        st.button("Preview", key="ing_disabled", disabled=True, help=f"not allowed: {reason}")
        st.caption(md(f"not allowed: {reason}"))
    else:
        ingest.show(user=user)
with tab_many:
    reason = why_not(user, Action.article_ingest)
    if reason:
        st.caption(md(f"not allowed: {reason}"))
    else:
        ingest_many.show(user=user)
