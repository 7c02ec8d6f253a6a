"""The review buttons of a claim: enabled when the workflow allows them, else disabled with why."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import streamlit as st
from sqlmodel import Session

from kb.models import Claim, User
from kb.services import review
from kb.ui import state
from kb.ui.text import md
from kb.workflow import WorkflowAction

W = WorkflowAction
COMMENT = "review_comment"
SEEN = "kb_review_seen"  # (claim id, names of the actions the user saw enabled)
CLEAR = "kb_review_clear"  # set after an action: empty the comment box on the next run


class _ReviewService(Protocol):
    def __call__(
        self,
        *,
        session: Session,
        actor: User,
        claim_id: int,
        seen_version: int | None,
        comment: str,
    ) -> Claim: ...


_SERVICES: dict[WorkflowAction, _ReviewService] = {
    W.start_review: review.start_review,
    W.request_changes: review.request_changes,
    W.approve: review.approve,
    W.reopen: review.reopen,
}


def _call(
    action: WorkflowAction, user: User, claim_id: int, seen: int, comment: str
) -> Callable[[Session], object]:
    def call(s: Session) -> object:
        return _SERVICES[action](
            session=s, actor=user, claim_id=claim_id, seen_version=seen, comment=comment
        )

    return call


def show(
    *,
    user: User,
    claim_id: int,
    seen: int,
    actions: Sequence[tuple[WorkflowAction, bool, str | None]],
) -> None:
    """Buttons for every review action, with a comment box for the ones that need one.

    A button is enabled when the action is allowed now, or was when the user last saw the page:
    a click on what they saw reaches the service, which gives its exact refusal (a flag raised
    meanwhile: "cannot approve: 1 open flag: ...").
    """
    previous = st.session_state.get(SEEN)
    st.session_state[SEEN] = (claim_id, {a.name for a, allowed, _ in actions if allowed})
    was_allowed: set[str] = previous[1] if previous and previous[0] == claim_id else set()
    if st.session_state.pop(CLEAR, False):
        # Set before the widget exists, so the browser's box is emptied too (a pop would only
        # forget the server's copy, and the browser would send the old text with the next click).
        st.session_state[COMMENT] = ""
    comment = st.text_area(
        "Comment (required to request changes or to reopen)", key=COMMENT, height=80
    )
    cols = st.columns(len(actions))
    for (action, allowed, reason), col in zip(actions, cols, strict=True):
        clicked = col.button(
            action.value.capitalize(),
            key=f"review_{action.name}",
            disabled=not (allowed or action.name in was_allowed),
            help=reason,
            type="primary" if allowed and action is W.approve else "secondary",
        )
        if reason:
            col.caption(md(reason))
        if clicked:
            st.session_state.pop(SEEN, None)
            ok, _ = state.attempt(_call(action, user, claim_id, seen, comment))
            if ok:
                # The comment belonged to this action: the next one must not carry it along.
                st.session_state[CLEAR] = True
                state.flash(f"{action.value.capitalize()}: done on claim {claim_id}.")
                st.rerun()
