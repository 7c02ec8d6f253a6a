"""kb reference export --format bib|ris|csl-json: each round trip loses nothing kb stores.

Import, export, import the export into an empty library, export again: the two exports are the
same text, and the two libraries hold the same references (every column kb shows, the study
type and whether it was guessed, the retraction status)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from kb.cli import run
from kb.db import make_engine
from kb.models import Reference
from kb.services import references as svc
from tests.conftest import new_sqlite_url

DATA = Path(__file__).parent / "data" / "formats"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "references.bib"
COLUMNS = (
    "citekey", "entry_type", "title", "authors", "journal", "year", "volume", "number", "pages",
    "doi", "pmid", "abstract", "note", "study_type", "study_type_inferred", "retraction",
)  # fmt: skip
SUFFIX = {"bib": ".bib", "ris": ".ris", "csl-json": ".json"}


@contextmanager
def _library(template: Path, tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(new_sqlite_url(template, tmp_path))
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def _load(session: Session, name: str, data: bytes) -> None:
    report = svc.import_file(session=session, actor=None, data=data, name=name)
    assert report.written and report.problems == [], report.problems


def _shown(session: Session) -> list[tuple]:
    session.rollback()
    rows = session.exec(select(Reference).order_by(col(Reference.citekey)))
    return [tuple(getattr(r, c) for c in COLUMNS) for r in rows]


def _edit(session: Session) -> None:
    """What an editor may set by hand: a study type that is no guess, a retraction status."""
    session.execute(
        update(Reference)
        .where(col(Reference.citekey) == "lee2019exercise")
        .values(study_type="cohort", study_type_inferred=False, retraction="corrected")
    )
    session.commit()


@pytest.mark.parametrize("fmt", ["bib", "ris", "csl-json"])
@pytest.mark.parametrize(
    "sources",
    [
        ("endnote.ris", "scopus.ris", "embase.ris", "wos.ris"),
        ("sample_csl.json",),
        ("sample.nbib", "sample_pubmed.xml"),
        ("references.bib",),
    ],
)
def test_round_trip_loses_nothing(
    sqlite_template: Path, tmp_path: Path, fmt: str, sources: tuple[str, ...]
) -> None:
    with _library(sqlite_template, tmp_path) as first:
        for name in sources:
            path = SHIPPED if name == "references.bib" else DATA / name
            _load(first, name, path.read_bytes())
        if "sample_csl.json" in sources or "endnote.ris" in sources:
            _edit(first)
        exported = svc.export_references(session=first, format=fmt)
        before = _shown(first)
    with _library(sqlite_template, tmp_path) as second:
        _load(second, f"export{SUFFIX[fmt]}", exported.encode("utf-8"))
        assert _shown(second) == before
        assert svc.export_references(session=second, format=fmt) == exported


def test_the_edited_values_travel_in_kb_fields(sqlite_template: Path, tmp_path: Path) -> None:
    with _library(sqlite_template, tmp_path) as session:
        _load(session, "endnote.ris", (DATA / "endnote.ris").read_bytes())
        _edit(session)
        ris = svc.export_references(session=session, format="ris")
        csl = svc.export_references(session=session, format="csl-json")
    assert "KB  - studytype: cohort\nKB  - retraction: corrected\nER  - " in ris
    assert '"kb-studytype": "cohort"' in csl and '"kb-retraction": "corrected"' in csl
    # A record's own tags go back in their order, the unknown one too; the key as its ID.
    assert "\nTY  - JOUR\nID  - lee2019exercise\nAU  - Lee, Jane\nAU  - Park, Min\n" in ris
    assert "XY  - an unknown tag\n" in ris


def test_cli_export_format_from_option_or_suffix(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["reference", "import", str(DATA / "sample_csl.json")]) == 0
    assert run(["reference", "export", "-o", str(tmp_path / "lib.json")]) == 0
    assert (tmp_path / "lib.json").read_text(encoding="utf-8").startswith("[\n  {")
    assert run(["reference", "export", "-o", str(tmp_path / "lib.txt"), "--format", "ris"]) == 0
    assert (tmp_path / "lib.txt").read_text(encoding="utf-8").startswith("TY  - RPRT\n")
    assert run(["reference", "export", "-o", str(tmp_path / "lib.out")]) == 0
    assert (tmp_path / "lib.out").read_text(encoding="utf-8").startswith("@techreport{")
    assert "journal = {Muscle \\& Nerve}" in (tmp_path / "lib.out").read_text(encoding="utf-8")
    capsys.readouterr()
    assert run(["reference", "export", "-o", str(tmp_path / "x"), "--format", "endnote"]) == 1
    assert "unknown export format 'endnote'" in capsys.readouterr().err
