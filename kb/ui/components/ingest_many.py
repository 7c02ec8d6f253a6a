"""Ingest several uploaded articles at once: each its own transaction, one report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.models import User
from kb.services.ingest.batch import ARTICLE_SUFFIXES, ArticleFile, BatchReport, ingest_files
from kb.ui import state
from kb.ui.text import EMPTY, md

REPORT = "kb_ingest_many_report"  # the last BatchReport, shown until the next run of the form


def _report(report: BatchReport) -> None:
    totals = report.as_dict()
    summary = (
        f"{totals['ingested']} ingested ({totals['claims']} claims, {totals['flags']} flags), "
        f"{totals['refused']} refused"
    )
    (st.warning if report.refused else st.success)(md(summary))
    rows = [
        {
            "file": f.file,
            "outcome": "ingested" if f.ingested else "refused",
            "article": f.slug or "",
            "claims": f.claims,
            "flags": ", ".join(f"{kind} {n}" for kind, n in f.flags.items()),
            "why refused": f.error or "",
        }
        for f in report.files
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, placeholder=EMPTY)


def show(*, user: User) -> None:
    """Several files in, each article ingested in its own transaction, a row per file out."""
    uploads = st.file_uploader(
        "Upload articles (several at once)",
        type=[s.lstrip(".") for s in ARTICLE_SUFFIXES],
        accept_multiple_files=True,
        key="ingm_files",
    )
    add_missing = st.checkbox(
        "Add printed references the library lacks (marked as taken from the article)",
        key="ingm_add",
    )
    label = f"Ingest {len(uploads)} files" if uploads else "Ingest"
    if st.button(label, key="ingm_go", type="primary", disabled=not uploads):
        files = [ArticleFile(u.name, u.getvalue) for u in uploads or []]
        bar = st.progress(0.0, text=f"Ingesting {len(files)} files")

        def show_progress(done: int, total: int | None) -> None:
            share = done / total if total else 0.0
            bar.progress(min(share, 1.0), text=f"Ingested {done} of {total} files")

        ok, report = state.attempt(
            lambda s: ingest_files(
                session=s, actor=user, files=files, add_missing=add_missing,
                progress=show_progress,
            )
        )  # fmt: skip
        if ok and report is not None:
            st.session_state[REPORT] = report
        else:
            bar.empty()
    report = st.session_state.get(REPORT)
    if report is not None:
        _report(report)
