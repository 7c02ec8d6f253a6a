"""Editing a claim's text (editors and admins): an Under Review or Approved claim goes back to
Submitted, and the previous text is kept in the claim's history."""

from __future__ import annotations

import streamlit as st

from kb.enums import ReviewStatus
from kb.models import Claim, User
from kb.permissions import Action, can
from kb.services.claims import edit_claim
from kb.ui import state


def show(*, user: User, claim: Claim, seen: int) -> None:
    """An expander with the claim's text to change; nothing for roles that may not edit claims."""
    if claim.id is None or not can(user, Action.claim_edit, claim):
        return
    claim_id = claim.id
    with st.expander("Edit the claim's text"):
        if claim.status != ReviewStatus.submitted.value:
            st.caption(f"Saving sends this {claim.status} claim back to Submitted.")
        # The key carries the version: after any change the box shows the stored text again.
        with st.form(f"edit_claim_form_{claim_id}_{claim.version}"):
            text = st.text_area(
                "Claim text", value=claim.text, key=f"edit_claim_text_{claim_id}_{claim.version}"
            )
            submitted = st.form_submit_button("Save text", key="edit_claim_save", type="primary")
    if submitted:
        state.act(
            lambda s: edit_claim(
                session=s, actor=user, claim_id=claim_id, text=text, seen_version=seen
            ),
            f"Claim {claim_id}: text saved.",
        )
