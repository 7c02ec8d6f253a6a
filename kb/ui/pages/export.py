"""Export: pick a table, see which claims the Claims page's filters match (change or clear them
here), preview, download CSV, Excel or Parquet."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from kb.errors import KBError
from kb.export import FRAME_NAMES
from kb.permissions import Action
from kb.services.export import export_frame, iter_frame
from kb.services.queries import count_claims
from kb.ui import state
from kb.ui.components import claim_filters
from kb.ui.text import EMPTY, md

PREVIEW_ROWS = 20
FILE = "kb_export_file"  # (settings fingerprint, file name, bytes)
FORMATS = {"CSV": ("csv", "text/csv"), "Excel": ("xlsx", None), "Parquet": ("parquet", None)}
# What the rows of each table are, for the claims the filters match.
ROWS_OF = {
    "claims": "one row per claim",
    "citations": "their citations",
    "measures": "the numbers they report",
    "flags": "their flags",
    "events": "their review history",
    "references": "the references they cite",
}


def _claims(n: int) -> str:
    return f"{n:,} claim" + ("" if n == 1 else "s")


user = state.require_user(Action.export)
st.title("Export")
frame = st.selectbox("Table", FRAME_NAMES, key="export_frame")
st.caption("The filters are the Claims page's: what it lists is what you export here.")
filters = claim_filters.show(key="export")
if filters is None:
    st.stop()
try:
    with state.session() as s:
        matching = count_claims(session=s, filters=filters)
        chunks = iter_frame(
            session=s, frame=frame, filters=filters, actor=user, chunk_size=PREVIEW_ROWS
        )
        head = next(iter(chunks), None)
except KBError as e:
    state.show_error(e)
    st.stop()
active = claim_filters.describe(filters)
# Unfiltered, the references table is the whole library, cited or not.
rows_of = "every reference" if frame == "references" and not active else ROWS_OF[frame]
verb = "matches" if matching == 1 else "match"
st.markdown(
    f"**{_claims(matching)}** "
    + (f"{verb} {md(active)}" if active else "(no filter: every claim)")
    + f" · {md(rows_of)}"
)
st.caption(f"First rows of the {frame} table with these filters:")
if head is None or head.empty:
    st.info("No rows match.")
else:
    st.dataframe(head.head(PREVIEW_ROWS), hide_index=True, placeholder=EMPTY)

fmt_label = st.radio("Format", list(FORMATS), horizontal=True, key="export_format")
suffix, mime = FORMATS[fmt_label]
fingerprint = repr((frame, filters, suffix))
if st.button("Build file", key="export_build", type="primary"):
    name = f"kb-{frame}.{suffix}"
    unit = "references" if frame == "references" else "claims"
    bar = st.progress(0.0, text=f"Building {name}")

    def show(done: int, total: int | None) -> None:
        of = f" of {total:,}" if total is not None else ""
        share = done / total if total else 0.0
        bar.progress(min(share, 1.0), text=f"Building {name}: {done:,}{of} {unit}")

    try:
        with tempfile.TemporaryDirectory() as tmp, state.session() as s:
            path = Path(tmp) / name
            rows = export_frame(
                session=s, frame=frame, path=path, fmt=suffix, filters=filters, actor=user,
                progress=show,
            )  # fmt: skip
            st.session_state[FILE] = (fingerprint, name, path.read_bytes(), rows)
    except KBError as e:
        bar.empty()  # the error below says what went wrong
        state.show_error(e)
built = st.session_state.get(FILE)
if built and built[0] == fingerprint:
    _, name, data, rows = built
    st.download_button(
        f"Download {name} ({rows:,} rows)", data, file_name=name, mime=mime,
        key="export_download", on_click="ignore",  # saving the file changes nothing here
    )  # fmt: skip
