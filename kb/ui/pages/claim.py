"""Claim: the text in its article, citations, measures, flags, history, and what I may do now."""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.models import Claim
from kb.permissions import Action
from kb.permissions import why_not as permission_why_not
from kb.services.articles import article_claims
from kb.services.claims import claim_detail
from kb.ui import state
from kb.ui.components import citations, edit_claim, flags, history, review_actions
from kb.ui.navigation import CLAIMS_PAGE
from kb.ui.text import md, shown, status_badge, when
from kb.workflow import WorkflowAction, available_actions
from kb.workflow import why_not as workflow_why_not


def _refused(reason: str | None) -> str | None:
    return None if reason is None else f"not allowed: {reason}"


user = state.require_user()
claim_id = st.session_state.get(state.CLAIM_ID)
if claim_id is None:
    st.info("Pick a claim on the Claims page.")
    st.page_link(CLAIMS_PAGE, label="Claims")
    st.stop()
try:
    with state.session() as s:
        detail = claim_detail(s, claim_id)
        claim = s.get(Claim, claim_id)
        assert claim is not None
        actions = available_actions(session=s, actor=user, claim=claim)
        assess_reason = workflow_why_not(claim, WorkflowAction.assess, user, s)
        _, siblings = article_claims(session=s, slug=detail["article"])
        reasons = {
            a: _refused(permission_why_not(user, a, claim))
            for a in (Action.citation_link, Action.flag_raise, Action.flag_resolve,
                      Action.flag_dismiss)
        }  # fmt: skip
except KBError as e:
    state.show_error(e)
    st.stop()
seen = state.seen_version(claim_id, detail["version"])

st.title(f"Claim {claim_id}")
state.show_flash()
st.markdown(
    f"{status_badge(detail['status'])} · {md(detail['kind'])} · version {detail['version']} · "
    f"article **{md(detail['article_title'])}** ({md(detail['article'])}), "
    f"claim {detail['position']} of {len(siblings)}"
)
st.caption(
    md(
        f"Section: {shown(detail['section'])} · author {shown(detail['author'])} · "
        f"assignee {shown(detail['assignee'])} · updated {when(detail['updated_at'])} "
        f"by {shown(detail['updated_by'])}"
    )
)

index = next(i for i, c in enumerate(siblings) if c.id == claim_id)
before = siblings[index - 1] if index > 0 else None
after = siblings[index + 1] if index + 1 < len(siblings) else None
with st.container(border=True):
    if before is not None:
        st.caption(md(before.text))
    st.markdown(f"**{md(detail['text'])}**")
    if after is not None:
        st.caption(md(after.text))
# A row sized to the buttons' labels: fixed-width columns cut "Previous claim" to "Previous ...".
with st.container(horizontal=True):
    for other, label, key in ((before, "← Previous claim", "claim_prev"),
                              (after, "Next claim →", "claim_next")):  # fmt: skip
        if other is not None and st.button(label, key=key):
            st.session_state[state.CLAIM_ID] = other.id
            st.rerun()
edit_claim.show(user=user, claim=claim, seen=seen)

st.subheader("Review")
review_actions.show(user=user, claim_id=claim_id, seen=seen, actions=actions)

cited = [c["citekey"] for c in detail["citations"]]
tab_cit, tab_num, tab_flags, tab_hist = st.tabs(
    [
        f"Citations ({len(cited)})",
        f"Numbers ({len(detail['measures'])})",
        f"Flags ({detail['open_flag_count']} open)",
        f"History ({len(detail['history'])})",
    ]
)
with tab_cit:
    citations.show_list(detail["citations"])
    with st.expander("Assess a citation's stance"):
        citations.assess_form(
            user=user, claim_id=claim_id, seen=seen, citekeys=cited, reason=assess_reason
        )
    with st.expander("Link or unlink a reference"):
        citations.link_form(
            user=user,
            claim_id=claim_id,
            seen=seen,
            citekeys=cited,
            reason=reasons[Action.citation_link],
        )
with tab_num:
    history.measures(detail["measures"])
with tab_flags:
    flags.raise_button(user=user, claim_id=claim_id, seen=seen, reason=reasons[Action.flag_raise])
    flags.show_list(detail["flags"])
    flags.close_form(
        user=user,
        claim_id=claim_id,
        seen=seen,
        flags=detail["flags"],
        resolve_reason=reasons[Action.flag_resolve],
        dismiss_reason=reasons[Action.flag_dismiss],
    )
with tab_hist:
    history.timeline(detail["history"])
