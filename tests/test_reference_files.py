"""Importing RIS, MEDLINE, PubMed XML and CSL-JSON files: detection, the same report and rules
as BibTeX (all or nothing, --skip-bad, upsert by key, duplicates across formats), the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kb.cli import run
from kb.errors import ImportProblem, InvalidInput
from kb.models import Reference
from kb.services import references as svc

DATA = Path(__file__).parent / "data" / "formats"


def _import(session: Session, name: str, data: bytes | None = None, **kw: object):
    raw = (DATA / name).read_bytes() if data is None else data
    return svc.import_file(session=session, actor=None, data=raw, name=name, **kw)  # type: ignore[arg-type]


def _rows(session: Session) -> dict[str, Reference]:
    session.expire_all()
    return {r.citekey: r for r in session.exec(select(Reference))}


@pytest.mark.parametrize(
    ("name", "fmt", "keys"),
    [
        ("endnote.ris", "ris", ["lee2019exercise", "gray2018vitamin"]),
        ("sample.nbib", "medline", ["lee2019exercise", "gray2018vitamin", "stone2020supplement",
                                    "american2020guideline"]),
        ("sample_pubmed.xml", "pubmed-xml", ["brown2021spinal", "okafor2017epidural"]),
        ("sample_csl.json", "csl-json", ["lee2019exercise", "american2020guideline",
                                         "van2016paraspinal"]),
    ],
)  # fmt: skip
def test_each_format_imports_with_its_source_and_study_types(
    sqlite_session: Session, name: str, fmt: str, keys: list[str]
) -> None:
    report = _import(sqlite_session, name)
    assert report.written and report.problems == [] and report.created == keys
    rows = _rows(sqlite_session)
    assert {r.source for r in rows.values()} == {fmt}
    again = _import(sqlite_session, name)  # the same keys again: nothing changes
    assert again.unchanged == len(keys) and again.created == again.updated == []


def test_publication_types_set_study_type_and_retraction(sqlite_session: Session) -> None:
    _import(sqlite_session, "sample.nbib")
    _import(sqlite_session, "sample_pubmed.xml")
    rows = _rows(sqlite_session)
    assert {k: (r.study_type, r.retraction) for k, r in rows.items()} == {
        "lee2019exercise": ("rct", "none"),
        "gray2018vitamin": ("unknown", "retracted"),
        "stone2020supplement": ("unknown", "expression-of-concern"),
        "american2020guideline": ("guideline", "none"),
        "brown2021spinal": ("systematic-review", "none"),
        "okafor2017epidural": ("case-report", "retracted"),
    }


def test_nested_csl_values_are_stored_and_read_back(session: Session) -> None:
    assert _import(session, "sample_csl.json").written
    row = _rows(session)["lee2019exercise"]
    assert row.raw_fields["author"][1] == {"family": "Park", "given": "Min"}
    assert row.raw_fields["issue"] == 3 and row.number == "3"


BROKEN = (
    "TY  - JOUR\nAU  - Roe, Ann\nTI  - Good one\nPY  - 2001\nER  - \n"
    "TY  - JOUR\nAU  - Poe, Bo\nTI  - Cut off one\nPY  - 2002\n"
)


def test_a_bad_record_refuses_the_file_unless_skip_bad(sqlite_session: Session) -> None:
    refused = _import(sqlite_session, "x.ris", BROKEN.encode())
    assert refused.refused and _rows(sqlite_session) == {}
    assert [(p.kind, p.line, p.citekey) for p in refused.problems] == [
        ("malformed record", 6, "poe2002untitled")
    ]
    kept = _import(sqlite_session, "x.ris", BROKEN.encode(), skip_bad=True)
    assert kept.written and kept.created == ["roe2001good"] and kept.skipped == ["poe2002untitled"]
    assert list(_rows(sqlite_session)) == ["roe2001good"]


def test_a_made_key_never_takes_another_works_key(sqlite_session: Session) -> None:
    other = b"@article{gray2018vitamin, title={Vitamin X in dogs}, year=2011}\n"
    assert svc.import_bib(session=sqlite_session, actor=None, data=other).written
    report = _import(sqlite_session, "endnote.ris")
    assert report.created == ["lee2019exercise", "gray2018vitamina"]
    again = _import(sqlite_session, "endnote.ris")
    assert again.unchanged == 2 and again.created == []
    assert _rows(sqlite_session)["gray2018vitamin"].title == "Vitamin X in dogs"


def test_problems_of_a_renamed_record_follow_it(sqlite_session: Session) -> None:
    svc.import_bib(session=sqlite_session, actor=None, data=b"@article{poe2002untitled, title={Z}}")
    report = _import(sqlite_session, "x.ris", BROKEN.encode(), skip_bad=True)
    assert (
        report.skipped == ["poe2002untitleda"] and report.problems[0].citekey == report.skipped[0]
    )
    assert sorted(_rows(sqlite_session)) == ["poe2002untitled", "roe2001good"]


def test_duplicates_across_formats_by_doi_pmid_and_title(sqlite_session: Session) -> None:
    bib = (
        b"@article{Lee2019, title={Exercise therapy for lumbar spinal stenosis: a randomized "
        b"controlled trial}, year=2019, doi={10.5555/KB.2019.001}}\n"
        b"@article{Brown21, title={Other}, year=2021, pmid={31000002}}\n"
    )
    svc.import_bib(session=sqlite_session, actor=None, data=bib)
    ris = _import(sqlite_session, "endnote.ris")
    xml = _import(sqlite_session, "sample_pubmed.xml")
    assert [(d.citekeys, d.reason) for d in ris.possible_duplicates] == [
        (("Lee2019", "lee2019exercise"), "same DOI 10.5555/kb.2019.001")
    ]
    assert ("Brown21", "brown2021spinal") in [d.citekeys for d in xml.possible_duplicates]


def test_a_later_import_in_another_format_updates_the_row_and_its_source(
    sqlite_session: Session,
) -> None:
    _import(sqlite_session, "endnote.ris")
    report = _import(sqlite_session, "sample.nbib")
    assert "lee2019exercise" in report.updated
    row = _rows(sqlite_session)["lee2019exercise"]
    assert row.source == "medline" and row.raw_fields["PMID"] == "31000001"


def test_format_is_named_or_detected_or_refused(sqlite_session: Session) -> None:
    nbib = (DATA / "sample.nbib").read_bytes()
    assert _import(sqlite_session, "pubmed.txt", nbib).created[0] == "lee2019exercise"
    assert _import(sqlite_session, "export.dat", nbib, format="medline").written
    assert _import(sqlite_session, "export.dat", nbib, format="nbib").unchanged == 4
    with pytest.raises(InvalidInput, match="unknown format 'endnote'"):
        _import(sqlite_session, "a.ris", b"", format="endnote")
    with pytest.raises(ImportProblem, match="cannot tell the format"):
        _import(sqlite_session, "notes.txt", b"hello")
    json_not_csl = _import(sqlite_session, "data.json", b'{"a": 1}')
    assert json_not_csl.refused and "array of items" in json_not_csl.problems[0].message


def test_cli_imports_each_format_with_json_report_and_refusal(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("endnote.ris", "sample.nbib", "sample_pubmed.xml", "sample_csl.json"):
        assert run(["reference", "import", str(DATA / name), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["refused"] is False
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "ok1", "title": "Fine"}, "not an item"]')
    assert run(["reference", "import", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "refused, nothing written" in out and "malformed record: record 2:" in out
    assert run(["reference", "import", str(bad), "--skip-bad", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == ["ok1"]
    odd = tmp_path / "refs.dat"
    odd.write_bytes((DATA / "endnote.ris").read_bytes())
    assert run(["reference", "import", str(odd), "--format", "ris"]) == 0
    assert "updated 2" in capsys.readouterr().out  # back from the MEDLINE fields to the RIS ones


def test_a_retraction_read_from_pubmed_flags_the_claims_citing_it(sqlite_session: Session) -> None:
    from kb.enums import FlagKind
    from kb.models import Flag
    from kb.services.checks import run_checks
    from tests import factories

    clean = b"PMID- 31000003\nTI  - Vitamin X for chronic pain.\nFAU - Gray, Ann\nDP  - 2018\n"
    _import(sqlite_session, "a.nbib", clean)
    ref = _rows(sqlite_session)["gray2018vitamin"]
    claim = factories.claim(sqlite_session, refs=(ref,))
    run_checks(session=sqlite_session, actor=None, claim_ids=[claim.id])
    assert _import(sqlite_session, "sample.nbib").updated == ["gray2018vitamin"]
    run_checks(session=sqlite_session, actor=None, claim_ids=[claim.id])
    sqlite_session.expire_all()
    flags = sqlite_session.exec(select(Flag).where(Flag.claim_id == claim.id)).all()
    assert [(f.kind, f.note) for f in flags if f.kind == FlagKind.retracted_source] == [
        (FlagKind.retracted_source, "Cited reference gray2018vitamin is marked retracted.")
    ]
