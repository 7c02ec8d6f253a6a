"""A claim's history timeline and its measures with their consistency checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kb.ui.text import Colour, md, shown, status_badge, when


def timeline(events: Sequence[Mapping[str, Any]]) -> None:
    """Newest first: who did what, when, and the status change."""
    if not events:
        st.caption("No history.")
    for e in reversed(events):
        move = ""
        if e["from_status"] and e["to_status"] and e["from_status"] != e["to_status"]:
            move = f" {status_badge(e['from_status'])} → {status_badge(e['to_status'])}"
        elif e["to_status"] and not e["from_status"]:
            move = f" → {status_badge(e['to_status'])}"
        st.markdown(
            f"**{md(e['action'])}**{move} · {md(shown(e['actor']))} ({md(shown(e['role']))}) · "
            f"{md(when(e['at']))} · v{md(e['version'])}"
        )
        if e["comment"]:
            st.caption(md(e["comment"]))


def _consistency(m: Mapping[str, Any]) -> tuple[str, Colour]:
    if m["consistent"] is True:
        return "consistent", "green"
    if m["consistent"] is False:
        return "inconsistent", "red"
    return "not checked", "gray"


def measures(rows: Sequence[Mapping[str, Any]]) -> None:
    """Each parsed number with a consistency badge and the checks' explanation."""
    if not rows:
        st.caption("No numbers found in this claim.")
    for m in rows:
        with st.container(border=True):
            label, colour = _consistency(m)
            left, right = st.columns([1, 4])
            left.badge(label, color=colour)
            right.markdown(f"**{md(m['kind'])}**: {md(m['text'])}")
            if m.get("check_explanation"):
                st.caption(md(m["check_explanation"]))
            for problem in m.get("problems") or []:
                st.caption("⚠ " + md(problem))
