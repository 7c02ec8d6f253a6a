"""Shared by the bench_*.py modules: the benchmark database, medians, result rows."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from kb.db import make_engine

DB_ENV = "KB_BENCH_DATABASE_URL"  # set by benchmarks/run.py after generating the data


def bench_engine() -> Engine | None:
    """The engine on the generated benchmark database, or None when run.py did not set one."""
    url = os.environ.get(DB_ENV)
    return make_engine(url) if url else None


def median_ms(fn: Callable[[], Any], runs: int = 21, warmup: int = 2) -> float:
    """Median wall time of fn in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def paired_median_ms(
    fa: Callable[[], Any], fb: Callable[[], Any], runs: int = 31
) -> tuple[float, float]:
    """Medians of fa and fb timed alternately, so load drifting on the machine hits both alike."""
    fa(), fb()
    ta, tb = [], []
    for _ in range(runs):
        for fn, times in ((fa, ta), (fb, tb)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(ta) * 1000, statistics.median(tb) * 1000


def row(
    benchmark: str,
    case: str,
    median: float,
    *,
    engine: str = "",
    baseline: str = "",
    baseline_ms: float | None = None,
    target: str = "",
    ok: bool | None = None,
    unit: str = "ms",
) -> dict[str, Any]:
    """One result row as run.py tabulates it."""
    return {
        "benchmark": benchmark,
        "engine": engine,
        "case": case,
        "median": round(median, 2),
        "unit": unit,
        "baseline": baseline,
        "baseline_median": None if baseline_ms is None else round(baseline_ms, 2),
        "ratio": None if not baseline_ms else round(median / baseline_ms, 3),
        "target": target,
        "ok": ok,
    }
