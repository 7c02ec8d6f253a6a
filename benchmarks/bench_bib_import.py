"""BibTeX import speed: kb's full import against bibtexparser's parse alone, in one run.

(a) `bibtexparser.parse_file` on a generated 20,000-entry .bib (accents, braces, macros,
abstracts); (b) `kb.services.references.import_bib` of the same file into an empty, migrated
SQLite database (read, decode, parse, problems, duplicates, study types, insert, commit).
Goal: median(b) / median(a) <= 2.0. Entries: KB_BENCH_BIB_ENTRIES (default 20000).

    python -m benchmarks.bench_bib_import
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bibtexparser
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import row  # noqa: E402
from benchmarks.gen_bib import generate_bib  # noqa: E402
from kb.db import make_engine  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.services.references import import_bib  # noqa: E402

RUNS = 3


def run() -> list[dict[str, Any]]:
    """Time parse-only and full import; one result row with the ratio."""
    n = int(os.environ.get("KB_BENCH_BIB_ENTRIES", "20000"))
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "generated.bib"
        bib.write_text(generate_bib(n), encoding="utf-8")
        template = Path(tmp) / "template.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()
        parse_times, import_times = [], []
        for i in range(RUNS):
            start = time.perf_counter()
            library = bibtexparser.parse_file(str(bib))
            parse_times.append(time.perf_counter() - start)
            assert len(library.entries) == n
            db = Path(tmp) / f"run{i}.sqlite"
            shutil.copyfile(template, db)
            engine = make_engine(f"sqlite:///{db}")
            with Session(engine) as session:
                start = time.perf_counter()
                report = import_bib(session=session, actor=None, data=bib.read_bytes())
                import_times.append(time.perf_counter() - start)
            engine.dispose()
            assert report.written and len(report.created) == n, report.problems[:3]
    a = statistics.median(parse_times) * 1000
    b = statistics.median(import_times) * 1000
    return [
        row(
            "bib import",
            f"{n:,} entries: kb import into empty SQLite",
            b,
            engine="sqlite",
            baseline="bibtexparser.parse_file alone",
            baseline_ms=a,
            target="ratio <= 2.0",
            ok=b / a <= 2.0,
        )
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
