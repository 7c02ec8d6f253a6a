"""References: search and filter the library, open one, import a reference file, download the
library."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.enums import STUDY_TYPES
from kb.permissions import Action, why_not
from kb.services.references import EXPORT_FORMATS, export_references, list_references
from kb.ui import state
from kb.ui.components import bib_import
from kb.ui.navigation import REFERENCE_PAGE
from kb.ui.text import EMPTY, md

LIMIT = 200
BIB = "kb_bib_download"

user = state.require_user()
st.title("References")
state.show_flash()
tab_lib, tab_import, tab_export = st.tabs(["Library", "Import", "Download"])
with tab_lib:
    cols = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    search = cols[0].text_input("Search (citekey, title words, DOI, PMID)", key="refs_q")
    study = cols[1].selectbox(
        "Study type", [None] + [s.code for s in STUDY_TYPES], key="refs_type",
        format_func=lambda c: "any" if c is None else c,
    )  # fmt: skip
    uncited = cols[2].checkbox("Uncited", key="refs_uncited")
    retracted = cols[3].checkbox("Retracted", key="refs_retracted")
    ok, rows = state.attempt(
        lambda s: list_references(
            session=s, study_type=study, uncited=uncited, retracted=retracted,
            search=search or None, limit=LIMIT,
        )
    )  # fmt: skip
    refs = rows or []
    st.caption(f"{len(refs)} references" + (f" (first {LIMIT})" if len(refs) == LIMIT else ""))
    if refs:
        table = pd.DataFrame(refs)
        table["authors"] = table["authors"].map(lambda a: "; ".join(a))
        event = st.dataframe(
            table, hide_index=True, placeholder=EMPTY, on_select="rerun",
            selection_mode="single-row", key="refs_table",
        )  # fmt: skip
        if event is not None and event.selection.rows:
            state.open_page(state.REFERENCE, refs[event.selection.rows[0]]["citekey"],
                            REFERENCE_PAGE)  # fmt: skip
        keys = [r["citekey"] for r in refs]
        pick = st.selectbox("Open reference", keys, key="refs_pick")
        if st.button("Open", key="refs_open") and pick:
            state.open_page(state.REFERENCE, pick, REFERENCE_PAGE)
with tab_import:
    reason = why_not(user, Action.reference_import)
    if reason:
        st.button("Import", key="bib_disabled", disabled=True, help=f"not allowed: {reason}")
        st.caption(md(f"not allowed: {reason}"))
    else:
        bib_import.show(user=user)
with tab_export:
    st.caption("The whole library, with kb's study type and retraction status of each reference.")
    labels = {"bib": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}
    fmt = st.radio(
        "Format", list(EXPORT_FORMATS), format_func=labels.__getitem__, horizontal=True,
        key="bib_format",
    )  # fmt: skip
    if st.button("Prepare download", key="bib_prepare"):
        ok, text = state.attempt(lambda s: export_references(session=s, format=fmt))
        if ok and text is not None:
            st.session_state[BIB] = (fmt, text.encode("utf-8"))
    prepared = st.session_state.get(BIB)
    if prepared is not None:
        done, data = prepared
        name = f"references{EXPORT_FORMATS[done]}"
        mime = {"bib": "application/x-bibtex", "ris": "application/x-research-info-systems"}
        st.download_button(
            f"Download {name}", data, file_name=name,
            mime=mime.get(done, "application/vnd.citationstyles.csl+json"), key="bib_download",
        )  # fmt: skip
