"""The format-neutral import: any reader's ParseResult is upserted, refused or skipped alike, and
a file is parsed before the write lock is taken."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import bibtexparser
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from kb.db import make_engine
from kb.errors import NotFound
from kb.formats import ParseResult, Problem, ReferenceRecord
from kb.models import Reference
from kb.services import references as svc


def _records() -> list[ReferenceRecord]:
    """Two records as a non-BibTeX reader might give them (tags as raw field names)."""
    return [
        ReferenceRecord(
            "smith2020",
            "article",
            line=1,
            raw_fields={"TI": "Exercise for stenosis: a randomized trial", "PY": "2020"},
            title="Exercise for stenosis: a randomized trial",
            authors=["Smith, A."],
            year=2020,
            doi="10.1000/smith",
            study_type="rct",
        ),
        ReferenceRecord(
            "jones2021",
            "article",
            line=9,
            raw_fields={"PY": "2021"},
            year=2021,
        ),
    ]


NO_TITLE = Problem(
    "missing title", 9, "jones2021", "The record 'jones2021' on line 9 has no title."
)


def _citekeys(session: Session) -> list[str]:
    return list(session.exec(select(Reference.citekey).order_by(Reference.citekey)))


def test_a_parse_of_any_format_is_refused_whole_or_written_without_its_bad_records(
    session: Session,
) -> None:
    parsed = ParseResult("ris", _records(), [NO_TITLE])
    refused = svc.import_references(session=session, actor=None, parsed=parsed, source="a.ris")
    assert refused.refused and not refused.written
    assert (refused.entries, refused.problems, refused.created) == (2, [NO_TITLE], [])
    assert _citekeys(session) == []

    report = svc.import_references(
        session=session, actor=None, parsed=parsed, skip_bad=True, source="a.ris"
    )
    assert report.written and not report.refused
    assert (report.created, report.skipped, report.problems) == (
        ["smith2020"],
        ["jones2021"],
        [NO_TITLE],
    )
    assert report.study_types == {"rct": 1} and report.unknown_study_type == []
    assert _citekeys(session) == ["smith2020"]
    smith = svc.get_reference(session=session, citekey="smith2020")
    assert (smith.source, smith.title, smith.year, smith.study_type) == (
        "ris",
        "Exercise for stenosis: a randomized trial",
        2020,
        "rct",
    )
    assert smith.raw_fields == {"TI": "Exercise for stenosis: a randomized trial", "PY": "2020"}
    with pytest.raises(NotFound):
        svc.get_reference(session=session, citekey="jones2021")

    # Upsert by citekey: the same record again is unchanged, a changed one updated.
    again = svc.import_references(
        session=session, actor=None, parsed=ParseResult("ris", _records()[:1])
    )
    assert (again.created, again.updated, again.unchanged) == ([], [], 1)
    changed = _records()[0]
    changed.raw_fields["PY"], changed.year = "2019", 2019
    moved = svc.import_references(session=session, actor=None, parsed=ParseResult("ris", [changed]))
    assert moved.updated == ["smith2020"]
    assert svc.get_reference(session=session, citekey="smith2020").year == 2019


@dataclass
class _Linked(ParseResult):
    """A format whose records may need each other: 'smith2020' needs 'jones2021'."""

    def dependants(self, skipped: Iterable[str]) -> list[Problem]:
        if "jones2021" not in skipped:
            return []
        return [Problem("missing crossref", 1, "smith2020", "needs 'jones2021', skipped.")]


def test_the_format_says_which_records_go_with_a_skipped_one(session: Session) -> None:
    parsed = _Linked("linked", _records(), [NO_TITLE])
    report = svc.import_references(session=session, actor=None, parsed=parsed, skip_bad=True)
    assert report.written and report.created == []
    assert report.skipped == ["smith2020", "jones2021"]  # in the order of their problems' lines
    assert [p.kind for p in report.problems] == ["missing crossref", "missing title"]
    assert _citekeys(session) == []


# --------------------------------------------------------------------------- the write lock


def _path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _lock_is_free(url: str) -> bool:
    """True when another connection can take the write lock now (it lets go at once)."""
    other = sqlite3.connect(_path(url), timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


BIB = b"@article{k1, title = {One}, journal = jp}\n@article{k2, title = {Two}}\n"


def test_the_file_is_parsed_before_the_write_lock_is_taken(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    split = bibtexparser.parse_string

    def spying(text: str, *args: object, **kwargs: object) -> object:
        seen.append(_lock_is_free(sqlite_url))
        return split(text, *args, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", spying)
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        session.exec(select(Reference)).all()  # a caller's read (the CLI resolving --as) first
        report = svc.import_bib(
            session=session, actor=None, data=BIB.replace(b"jp", b"{J Pain}"), source="x.bib"
        )
    engine.dispose()
    assert report.written and sorted(report.created) == ["k1", "k2"]
    assert seen and all(seen)


def test_a_macro_another_import_adds_during_the_parse_is_used(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_SQLITE_BUSY_TIMEOUT_MS", "300")
    split = bibtexparser.parse_string
    calls: list[str] = []
    engine = make_engine(sqlite_url)
    other_engine = make_engine(sqlite_url)

    def racing(text: str, *args: object, **kwargs: object) -> object:
        calls.append(text)
        if len(calls) == 1:  # while the first parse runs, another import defines the macro
            with Session(other_engine) as other:
                svc.import_bib(
                    session=other, actor=None, text='@string{jp = "J Pain"}\n', source="other"
                )
        return split(text, *args, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", racing)
    with Session(engine, expire_on_commit=False) as session:
        report = svc.import_bib(session=session, actor=None, data=BIB, source="x.bib")
        # Parsed again inside the write: the entry reads the macro the library now defines.
        assert report.written and report.problems == []
        assert svc.get_reference(session=session, citekey="k1").journal == "J Pain"
        blocks = session.execute(text("SELECT kind, name, value FROM bib_block")).all()
    assert [tuple(b) for b in blocks] == [("string", "jp", "J Pain")]
    assert len(calls) == 3  # this import, the other import, this import again
    engine.dispose()
    other_engine.dispose()


def test_an_unchanged_library_is_not_parsed_twice(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    split = bibtexparser.parse_string
    calls: list[str] = []

    def counting(text: str, *args: object, **kwargs: object) -> object:
        calls.append(text)
        return split(text, *args, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", counting)
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        svc.import_bib(session=session, actor=None, text='@string{jp = "J Pain"}\n')
        calls.clear()
        report = svc.import_bib(session=session, actor=None, data=BIB, source="x.bib")
    engine.dispose()
    assert report.written and report.problems == [] and len(calls) == 1
