"""Run every benchmark of the project and write benchmarks/results.md.

    python benchmarks/run.py                     # 100,000 claims in a temporary SQLite file
    python benchmarks/run.py --claims 1000000    # the publisher-scale figures
    KB_DATABASE_URL=postgresql://... python benchmarks/run.py --claims 1000000 --postgres
    python benchmarks/run.py --reuse /tmp/kb1m.sqlite    # an already generated database

Benchmarks are the benchmarks/bench_*.py modules exposing `run() -> list[dict]`; those that need
the generated knowledge base read its URL from KB_BENCH_DATABASE_URL, set here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # `python benchmarks/run.py` from anywhere

from benchmarks.common import DB_ENV  # noqa: E402
from benchmarks.generate import generate  # noqa: E402
from kb.db import make_engine  # noqa: E402

COLUMNS = ["benchmark", "engine", "case", "median", "unit", "baseline", "baseline_median",
           "ratio", "target", "ok"]  # fmt: skip


def _versions() -> str:
    import sqlite3

    import pandas
    import pyarrow
    import sqlalchemy
    import xlsxwriter

    parts = [
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
        f"SQLAlchemy {sqlalchemy.__version__}",
        f"pandas {pandas.__version__}",
        f"pyarrow {pyarrow.__version__}",
        f"xlsxwriter {xlsxwriter.__version__}",
    ]
    return ", ".join(parts)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{mem}"


def _prepare(args: argparse.Namespace, folder: str) -> tuple[str, str]:
    if args.reuse:
        url = args.reuse if "://" in args.reuse else f"sqlite:///{args.reuse}"
        engine = make_engine(url)
        with engine.connect() as conn:
            args.claims = conn.exec_driver_sql("SELECT count(*) FROM claim").scalar()
        engine.dispose()
        return url, "reused an already generated database"
    url = os.environ.get("KB_DATABASE_URL") if args.postgres else None
    url = url or f"sqlite:///{folder}/bench.sqlite"
    engine = make_engine(url)
    try:
        timings = generate(engine, args.claims)
    finally:
        engine.dispose()
    return url, ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())


def _table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = ["" if r.get(c) is None else str(r.get(c)) for c in COLUMNS]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="generate into KB_DATABASE_URL")
    parser.add_argument("--reuse", help="an already generated database (path or URL)")
    parser.add_argument("--only", help="run only bench_<ONLY>.py")
    parser.add_argument("-o", "--output", default=str(HERE / "results.md"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url, generation = _prepare(args, folder)
        os.environ[DB_ENV] = url
        rows: list[dict[str, Any]] = []
        for path in sorted(HERE.glob("bench_*.py")):
            if args.only and path.stem != f"bench_{args.only}":
                continue
            module = importlib.import_module(f"benchmarks.{path.stem}")
            if not hasattr(module, "run"):
                continue
            start = time.perf_counter()
            try:
                found = module.run()
            except Exception as exc:  # one broken benchmark must not lose the others' figures
                found = [{"benchmark": path.stem, "case": f"failed: {exc!r}"[:200]}]
            print(f"{path.stem}: {len(found)} rows in {time.perf_counter() - start:.1f} s")
            rows += found
    engine_name = url.split(":", 1)[0].split("+")[0]
    report = [
        "# Benchmark results",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {_machine()}",
        f"- versions: {_versions()}",
        f"- data: {args.claims:,} claims on {engine_name} (generation: {generation})",
        "- median of repeated runs; ratio = median / baseline median, measured in the same run",
        "",
        _table(rows),
        "",
    ]
    Path(args.output).write_text("\n".join(report), encoding="utf-8")
    print(_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
