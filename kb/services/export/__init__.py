"""Export use cases: the claim tables read from the database and written to files.

A service package: reads the database through kb.services.queries' claim filter, checks
kb.permissions, and hands frames to the pure kb.export writers; never streamlit.

Frames: claims, citations, measures, flags, events, references (columns in kb.export.columns and
the README). Formats: CSV (optionally with a BOM for Excel), Excel, Parquet, JSON Lines. Large
exports stream in keyset chunks, so memory stays flat at any size.

Permission: with an actor, exporting needs Action.export (every role has it but a disabled
account); actor None is the trusted operator (the CLI without --as).
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from kb.errors import InvalidInput
from kb.export.columns import FRAME_NAMES
from kb.export.writers import (
    atomic_target,
    format_of,
    write_csv,
    write_jsonl,
    write_parquet,
    write_xlsx,
)
from kb.models import User
from kb.permissions import Action, require
from kb.services.export.frames import CHUNK_ROWS, build_frame, iter_frame
from kb.services.progress import Progress, tracked
from kb.services.queries import ClaimFilter


def export_frame(
    *,
    session: Session,
    frame: str,
    path: Path,
    fmt: str | None = None,
    filters: ClaimFilter | None = None,
    actor: User | None = None,
    bom: bool = False,
    chunk_size: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> int:
    """Write one frame to path (format from fmt or the suffix); returns the rows written.

    progress, when given, is told the claims written so far (the references table: references)
    against their total.
    """
    path = Path(path)
    chosen = format_of(path, fmt)
    chunks = iter_frame(
        session=session, frame=frame, filters=filters, actor=actor, chunk_size=chunk_size,
        progress=progress,
    )  # fmt: skip
    with atomic_target(path) as tmp:
        if chosen == "csv":
            return write_csv(chunks, frame, tmp, bom=bom)
        if chosen == "parquet":
            return write_parquet(chunks, frame, tmp)
        if chosen == "jsonl":
            return write_jsonl(chunks, frame, tmp)
        return write_xlsx([(frame, chunks)], tmp)[frame]


def export_bundle(
    *,
    session: Session,
    path: Path,
    filters: ClaimFilter | None = None,
    actor: User | None = None,
    chunk_size: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Every frame as one sheet of an Excel workbook; returns rows written per sheet.

    progress, when given, is told the sheets written so far against their number.
    """
    path = Path(path)
    if format_of(path) != "xlsx":
        raise_bundle_format(path)
    if actor is not None:
        require(actor, Action.export)
    # Build every iterator first: each validates the filters before the file is opened.
    sheets = [
        (
            name,
            iter_frame(
                session=session, frame=name, filters=filters, actor=actor, chunk_size=chunk_size
            ),
        )
        for name in FRAME_NAMES
    ]
    sized = tracked(sheets, lambda _sheet: 1, len(sheets), progress)
    with atomic_target(path) as tmp:
        return write_xlsx(sized, tmp)


def raise_bundle_format(path: Path) -> None:
    """The bundle is a workbook: refuse other suffixes."""
    raise InvalidInput(f"the bundle is an Excel workbook: name it .xlsx, not {path.name!r}")


__all__ = [
    "CHUNK_ROWS",
    "build_frame",
    "export_bundle",
    "export_frame",
    "iter_frame",
]
