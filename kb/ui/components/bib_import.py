"""Upload a reference file (BibTeX, RIS, MEDLINE, PubMed XML, CSL-JSON) and read the import
report (problems with line or record number and key, duplicates)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.models import User
from kb.services.references import ImportReport, import_file
from kb.ui import state
from kb.ui.text import EMPTY, md

REPORT = "kb_bib_report"


def show_report(report: ImportReport) -> None:
    """Counts, then every problem and possible duplicate."""
    if report.refused:
        st.error(
            md(
                f"Nothing imported: {len(report.problems)} problem(s) in {report.source}. "
                "Fix them, or tick “skip bad entries” to import the rest."
            )
        )
    elif report.written:
        st.success(md(f"Imported {report.source}."))
    cols = st.columns(5)
    cols[0].metric("Entries", report.entries)
    cols[1].metric("Created", len(report.created))
    cols[2].metric("Updated", len(report.updated))
    cols[3].metric("Unchanged", report.unchanged)
    cols[4].metric("Skipped", len(report.skipped))
    if report.problems:
        st.markdown("**Problems**")
        st.dataframe(
            pd.DataFrame([p.as_dict() for p in report.problems]), hide_index=True, placeholder=EMPTY
        )
    if report.possible_duplicates:
        st.markdown("**Possible duplicates** (not merged: check and merge by hand)")
        st.dataframe(
            pd.DataFrame(
                [
                    {"first": d.citekeys[0], "second": d.citekeys[1], "why": d.reason}
                    for d in report.possible_duplicates
                ]
            ),
            hide_index=True,
            placeholder=EMPTY,
        )
    if report.unknown_study_type:
        st.caption(md("No study type: " + ", ".join(report.unknown_study_type)))


def show(*, user: User) -> None:
    """The upload form; the report stays until the next import."""
    upload = st.file_uploader(
        "Reference file: BibTeX (.bib), RIS (.ris), MEDLINE (.nbib, .txt), PubMed XML (.xml) or "
        "CSL-JSON (.json)",
        type=["bib", "ris", "nbib", "txt", "xml", "json"],
        key="bib_file",
    )
    skip_bad = st.checkbox("Skip bad entries (import the good ones)", key="bib_skip")
    if st.button("Import", key="bib_import", disabled=upload is None) and upload is not None:
        bar = st.progress(0.0, text=f"Reading {md(upload.name)}")

        def show_progress(done: int, total: int | None) -> None:
            share = done / total if total else 0.0
            bar.progress(min(share, 1.0), text=f"Stored {done:,} of {total or 0:,} references")

        ok, report = state.attempt(
            lambda s: import_file(
                session=s, actor=user, data=upload.getvalue(), name=upload.name,
                skip_bad=skip_bad, progress=show_progress,
            )
        )  # fmt: skip
        bar.empty()  # the report below says what was stored
        if ok and report is not None:
            st.session_state[REPORT] = report
    report = st.session_state.get(REPORT)
    if report is not None:
        show_report(report)
