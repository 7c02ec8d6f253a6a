"""A page of claim rows: a table whose selected row opens the Claim page, plus an id picker."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from kb.services.queries import ClaimRow
from kb.ui import state
from kb.ui.navigation import CLAIM_PAGE
from kb.ui.text import EMPTY


def frame(rows: Sequence[ClaimRow]) -> pd.DataFrame:
    """The columns people scan a claim list by."""
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "article": r.article_slug,
                "#": r.position,
                "status": r.status,
                "kind": r.kind,
                "text": r.text,
                "level": r.best_level,
                "study type": r.best_study_type,
                "supports": r.supporting_count,
                "refutes": r.refuting_count,
                "citations": r.citation_count,
                "open flags": r.open_flag_count,
                "assignee": r.assignee_email,
                "updated": r.updated_at,
            }
            for r in rows
        ],
        columns=["id", "article", "#", "status", "kind", "text", "level", "study type",
                 "supports", "refutes", "citations", "open flags", "assignee", "updated"],
    )  # fmt: skip


# What a reviewer triages by, first and in pixel widths that fit the main area of a 1400 px
# window beside the sidebar (about 940 px, 33 of them the row selector): no horizontal
# scrolling to reach open flags, supports or the assignee. The grid stretches the columns
# to fill wider windows.
TRIAGE_COLUMNS = ("id", "status", "text", "supports", "open flags", "assignee")
COLUMN_CONFIG = {
    "id": st.column_config.NumberColumn(width=60),
    "status": st.column_config.TextColumn(width=100),
    "text": st.column_config.TextColumn(width=370),
    "supports": st.column_config.NumberColumn(width=80),
    "open flags": st.column_config.NumberColumn(width=90),
    "assignee": st.column_config.TextColumn(width=180),
}
# The review queue shows only those (the table's menu can show the others); the Claims page
# shows every column, the triage ones first.
QUEUE_COLUMNS = TRIAGE_COLUMNS
ALL_COLUMNS = (*TRIAGE_COLUMNS, "article", "#", "kind", "level", "study type", "refutes",
               "citations", "updated")  # fmt: skip


def show(rows: Sequence[ClaimRow], *, key: str, columns: Sequence[str] = ALL_COLUMNS) -> None:
    """Render rows, columns in that order; selecting one (table row or the picker) opens it on
    the Claim page."""
    if not rows:
        st.info("No claims match.")
        return
    event = st.dataframe(
        frame(rows),
        hide_index=True,
        placeholder=EMPTY,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_table",
        column_order=list(columns),
        column_config=COLUMN_CONFIG,
    )
    picked = list(event.selection.rows) if event is not None else []
    if picked:
        state.open_page(state.CLAIM_ID, rows[picked[0]].id, CLAIM_PAGE)
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    by_id = {r.id: r for r in rows}
    choice = left.selectbox(
        "Open claim",
        list(by_id),
        format_func=lambda i: f"#{i}: {by_id[i].text[:90]}",
        key=f"{key}_pick",
    )
    if right.button("Open", key=f"{key}_open") and choice is not None:
        state.open_page(state.CLAIM_ID, choice, CLAIM_PAGE)
