"""Reference: its fields, and every claim that cites it with the stance taken."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.enums import RetractionStatus
from kb.errors import KBError
from kb.services.references import reference_detail
from kb.ui import state
from kb.ui.navigation import CLAIM_PAGE, REFERENCES_PAGE
from kb.ui.text import EMPTY, md, shown

state.require_user()
citekey = st.session_state.get(state.REFERENCE)
if not citekey:
    st.info("Pick a reference on the References page.")
    st.page_link(REFERENCES_PAGE, label="References")
    st.stop()
try:
    with state.session() as s:
        ref = reference_detail(session=s, citekey=citekey)
except KBError as e:
    state.show_error(e)
    st.stop()

st.title(md(ref["citekey"]))
if ref["retraction"] != RetractionStatus.none.value:
    st.badge(ref["retraction"], icon=":material/warning:", color="red")
    if ref["retraction_note"]:
        st.caption(md(ref["retraction_note"]))
st.markdown(f"**{md(ref['title'] or 'untitled')}**")
st.caption(md("; ".join(ref["authors"]) or "no authors"))
where = [ref["journal"], ref["year"], ref["volume"], ref["number"], ref["pages"]]
st.caption(md(" · ".join(str(w) for w in where if w)))
cols = st.columns(4)
cols[0].metric(
    "Study type", ref["study_type"] + (" (inferred)" if ref["study_type_inferred"] else "")
)
cols[1].metric("Evidence level", shown(ref["evidence_level"]))
cols[2].metric("Cited by", ref["cited_by"])
cols[3].metric("Articles", len(ref["articles"]))
if ref["doi"] or ref["pmid"]:
    st.caption(md(f"DOI {shown(ref['doi'])} · PMID {shown(ref['pmid'])}"))
if ref["abstract"]:
    with st.expander("Abstract"):
        st.markdown(md(ref["abstract"]))

st.subheader("Cited by")
cited = ref["cited_by_claims"]
if not cited:
    st.caption("No claim cites this reference.")
else:
    st.dataframe(
        pd.DataFrame(cited)[["claim_id", "article", "position", "claim_status", "marker",
                             "stance", "quote", "claim_text"]],
        hide_index=True, placeholder=EMPTY,
    )  # fmt: skip
    ids = [c["claim_id"] for c in cited]
    pick = st.selectbox("Open claim", ids, key="ref_claim_pick")
    if st.button("Open claim", key="ref_claim_open") and pick is not None:
        state.open_page(state.CLAIM_ID, pick, CLAIM_PAGE)
