"""Ingest an article: paste or upload, preview the claims and flags, then save."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from kb.models import User
from kb.services.ingest import UPLOAD_TYPES, IngestResult, ingest_article, preview_article
from kb.ui import state
from kb.ui.navigation import ARTICLE_PAGE
from kb.ui.text import EMPTY, md

PREVIEW = "kb_ingest_preview"  # (fingerprint of the inputs, IngestResult)


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _show_preview(result: IngestResult) -> None:
    st.markdown(f"**{md(result.title)}** → slug `{result.slug}`")
    cols = st.columns(4)
    cols[0].metric("Claims", len(result.claims))
    cols[1].metric("Markers", len(result.markers))
    cols[2].metric("Printed references", len(result.references))
    cols[3].metric("Flags", sum(result.flags.values()))
    st.caption(md(f"Marker mapping: {result.mapping}"))
    for warning in result.warnings:
        st.warning(md(warning))
    if result.flags:
        st.dataframe(
            pd.DataFrame({"flag": list(result.flags), "claims": list(result.flags.values())}),
            hide_index=True,
            placeholder=EMPTY,
        )
    if result.references:
        st.dataframe(
            pd.DataFrame([r.as_dict() for r in result.references]),
            hide_index=True,
            placeholder=EMPTY,
        )
    st.dataframe(
        pd.DataFrame(result.claims, columns=["position", "section", "kind", "markers", "text"]),
        hide_index=True,
        placeholder=EMPTY,
    )


def show(*, user: User) -> None:
    """The ingest form (editors and admins)."""
    upload = st.file_uploader(
        "Upload an article: text, Markdown, HTML, Word (.docx) or JATS XML",
        type=UPLOAD_TYPES,
        key="ing_file",
    )
    pasted = st.text_area("…or paste the article", height=200, key="ing_text")
    cols = st.columns(2)
    title = cols[0].text_input("Title (optional: else the first heading)", key="ing_title")
    slug = cols[1].text_input("Slug (optional)", key="ing_slug")
    add_missing = st.checkbox(
        "Add printed references the library lacks (marked as taken from the article)",
        key="ing_add",
    )
    # An upload goes to the service as the file it is: the reader is chosen by name and content.
    text: str | bytes = upload.getvalue() if upload else pasted
    args = {
        "text": text,
        "filename": upload.name if upload else None,
        "title": title or None,
        "slug": slug or None,
        "add_missing": add_missing,
    }
    fingerprint = _fingerprint(*args.values())
    if st.button("Preview", key="ing_preview", disabled=not text.strip()):
        ok, result = state.attempt(lambda s: preview_article(session=s, actor=user, **args))  # type: ignore[arg-type]
        if ok and result is not None:
            st.session_state[PREVIEW] = (fingerprint, result)
    pending = st.session_state.get(PREVIEW)
    if not pending or pending[0] != fingerprint:
        return
    _show_preview(pending[1])
    if st.button("Save article", key="ing_save", type="primary"):
        ok, saved = state.attempt(lambda s: ingest_article(session=s, actor=user, **args))  # type: ignore[arg-type]
        if ok and saved is not None:
            st.session_state.pop(PREVIEW, None)
            state.flash(f"Article {saved.slug} saved with {len(saved.claims)} claims.")
            state.open_page(state.ARTICLE, saved.slug, ARTICLE_PAGE)
