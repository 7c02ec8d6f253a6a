"""Altair charts of small aggregates (never a row per claim)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from kb.enums import ReviewStatus

AXIS_HEIGHT = 60  # px of an x axis with its labels and title, below horizontal bars
_STATUS_SCALE = alt.Scale(
    domain=[s.value for s in ReviewStatus],
    range=["#1c83e1", "#ff8700", "#21c354"],
)


def bars(counts: Mapping[str, int], *, label: str, value: str = "claims") -> None:
    """A horizontal bar per key, in the given order."""
    df = pd.DataFrame({label: list(counts), value: list(counts.values())})
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=value),
            y=alt.Y(f"{label}:N", sort=list(counts), title=None),
            tooltip=[label, value],
        )
    )
    st.altair_chart(chart, width="stretch")


def status_bars(counts: Mapping[str, int]) -> None:
    """Claims by status, coloured like the status badges."""
    df = pd.DataFrame({"status": list(counts), "claims": list(counts.values())})
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("claims:Q"),
            y=alt.Y("status:N", sort=[s.value for s in ReviewStatus], title=None),
            color=alt.Color("status:N", scale=_STATUS_SCALE, legend=None),
            tooltip=["status", "claims"],
        )
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
            y=alt.Y("article:N", sort=[str(r["slug"]) for r in rows], title=None),
            color=alt.Color("status:N", scale=_STATUS_SCALE, title="status"),
            order=alt.Order("order:Q"),
            tooltip=["article", "status", "claims"],
        )
        # Streamlit sizes the chart with autosize "fit": the height includes the x axis.
        .properties(height=AXIS_HEIGHT + 28 * len(rows))
    )
    st.altair_chart(chart, width="stretch")


def weekly(rows: Sequence[Mapping[str, object]]) -> None:
    """Approvals per week as bars."""
    df = pd.DataFrame(list(rows), columns=["week", "approvals"])
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="week starting"),
            y=alt.Y("approvals:Q"),
            tooltip=["week", "approvals"],
        )
    )
    st.altair_chart(chart, width="stretch")
