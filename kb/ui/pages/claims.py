"""Claims: filter, page through with the query service's keyset cursor, open one."""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.services.queries import ClaimFilter, count_claims, query_claims
from kb.ui import state
from kb.ui.components import claim_filters, claim_table

PAGE_SIZE = 50
CURSORS = "kb_claims_cursors"  # stack of `after` cursors: [None, page-2 cursor, ...]
FILTER = "kb_claims_filter"  # the filter the stack belongs to


def _next(cursor: str) -> None:
    st.session_state[CURSORS] = [*st.session_state.get(CURSORS, [None]), cursor]


def _previous() -> None:
    stack = st.session_state.get(CURSORS, [None])
    st.session_state[CURSORS] = stack[:-1] or [None]


state.require_user()
st.title("Claims")
state.show_flash()
filters = claim_filters.show(key="claims")
if filters is None:
    st.stop()
assert isinstance(filters, ClaimFilter)
if st.session_state.get(FILTER) != filters:
    st.session_state[FILTER] = filters
    st.session_state[CURSORS] = [None]
stack: list[str | None] = st.session_state.get(CURSORS) or [None]
try:
    with state.session() as s:
        page = query_claims(session=s, filters=filters, after=stack[-1], limit=PAGE_SIZE)
        total = count_claims(session=s, filters=filters)
except KBError as e:
    state.show_error(e)
    st.stop()
first = (len(stack) - 1) * PAGE_SIZE
shown = f"{first + 1}-{first + len(page.rows)}" if page.rows else "0"
st.caption(f"{shown} of {total:,} claims (page {len(stack)})")
claim_table.show(page.rows, key="claims")
with st.container(horizontal=True):
    st.button("Previous", key="claims_prev", disabled=len(stack) == 1, on_click=_previous)
    st.button(
        "Next",
        key="claims_next",
        disabled=page.next_cursor is None,
        on_click=_next,
        args=(page.next_cursor,),
    )
