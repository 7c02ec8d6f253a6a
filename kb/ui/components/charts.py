"""Altair charts of small aggregates (never a row per claim).

Bar labels are never cut (labelLimit=0: the axis takes the room its longest label needs) and
counts are whole numbers on every axis (no 0.2, 0.4 ticks when the largest count is 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from kb.enums import ReviewStatus

AXIS_HEIGHT = 60  # px of an x axis with its labels and title, below horizontal bars
ROW_HEIGHT = 28  # px per horizontal bar, so labels never overlap
_STATUS_SCALE = alt.Scale(
    domain=[s.value for s in ReviewStatus],
    range=["#1c83e1", "#ff8700", "#21c354"],
)
_LABELS = alt.Axis(labelLimit=0)  # a bar's label in full, however long
_COUNTS = alt.Axis(format="d", tickMinStep=1)  # ticks at whole numbers only


def _height(rows: int) -> int:
    # Streamlit sizes the chart with autosize "fit": the height includes the x axis.
    return AXIS_HEIGHT + ROW_HEIGHT * max(rows, 1)


def bars(counts: Mapping[str, int], *, label: str, value: str = "claims") -> None:
    """A horizontal bar per key, in the given order."""
    df = pd.DataFrame({label: list(counts), value: list(counts.values())})
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=value, axis=_COUNTS),
            y=alt.Y(f"{label}:N", sort=list(counts), title=None, axis=_LABELS),
            tooltip=[label, value],
        )
        .properties(height=_height(len(counts)))
    )
    st.altair_chart(chart, width="stretch")


def status_bars(counts: Mapping[str, int]) -> None:
    """Claims by status, coloured like the status badges."""
    df = pd.DataFrame({"status": list(counts), "claims": list(counts.values())})
    order = [s.value for s in ReviewStatus]
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("claims:Q", axis=_COUNTS),
            y=alt.Y("status:N", sort=order, title=None, axis=_LABELS),
            color=alt.Color("status:N", scale=_STATUS_SCALE, legend=None),
            tooltip=["status", "claims"],
        )
        .properties(height=_height(len(order)))
    )
    st.altair_chart(chart, width="stretch")


def article_status_bars(rows: Sequence[Mapping[str, object]]) -> None:
    """One stacked bar per article: how many of its claims are Submitted, Under Review, Approved."""
    long = [
        {"article": r["slug"], "status": s.value, "claims": r.get(s.value, 0), "order": i}
        for r in rows
        for i, s in enumerate(ReviewStatus)
    ]
    if not long:
        return
    chart = (
        alt.Chart(pd.DataFrame(long))
        .mark_bar()
        .encode(
            x=alt.X("claims:Q", stack="normalize", title="share of claims"),
            y=alt.Y("article:N", sort=[str(r["slug"]) for r in rows], title=None, axis=_LABELS),
            color=alt.Color("status:N", scale=_STATUS_SCALE, title="status"),
            order=alt.Order("order:Q"),
            tooltip=["article", "status", "claims"],
        )
        .properties(height=_height(len(rows)))
    )
    st.altair_chart(chart, width="stretch")


def weekly(rows: Sequence[Mapping[str, object]]) -> None:
    """Approvals per week as bars; a sentence instead when there were none."""
    df = pd.DataFrame(list(rows), columns=["week", "approvals"])
    if not df["approvals"].any():
        st.caption(f"No approvals in the last {len(df)} weeks.")
        return
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="week starting"),
            y=alt.Y("approvals:Q", axis=_COUNTS),
            tooltip=["week", "approvals"],
        )
    )
    st.altair_chart(chart, width="stretch")
