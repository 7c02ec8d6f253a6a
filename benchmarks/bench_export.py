"""Export speed and memory against raw baselines, in one run.

Parquet: kb's streamed claims export against a raw baseline (DB-API fetchall of the same SELECT
+ one pyarrow table + write), each in a fresh process so peak memory is its own. Excel: kb's
bundle writer (xlsxwriter, constant_memory) against pandas' default openpyxl writer for the same
100,000-row claims frame.

    python -m benchmarks.bench_export --one kb|raw URL PATH   (one measured run, JSON out)
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlmodel import Session

from benchmarks.common import DB_ENV, bench_engine, row
from kb.db import make_engine
from kb.export.writers import write_xlsx
from kb.services.export import export_frame, iter_frame
from kb.services.export.selects import claims_select

EXCEL_ROWS = 100_000
RUNS = 3


def _one(kind: str, url: str, path: str) -> dict[str, float]:
    engine = make_engine(url)
    start = time.perf_counter()
    if kind == "kb":
        with Session(engine) as s:
            export_frame(session=s, frame="claims", path=Path(path))
    else:
        with Session(engine) as s:
            sql = str(claims_select(s).compile(engine, compile_kwargs={"literal_binds": True}))
        raw = engine.raw_connection()
        cur = raw.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        names = [d[0] for d in cur.description]
        columns = zip(*rows, strict=True)
        table = pa.table({n: list(c) for n, c in zip(names, columns, strict=True)})
        pq.write_table(table, path)
        raw.close()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024}


def _measure(url: str) -> dict[str, tuple[float, float]]:
    """kind -> (median seconds, peak MB) for "raw" and "kb", their runs alternating.

    Alternating, as benchmarks.common.paired_median_ms does, so that the machine's load
    drifting (it moves times by up to 2x from one minute to the next) hits both alike: run all
    of one kind and then all of the other, and the ratio measured the drift.
    """
    times: dict[str, list[float]] = {"raw": [], "kb": []}
    peaks: dict[str, list[float]] = {"raw": [], "kb": []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(RUNS):
            for kind in ("raw", "kb"):
                out = subprocess.run(
                    [sys.executable, "-m", "benchmarks.bench_export", "--one", kind, url,
                     str(Path(folder) / f"{kind}.parquet")],
                    capture_output=True, text=True, check=True,
                    cwd=Path(__file__).resolve().parents[1],
                )  # fmt: skip
                result = json.loads(out.stdout.strip().splitlines()[-1])
                times[kind].append(result["seconds"])
                peaks[kind].append(result["peak_mb"])
    return {kind: (statistics.median(times[kind]), max(peaks[kind])) for kind in times}


def _excel(engine: Any) -> list[dict[str, Any]]:
    with Session(engine) as s:
        frame = _first_rows(s)
    naive = frame.copy()
    for col in naive.columns:  # openpyxl refuses time zones; give it the same instants, naive
        if isinstance(naive[col].dtype, pd.DatetimeTZDtype):
            naive[col] = naive[col].dt.tz_convert(None)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_xlsx([("claims", [frame])], Path(folder) / "kb.xlsx")
        ours = time.perf_counter() - start
        start = time.perf_counter()
        naive.to_excel(Path(folder) / "pandas.xlsx", index=False, engine="openpyxl")
        theirs = time.perf_counter() - start
    return [
        row(
            "excel",
            f"claims sheet, {len(frame):,} rows (kb bundle writer)",
            ours,
            unit="s",
            engine=engine.dialect.name,
            baseline="pandas to_excel (openpyxl)",
            baseline_ms=theirs,
            target="ratio <= 0.5",
            ok=ours * 2 <= theirs,
        )  # fmt: skip
    ]


def _first_rows(session: Session) -> pd.DataFrame:
    chunks, total = [], 0
    for chunk in iter_frame(session=session, frame="claims", chunk_size=20_000):
        chunks.append(chunk)
        total += len(chunk)
        if total >= EXCEL_ROWS:
            break
    return pd.concat(chunks, ignore_index=True).iloc[:EXCEL_ROWS]


def run() -> list[dict[str, Any]]:
    """Benchmark rows (empty when run.py gave no database)."""
    engine = bench_engine()
    if engine is None:
        return []
    url = os.environ[DB_ENV]
    measured = _measure(url)
    raw_s, raw_peak = measured["raw"]
    kb_s, kb_peak = measured["kb"]
    out = [
        row("parquet export", "claims frame, streamed (kb)", kb_s, unit="s",
            engine=engine.dialect.name, baseline="fetchall + pyarrow table + write",
            baseline_ms=raw_s, target="ratio <= 1.3", ok=kb_s <= 1.3 * raw_s),
        row("parquet export", "peak memory (kb)", kb_peak, unit="MB", engine=engine.dialect.name,
            baseline="peak memory (raw baseline)", baseline_ms=raw_peak, target="< 1,500 MB",
            ok=kb_peak < 1500),
    ]  # fmt: skip
    out += _excel(engine)
    engine.dispose()
    return out


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(_one(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        print(__doc__)
