"""Column types in pandas and Parquet, and the one coercion every frame and read-back goes through.

Raw values differ by source (SQLite gives timestamps as text and booleans as 0/1, PostgreSQL
gives datetime and bool, CSV gives text, Excel gives naive datetimes): `coerce` turns any of
them into the documented dtype, so a frame built from the database and a file read back compare
equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kb.export.columns import CATEGORIES, FRAMES

_TRUE = {"true", "1", "t", "yes"}
_FALSE = {"false", "0", "f", "no"}


def pandas_dtype(type_: str) -> Any:
    """The pandas dtype of a column type."""
    if type_ in CATEGORIES:
        return pd.CategoricalDtype(CATEGORIES[type_], ordered=False)
    return {
        "int": "int64",
        "Int": "Int64",
        "float": "float64",
        "bool": "boolean",
        "str": "str",
        "datetime": "datetime64[us, UTC]",
        "date": pd.ArrowDtype(pa.date32()),
    }[type_]


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT


def _to_bool(v: Any) -> Any:
    if _missing(v):
        return pd.NA
    if isinstance(v, bool | np.bool_):
        return bool(v)
    word = str(v).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"not a true/false value: {v!r}")


def _to_str(s: pd.Series) -> pd.Series:
    out = s.astype("str")
    # Empty text and missing text are one thing in every format (CSV cannot tell them apart).
    return out.where(out != "", np.nan).astype("str")


def coerce_column(s: pd.Series, type_: str) -> pd.Series:
    """Series s as the documented dtype of type_ (values from any source, see module doc)."""
    if type_ == "str":
        return _to_str(s)
    if type_ in CATEGORIES:
        allowed = CATEGORIES[type_]
        values = _to_str(s)
        bad = sorted(set(values.dropna()) - set(allowed))
        if bad:
            raise ValueError(f"{s.name}: values {bad} are not among {allowed}")
        return values.astype(pandas_dtype(type_))
    if type_ == "int":
        return pd.to_numeric(s).astype("int64")
    if type_ == "Int":
        return pd.to_numeric(s).astype("Int64")
    if type_ == "float":
        return pd.to_numeric(s).astype("float64")
    if type_ == "bool":
        return pd.Series(pd.array([_to_bool(v) for v in s], dtype="boolean"), index=s.index)
    if type_ == "datetime":
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            s = s.where(s.notna() & (s != ""), None)
        parsed = pd.to_datetime(s, utc=True, format="ISO8601")
        return parsed.astype("datetime64[us, UTC]")
    if type_ == "date":
        days = pd.to_datetime(s.where(s.notna() & (s != ""), None), format="ISO8601")
        return days.dt.date.astype(pandas_dtype("date"))
    raise ValueError(f"unknown column type {type_!r}")


def db_column(values: Sequence[Any], type_: str, name: str) -> pd.Series:
    """Values straight from the database driver as type_'s dtype, converted in Arrow.

    The same result as coerce_column, several times faster on a million rows (no Python loop
    per value); anything unexpected falls back to coerce_column, which also reports bad values.
    """
    try:
        series = _db_column(values, type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        series = None
    if series is None:
        return coerce_column(pd.Series(list(values), dtype=object, name=name), type_)
    series.name = name
    return series


def _db_column(values: Sequence[Any], type_: str) -> pd.Series | None:
    if type_ == "int":
        return pd.Series(np.fromiter(values, dtype=np.int64, count=len(values)))
    if type_ == "Int":
        return pd.Series(pd.array(pa.array(values, pa.int64()), dtype="Int64"))
    if type_ == "float":
        floats = pa.array(values, pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(floats, dtype="float64")
    if type_ == "str":
        text = pa.array(values, pa.string())
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        return pd.Series(pd.array(text, dtype="str"))
    if type_ in CATEGORIES:
        if set(values) - set(CATEGORIES[type_]) - {None}:
            return None  # coerce_column names the bad values
        return pd.Series(pd.Categorical(values, dtype=pandas_dtype(type_)))
    if type_ == "datetime":
        raw = pa.array(values)
        if pa.types.is_string(raw.type) or pa.types.is_null(raw.type):
            raw = pc.cast(raw, pa.timestamp("us"))  # SQLite's text, UTC by construction
        utc = pc.cast(raw, pa.timestamp("us", tz="UTC"))
        return pd.Series(utc.to_pandas()).astype("datetime64[us, UTC]")
    if type_ == "date":
        raw = pa.array(values)
        days = pc.cast(raw, pa.date32())
        return pd.Series(pd.array(days, dtype=pandas_dtype("date")))
    return None


def coerce(df: pd.DataFrame, frame: str) -> pd.DataFrame:
    """df with exactly the frame's columns, in order, each as its documented dtype."""
    cols = FRAMES[frame]
    missing = [c.name for c in cols if c.name not in df.columns]
    if missing:
        raise ValueError(f"{frame}: columns missing: {', '.join(missing)}")
    out = pd.DataFrame({c.name: coerce_column(df[c.name], c.type) for c in cols})
    return out.reset_index(drop=True)


def empty_frame(frame: str) -> pd.DataFrame:
    """A frame with no rows and the documented columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series([], dtype=pandas_dtype(c.type)) for c in FRAMES[frame]})
