"""Dashboard: claims by status, open flags by kind, evidence levels, approvals per week."""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.services import dashboard
from kb.ui import state
from kb.ui.components import charts

state.require_user()
st.title("Dashboard")
try:
    with state.session() as s:
        by_status = dashboard.claims_by_status(session=s)
        flags = dashboard.open_flags_by_kind(session=s)
        levels = dashboard.evidence_levels(session=s)
        weekly = dashboard.approvals_per_week(session=s)
except KBError as e:
    state.show_error(e)
    st.stop()

cols = st.columns(len(by_status) + 1)
cols[0].metric("Claims", f"{sum(by_status.values()):,}")
for col, (status, n) in zip(cols[1:], by_status.items(), strict=True):
    col.metric(status, f"{n:,}")
left, right = st.columns(2)
with left:
    st.subheader("Claims by status")
    charts.status_bars(by_status)
    st.subheader("Best supporting evidence level")
    st.caption("1 = strongest (guidelines, systematic reviews); none = no supporting citation.")
    charts.bars(levels, label="level")
with right:
    st.subheader("Open flags by kind")
    if flags:
        charts.bars(flags, label="kind", value="open flags")
    else:
        st.caption("No open flags.")
    st.subheader("Approvals per week")
    charts.weekly(weekly)
