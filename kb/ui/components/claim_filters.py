"""The claim filters shared by the Claims and Export pages -> a validated ClaimFilter.

Both pages show the same filters: the values live under one session_state key that this
component owns (FILTERS), not in the widgets, whose state Streamlit forgets when a page without
them runs. What an analyst filters on the Claims page is what the Export page exports, and a
change or "Clear filters" on either page shows on the other.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from kb.enums import STUDY_TYPE_BY_CODE, STUDY_TYPES, FlagKind, ReviewStatus
from kb.errors import KBError
from kb.services.queries import ClaimFilter
from kb.ui import state

LEVELS = sorted({s.level for s in STUDY_TYPES if s.level is not None})
FILTERS = "kb_claim_filters"  # {field: widget value}, shared by every page showing the filters
EMPTY: dict[str, Any] = {
    "article": "",
    "text": "",
    "status": [],
    "study": [],
    "level": [],
    "flag": [],
}


def values() -> dict[str, Any]:
    """The shared filter values (empty ones when none were set)."""
    saved = st.session_state.get(FILTERS) or {}
    return {field: saved.get(field, empty) for field, empty in EMPTY.items()}


def _store(key: str, field: str) -> None:
    st.session_state[FILTERS] = {**values(), field: st.session_state[f"{key}_{field}"]}


def _clear(key: str) -> None:
    st.session_state[FILTERS] = dict(EMPTY)
    for field, empty in EMPTY.items():
        st.session_state[f"{key}_{field}"] = empty


def show(*, key: str) -> ClaimFilter | None:
    """Render the filters (widget keys prefixed with key) with the shared values and a "Clear
    filters" button; None after showing why they are bad."""
    saved = values()
    for field, value in saved.items():
        # Before the widgets exist: they show the shared values, whichever page set them.
        st.session_state[f"{key}_{field}"] = value

    def changed(field: str) -> dict[str, Any]:
        return {"key": f"{key}_{field}", "on_change": _store, "args": (key, field)}

    with st.container(border=True):
        top = st.columns([2, 3])
        article = top[0].text_input("Article (slug)", **changed("article"))
        text = top[1].text_input("Text search (whole words)", **changed("text"))
        cols = st.columns(4)
        status = cols[0].multiselect("Status", [s.value for s in ReviewStatus], **changed("status"))
        study = cols[1].multiselect(
            "Best study type",
            [s.code for s in STUDY_TYPES],
            format_func=lambda c: STUDY_TYPE_BY_CODE[c].label,
            **changed("study"),
        )
        level = cols[2].multiselect("Evidence level", LEVELS, **changed("level"))
        flag = cols[3].multiselect("Open flag kind", [k.value for k in FlagKind], **changed("flag"))
        st.button(
            "Clear filters",
            key=f"{key}_clear",
            on_click=_clear,
            args=(key,),
            disabled=saved == EMPTY,
        )
    try:
        return ClaimFilter(
            article=article or None,
            status=status,
            study_type=study,
            evidence_level=level,
            flag_kind=flag,
            text=text or None,
        )
    except KBError as e:
        state.show_error(e)
        return None


def describe(filters: ClaimFilter) -> str:
    """The active filters in words, as the analyst set them ("" when none)."""
    parts = []
    if filters.article:
        parts.append(f"article {filters.article}")
    if filters.text:
        parts.append(f"text “{filters.text}”")
    if filters.status:
        parts.append("status " + " or ".join(filters.status))
    if filters.study_type:
        labels = (STUDY_TYPE_BY_CODE[c].label for c in filters.study_type)
        parts.append("best study type " + " or ".join(labels))
    if filters.evidence_level:
        parts.append("evidence level " + " or ".join(map(str, filters.evidence_level)))
    if filters.flag_kind:
        parts.append("open flag " + " or ".join(filters.flag_kind))
    return "; ".join(parts)
