"""Article: its claims in order, coloured by status; the editor's marker mapping."""

from __future__ import annotations

import streamlit as st

from kb.enums import ReviewStatus
from kb.errors import KBError
from kb.permissions import Action, why_not
from kb.services.articles import (
    article_claims,
    derived_status,
    marker_choices,
    set_marker_mapping,
    status_counts,
)
from kb.ui import state
from kb.ui.navigation import ARTICLES_PAGE, CLAIM_PAGE
from kb.ui.text import md, status_badge

UNMAPPED = "(not mapped)"

user = state.require_user()
slug = str(st.session_state.get(state.ARTICLE) or "")
if not slug:
    st.info("Pick an article on the Articles page.")
    st.page_link(ARTICLES_PAGE, label="Articles")
    st.stop()
try:
    with state.session() as s:
        article, claims = article_claims(session=s, slug=slug)
except KBError as e:
    state.show_error(e)
    st.stop()
counts = status_counts(claims)

st.title(md(article.title or article.slug))
state.show_flash()
st.markdown(
    f"{status_badge(derived_status(counts))} · `{article.slug}` · "
    + " · ".join(f"{status_badge(k)} {v}" for k, v in counts.items() if v)
)
if claims:
    approved = counts[ReviewStatus.approved.value]
    st.progress(approved / len(claims), text="share of claims approved")
tab_claims, tab_markers = st.tabs(["Claims", "Marker mapping"])
with tab_claims:
    section: str | None = None
    for c in claims:
        if c.section != section:
            section = c.section
            st.subheader(md(section or "(no section)"))
        left, mid, right = st.columns([2, 9, 1])
        left.markdown(status_badge(c.status))
        printed = f" [{', '.join(c.markers)}]" if c.markers else ""
        mid.markdown(f"{c.position}. {md(c.text)}{md(printed)}")
        if c.open_flag_count:
            mid.caption(f"{c.open_flag_count} open flag(s)")
        if right.button("Open", key=f"open_claim_{c.id}"):
            state.open_page(state.CLAIM_ID, c.id, CLAIM_PAGE)
with tab_markers:
    markers = sorted({m for c in claims for m in c.markers or []}, key=lambda m: (len(m), m))
    current = dict(article.marker_map or {})
    if not markers:
        st.caption("This article prints no citation markers.")
    else:
        st.caption(
            "Which library reference each printed marker means. The page alone cannot always "
            "tell (five markers, three printed references): map them here."
        )
        reason = why_not(user, Action.article_map_markers)
        search = st.text_input(
            "Find another library reference (citekey, title, DOI or PMID)",
            key="markers_search",
            disabled=reason is not None,
        )
        _, found = state.attempt(
            lambda s: marker_choices(session=s, article=article, search=search)
        )
        keys = [UNMAPPED, *(found or [])]
        chosen: dict[str, str] = {}
        for m in markers:
            default = keys.index(current[m]) if current.get(m) in keys else 0
            chosen[m] = (
                st.selectbox(
                    f"Marker {m}",
                    keys,
                    index=default,
                    key=f"marker_{m}",
                    disabled=reason is not None,
                )
                or UNMAPPED
            )
        mapping = {m: k for m, k in chosen.items() if k != UNMAPPED and current.get(m) != k}
        if st.button(
            "Save mapping", key="markers_save", disabled=reason is not None or not mapping,
            help=f"not allowed: {reason}" if reason else None,
        ):  # fmt: skip
            state.act(
                lambda s: set_marker_mapping(session=s, actor=user, slug=slug, mapping=mapping),
                f"Mapped {', '.join(f'{m} -> {k}' for m, k in mapping.items())}.",
            )
        if reason:
            st.caption(md(f"not allowed: {reason}"))
