"""A claim's citations: the list (stance, quote, study type, level, year, retraction), assessing
a stance with a quote, and linking or unlinking library references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kb.enums import RetractionStatus, Stance
from kb.models import User
from kb.services.claims import assess_stance, link_citation, unlink_citation
from kb.services.references import list_references
from kb.ui import state
from kb.ui.text import Colour, md, shown

STANCE_COLOURS: dict[str, Colour] = {
    Stance.supports.value: "green",
    Stance.partially_supports.value: "green",
    Stance.refutes.value: "red",
    Stance.not_found.value: "orange",
    Stance.background_only.value: "gray",
    Stance.not_assessed.value: "gray",
}


def show_list(citations: Sequence[Mapping[str, Any]]) -> None:
    """One block per citation."""
    if not citations:
        st.info("No citations.")
    for c in citations:
        with st.container(border=True):
            marker = f"[{c['marker']}]" if c["marker"] else "(no marker)"
            st.markdown(
                f"**{md(marker)} {md(c['citekey'])}**: {md(c['title'] or 'untitled')} "
                f"({md(c['year'] or 'n.d.')})"
            )
            badges = st.columns([1, 1, 3])
            badges[0].badge(c["stance"], color=STANCE_COLOURS.get(c["stance"], "gray"))
            if c["retraction"] != RetractionStatus.none.value:
                badges[1].badge(c["retraction"], icon=":material/warning:", color="red")
            badges[2].caption(md(f"{c['study_type_label']}; evidence level {shown(c['level'])}"))
            if c["quote"]:
                st.markdown("> " + md(c["quote"]))
            if c["locator"] or c["assessed_by"]:
                st.caption(md(f"{c['locator'] or ''} assessed by {shown(c['assessed_by'])}"))


def assess_form(
    *, user: User, claim_id: int, seen: int, citekeys: list[str], reason: str | None
) -> None:
    """Record a citation's stance with the quote that shows it."""
    if reason:
        st.button("Assess stance", key="assess_disabled", disabled=True, help=reason)
        st.caption(md(reason))
        return
    if not citekeys:
        st.caption("Link a reference first.")
        return
    with st.form("assess_form"):
        key = st.selectbox("Citation", citekeys, key="assess_key")
        stance = st.selectbox("Stance", [s.value for s in Stance], key="assess_stance")
        quote = st.text_area("Quote from the source", key="assess_quote", height=80)
        locator = st.text_input("Where (page, table)", key="assess_locator")
        submitted = st.form_submit_button("Save assessment")
    if submitted and key:
        state.act(
            lambda s: assess_stance(
                session=s, actor=user, claim_id=claim_id, citekey=key, stance=stance,
                seen_version=seen, quote=quote, locator=locator,
            ),
            f"{key}: {stance}.",
        )  # fmt: skip


def link_form(
    *, user: User, claim_id: int, seen: int, citekeys: list[str], reason: str | None
) -> None:
    """Search the library and cite a reference; or remove a citation."""
    if reason:
        st.button("Link a reference", key="link_disabled", disabled=True, help=reason)
        st.caption(md(reason))
        return
    query = st.text_input("Search the library (citekey, title words, DOI, PMID)", key="link_q")
    found: list[dict[str, Any]] = []
    if query.strip():
        _, result = state.attempt(lambda s: list_references(session=s, search=query, limit=25))
        found = result or []
    if found:
        labels = {r["citekey"]: f"{r['citekey']}: {r['title'] or ''} ({r['year'] or 'n.d.'})"
                  for r in found}  # fmt: skip
        key = st.selectbox(
            "Reference", list(labels), format_func=lambda k: labels[k], key="link_key"
        )
        marker = st.text_input("Marker as printed (optional)", key="link_marker")
        if st.button("Link", key="link_go") and key:
            state.act(
                lambda s: link_citation(
                    session=s, actor=user, claim_id=claim_id, citekey=key,
                    seen_version=seen, marker=marker or None,
                ),
                f"Linked {key}.",
            )  # fmt: skip
    elif query.strip():
        st.caption("No reference matches.")
    if citekeys:
        drop = st.selectbox("Remove a citation", citekeys, key="unlink_key")
        if st.button("Unlink", key="unlink_go") and drop:
            state.act(
                lambda s: unlink_citation(
                    session=s, actor=user, claim_id=claim_id, citekey=drop, seen_version=seen
                ),
                f"Unlinked {drop}.",
            )
