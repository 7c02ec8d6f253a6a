"""The format-neutral import: any reader's ParseResult is upserted, refused or skipped alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

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
