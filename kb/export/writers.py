"""Writers for streamed frames: CSV, Excel, Parquet, JSON Lines; and reading an export back.

Every writer writes to a temporary file next to the target and renames it over the target only
when everything was written, so a failure (a bad filter, the Excel row limit, a full disk)
never leaves a partial file behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from kb.errors import InvalidInput
from kb.export.columns import CATEGORIES, FRAMES
from kb.export.dtypes import coerce, empty_frame

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
EXCEL_MAX_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, one of them the header
EXCEL_MAX_TEXT = 32_767  # characters in one Excel cell
# Ends a text cut to fit an Excel cell, so nobody takes the cut text for the whole value.
EXCEL_CUT_MARK = " [… cut: an Excel cell holds 32,767 characters; export CSV or Parquet for all]"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


class ExcelRowLimit(InvalidInput):
    """A frame has more rows than an Excel sheet holds."""


def format_of(path: Path, fmt: str | None = None) -> str:
    """The export format: fmt if given, else from the file name's suffix."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    chosen = {"xls": "xlsx", "pq": "parquet", "ndjson": "jsonl"}.get(chosen, chosen)
    if chosen not in FORMATS:
        raise InvalidInput(
            f"cannot tell the export format of {path.name!r}; use --format "
            f"{'|'.join(FORMATS)} or one of the suffixes .csv .xlsx .parquet .jsonl"
        )
    return chosen


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path next to path, renamed over it on success and removed on failure."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InvalidInput(f"folder {str(path.parent)!r} does not exist")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


def write_csv(chunks: Iterable[pd.DataFrame], frame: str, path: Path, *, bom: bool = False) -> int:
    """UTF-8 CSV, header once, appended chunk by chunk; bom adds the mark Excel looks for."""
    rows = 0
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        for i, chunk in enumerate(_with_header_chunk(chunks, frame)):
            chunk.to_csv(fh, index=False, header=i == 0, lineterminator="\n")
            rows += len(chunk)
    return rows


def _with_header_chunk(chunks: Iterable[pd.DataFrame], frame: str) -> Iterator[pd.DataFrame]:
    # An empty frame first: the header (and the Parquet schema) exist even with no rows.
    yield empty_frame(frame)
    yield from chunks


def write_jsonl(chunks: Iterable[pd.DataFrame], frame: str, path: Path) -> int:
    """JSON Lines: one object per row, ISO 8601 times, null for missing values."""
    rows = 0
    with open(path, "w", encoding="utf-8") as fh:
        for chunk in chunks:
            if chunk.empty:
                continue
            out = chunk.to_json(
                orient="records", lines=True, date_format="iso", date_unit="us", force_ascii=False
            )
            fh.write(out if out.endswith("\n") else out + "\n")
            rows += len(chunk)
    return rows


def write_parquet(chunks: Iterable[pd.DataFrame], frame: str, path: Path) -> int:
    """Parquet with the frame's fixed schema (typed columns, statuses as dictionaries)."""
    first = pa.Table.from_pandas(empty_frame(frame), preserve_index=False)
    rows = 0
    with pq.ParquetWriter(path, first.schema) as writer:
        for chunk in chunks:
            if chunk.empty:
                continue
            writer.write_table(
                pa.Table.from_pandas(chunk, schema=first.schema, preserve_index=False)
            )
            rows += len(chunk)
    return rows


def _excel_columns(chunk: pd.DataFrame, frame: str, formats: dict[str, Any]) -> list[Any]:
    """Per column: its values as Python scalars (None = blank), write method and cell format."""
    out = []
    for col in FRAMES[frame]:
        s = chunk[col.name]
        if col.type in ("datetime", "date"):
            naive = pd.to_datetime(s.astype(object) if col.type == "date" else s)
            if col.type == "datetime":
                naive = naive.dt.tz_convert(None)
            serial = (naive - _EXCEL_EPOCH) / pd.Timedelta(days=1)
            values = serial.astype(object).where(serial.notna(), None).tolist()
            out.append((values, "number", formats[col.type]))
        elif col.type in ("int", "Int", "float"):
            values = s.astype(object).where(s.notna(), None).tolist()
            out.append((values, "number", None))
        elif col.type == "bool":
            values = s.astype(object).where(s.notna(), None).tolist()
            out.append((values, "boolean", None))
        else:
            values = [None if pd.isna(v) else _cell_text(str(v)) for v in s.tolist()]
            out.append((values, "string", None))
    return out


def _cell_text(text: str) -> str:
    if len(text) <= EXCEL_MAX_TEXT:
        return text
    return text[: EXCEL_MAX_TEXT - len(EXCEL_CUT_MARK)] + EXCEL_CUT_MARK


def write_xlsx(sheets: Iterable[tuple[str, Iterable[pd.DataFrame]]], path: Path) -> dict[str, int]:
    """One sheet per (frame, chunks): bold frozen header, autofilter, streamed rows.

    xlsxwriter's constant_memory mode flushes each row as it is written, so memory stays flat;
    rows beyond what a sheet holds are refused with ExcelRowLimit (nothing is kept).
    """
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            # Text stays text: a claim starting with "=" must not become a formula.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    counts: dict[str, int] = {}
    try:
        bold = book.add_format({"bold": True})
        formats = {
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        }
        for frame, chunks in sheets:
            counts[frame] = _write_sheet(book, frame, chunks, bold, formats)
    except BaseException:
        with suppress(Exception):
            book.close()
        raise
    book.close()
    return counts


def _write_sheet(
    book: Any, frame: str, chunks: Iterable[pd.DataFrame], bold: Any, formats: Any
) -> int:
    names = [c.name for c in FRAMES[frame]]
    sheet = book.add_worksheet(frame)
    sheet.write_row(0, 0, names, bold)
    sheet.freeze_panes(1, 0)
    limit = EXCEL_MAX_ROWS
    # Calling the type-specific method directly skips xlsxwriter's per-cell type dispatch.
    methods = {
        "number": sheet.write_number,
        "string": sheet.write_string,
        "boolean": sheet.write_boolean,
    }
    written = 0
    for chunk in chunks:
        if written + len(chunk) > limit:
            raise ExcelRowLimit(
                f"the {frame} export has more than {limit:,} rows, the most an Excel sheet "
                "holds; export it as CSV or Parquet instead"
            )
        columns = [
            (vals, methods[kind], fmt) for vals, kind, fmt in _excel_columns(chunk, frame, formats)
        ]
        for i in range(len(chunk)):
            row = written + i + 1
            for c, (vals, write, fmt) in enumerate(columns):
                value = vals[i]
                if value is not None:
                    write(row, c, value, fmt)
        written += len(chunk)
    sheet.autofilter(0, 0, max(written, 1), len(names) - 1)
    return written


def read_export(path: Path, frame: str) -> pd.DataFrame:
    """An exported file read back with the frame's documented dtypes (any of the formats)."""
    path = Path(path)
    fmt = format_of(path)
    if fmt == "csv":
        raw = pd.read_csv(
            path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""]
        )
    elif fmt == "xlsx":
        raw = pd.read_excel(path, sheet_name=frame, dtype=object)
    elif fmt == "parquet":
        raw = pd.read_parquet(path)
    elif path.stat().st_size == 0:
        return empty_frame(frame)
    else:
        raw = pd.read_json(path, lines=True, dtype=False)
    if raw.empty:
        return empty_frame(frame)
    return coerce(raw, frame)


__all__ = [
    "CATEGORIES",
    "EXCEL_MAX_ROWS",
    "FORMATS",
    "ExcelRowLimit",
    "atomic_target",
    "format_of",
    "read_export",
    "write_csv",
    "write_jsonl",
    "write_parquet",
    "write_xlsx",
]
