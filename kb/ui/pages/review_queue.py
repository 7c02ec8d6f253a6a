"""Review queue: claims Submitted or Under Review, the ones assigned to me first, with counts."""

from __future__ import annotations

import streamlit as st

from kb.enums import ReviewStatus
from kb.errors import KBError
from kb.permissions import Action
from kb.services.queries import ClaimFilter, count_claims, query_claims
from kb.ui import state
from kb.ui.components import claim_table

OPEN = [ReviewStatus.submitted.value, ReviewStatus.under_review.value]
PAGE_SIZE = 50

user = state.require_user(Action.review_start)
st.title("Review queue")
state.show_flash()
mine = ClaimFilter(status=OPEN, reviewer=user.email)
try:
    with state.session() as s:
        counts = {
            status: count_claims(session=s, filters=ClaimFilter(status=[status])) for status in OPEN
        }
        my_count = count_claims(session=s, filters=mine)
        my_rows = query_claims(session=s, filters=mine, limit=PAGE_SIZE).rows
        waiting = query_claims(
            session=s, filters=ClaimFilter(status=[ReviewStatus.submitted.value]), limit=PAGE_SIZE
        ).rows
        others = ClaimFilter(status=[ReviewStatus.under_review.value], not_reviewer=user.email)
        others_count = count_claims(session=s, filters=others)
        others_rows = query_claims(session=s, filters=others, limit=PAGE_SIZE).rows
except KBError as e:
    state.show_error(e)
    st.stop()

cols = st.columns(3)
cols[0].metric("Assigned to me", my_count)
cols[1].metric("Submitted", counts[ReviewStatus.submitted.value])
cols[2].metric("Under Review", counts[ReviewStatus.under_review.value])

st.subheader(f"Assigned to me ({my_count})")
claim_table.show(my_rows, key="queue_mine", columns=claim_table.QUEUE_COLUMNS)
st.subheader(f"Waiting for a reviewer: Submitted ({counts[ReviewStatus.submitted.value]})")
claim_table.show(waiting, key="queue_submitted", columns=claim_table.QUEUE_COLUMNS)
st.subheader(f"Under Review by others ({others_count})")
claim_table.show(others_rows, key="queue_review", columns=claim_table.QUEUE_COLUMNS)
st.caption(f"Each list shows the {PAGE_SIZE} most recently updated; use Claims to filter more.")
