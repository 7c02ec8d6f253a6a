"""Export formats: the documented columns of each claim table, their dtypes, and file writers.

Pure: imports only the standard library, pandas, pyarrow, xlsxwriter and kb.enums/kb.errors;
never kb.services, kb.db or kb.permissions (reading the tables from the database is
kb.services.export).

Frames: claims, citations, measures, flags, events, references (columns in kb.export.columns and
the README). Formats: CSV (optionally with a BOM for Excel), Excel, Parquet, JSON Lines; the
writers take frames in chunks, so memory stays flat at any size.
"""

from __future__ import annotations

from kb.export.columns import FRAME_NAMES, FRAMES, Col, readme_table
from kb.export.dtypes import coerce, empty_frame, pandas_dtype
from kb.export.writers import (
    EXCEL_MAX_ROWS,
    FORMATS,
    ExcelRowLimit,
    read_export,
)

__all__ = [
    "EXCEL_MAX_ROWS",
    "FORMATS",
    "FRAMES",
    "FRAME_NAMES",
    "Col",
    "ExcelRowLimit",
    "coerce",
    "empty_frame",
    "pandas_dtype",
    "read_export",
    "readme_table",
]
