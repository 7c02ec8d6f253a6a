"""The claim filters shared by the Claims and Export pages -> a validated ClaimFilter."""

from __future__ import annotations

import streamlit as st

from kb.enums import STUDY_TYPES, FlagKind, ReviewStatus
from kb.errors import KBError
from kb.services.queries import ClaimFilter
from kb.ui import state

LEVELS = sorted({s.level for s in STUDY_TYPES if s.level is not None})


def show(*, key: str) -> ClaimFilter | None:
    """Render the filters (widget keys prefixed with key); None after showing why they are bad."""
    with st.container(border=True):
        top = st.columns([2, 3])
        article = top[0].text_input("Article (slug)", key=f"{key}_article")
        text = top[1].text_input("Text search (whole words)", key=f"{key}_text")
        cols = st.columns(4)
        status = cols[0].multiselect("Status", [s.value for s in ReviewStatus], key=f"{key}_status")
        study = cols[1].multiselect(
            "Best study type",
            [s.code for s in STUDY_TYPES],
            format_func=lambda c: next(s.label for s in STUDY_TYPES if s.code == c),
            key=f"{key}_study",
        )
        level = cols[2].multiselect("Evidence level", LEVELS, key=f"{key}_level")
        flag = cols[3].multiselect("Open flag kind", [k.value for k in FlagKind], key=f"{key}_flag")
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
