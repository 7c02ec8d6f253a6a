"""Progress of long work: what services report, and the bar the CLI draws only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func
from sqlmodel import select as query

from kb.export import FRAME_NAMES
from kb.models import Reference
from kb.services.export import export_bundle, export_frame
from kb.services.progress import tracked
from kb.services.queries import ClaimFilter
from kb.services.references import import_file
from tests import corpus


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int | None]] = []

    def __call__(self, done: int, total: int | None) -> None:
        self.calls.append((done, total))


def test_tracked_reports_after_each_item_and_ends_at_the_total() -> None:
    seen = Recorder()
    items = list(tracked(["ab", "cde", "f"], len, 10, seen))
    assert items == ["ab", "cde", "f"]
    # Counted once the consumer is done with each item, capped at the total, ending at it.
    assert seen.calls == [(0, 10), (2, 10), (5, 10), (6, 10), (10, 10)]
    capped = Recorder()
    list(tracked(["abcdef"], len, 4, capped))
    assert capped.calls == [(0, 4), (4, 4)]
    unknown = Recorder()
    list(tracked(["ab", "c"], len, None, unknown))
    assert unknown.calls == [(0, None), (2, None), (3, None)]


@pytest.mark.parametrize("frame", FRAME_NAMES)
def test_an_export_reports_claims_covered_up_to_their_total(
    session: Session, tmp_path: Path, frame: str
) -> None:
    corpus.build(session)
    seen = Recorder()
    rows = export_frame(
        session=session, frame=frame, path=tmp_path / f"{frame}.csv", chunk_size=2, progress=seen
    )
    totals = {t for _, t in seen.calls}
    assert len(totals) == 1
    (total,) = totals
    assert total is not None and total > 2  # the corpus has more than one chunk of each
    done = [d for d, _ in seen.calls]
    assert done[0] == 0 and done[-1] == total and done == sorted(done)
    assert len(done) >= 3, "one report per chunk"
    if frame == "claims":
        assert total == rows


def test_a_filtered_export_counts_only_the_matching_claims(
    session: Session, tmp_path: Path
) -> None:
    corpus.build(session)
    seen = Recorder()
    rows = export_frame(
        session=session, frame="claims", path=tmp_path / "a.csv",
        filters=ClaimFilter(status=["Approved"]), progress=seen,
    )  # fmt: skip
    assert seen.calls[-1] == (rows, rows) and rows == 2


def test_a_bundle_reports_sheets(session: Session, tmp_path: Path) -> None:
    corpus.build(session)
    seen = Recorder()
    export_bundle(session=session, path=tmp_path / "all.xlsx", progress=seen)
    n = len(FRAME_NAMES)
    assert seen.calls == [(i, n) for i in range(n + 1)]


def _run_with_stderr(argv: list[str], env: dict[str, str], *, tty: bool) -> tuple[int, str]:
    """Run kb with stderr on a pseudo-terminal (or a pipe); its exit code and stderr."""
    cmd = [sys.executable, "-c", "from kb.cli import main; main()", *argv]
    if not tty:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_the_cli_draws_a_bar_on_a_terminal_only(sqlite_engine: Engine, tmp_path: Path) -> None:
    with Session(sqlite_engine, expire_on_commit=False) as s:
        corpus.build(s)
    env = {**os.environ, "KB_DATABASE_URL": str(sqlite_engine.url), "COLUMNS": "100"}
    out = tmp_path / "claims.csv"
    code, err = _run_with_stderr(["export", "claims", "-o", str(out)], env, tty=True)
    assert code == 0 and out.exists()
    assert "exporting claims" in err and "claims" in err
    code, err = _run_with_stderr(["export", "claims", "-o", str(out)], env, tty=False)
    assert (code, err) == (0, "")
    code, err = _run_with_stderr(["export", "claims", "-o", str(out), "--json"], env, tty=True)
    assert code == 0 and "exporting" not in err


def _csl_json(n: int, *, broken: int | None = None) -> bytes:
    """n CSL-JSON works; the one at index `broken` is not an object (a problem)."""
    items = [
        {"id": f"w{i}", "type": "article-journal", "title": f"Work number {i}",
         "author": [{"family": "Roe", "given": "Ann"}], "issued": {"date-parts": [[2000 + i % 20]]}}
        if i != broken else "not a work"
        for i in range(n)
    ]  # fmt: skip
    return json.dumps(items).encode()


def test_a_reference_import_reports_records_stored_up_to_their_total(session: Session) -> None:
    seen = Recorder()
    report = import_file(session=session, actor=None, data=_csl_json(4500), name="many.json",
                         progress=seen)  # fmt: skip
    assert report.written and len(report.created) == 4500
    # Nothing while the file is read, then 0, then per chunk of rows written, ending at the total.
    assert seen.calls == [(0, 4500), (2000, 4500), (4000, 4500), (4500, 4500)]
    assert session.exec(query(func.count()).select_from(Reference)).one() == 4500


def test_a_refused_reference_import_reports_nothing_stored(session: Session) -> None:
    seen = Recorder()
    report = import_file(session=session, actor=None, data=_csl_json(30, broken=17),
                         name="bad.json", progress=seen)  # fmt: skip
    assert report.refused and report.problems
    assert report.entries == 29 and seen.calls == [(0, 29)]  # read, and nothing stored
    assert session.exec(query(func.count()).select_from(Reference)).one() == 0


def test_a_bibtex_import_reports_its_entries(session: Session) -> None:
    bib = "".join(
        f"@article{{k{i}, title={{T {i}}}, author={{Roe, Ann}}, year={{2001}}}}\n"
        for i in range(2100)
    )
    seen = Recorder()
    report = import_file(session=session, actor=None, data=bib.encode(), name="lib.bib",
                         progress=seen)  # fmt: skip
    assert report.written and len(report.created) == 2100
    assert seen.calls == [(0, 2100), (2000, 2100), (2100, 2100)]


def test_reference_import_draws_a_bar_on_a_terminal_only(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    env = {**os.environ, "KB_DATABASE_URL": str(sqlite_engine.url), "COLUMNS": "100"}
    path = tmp_path / "many.json"
    path.write_bytes(_csl_json(300))
    code, err = _run_with_stderr(["reference", "import", str(path)], env, tty=True)
    assert code == 0 and "importing" in err and "references" in err
    code, err = _run_with_stderr(["reference", "import", str(path)], env, tty=False)
    assert (code, err) == (0, "")
    code, err = _run_with_stderr(["reference", "import", str(path), "--json"], env, tty=True)
    assert code == 0 and "importing" not in err
