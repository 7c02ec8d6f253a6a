"""The RIS, MEDLINE, PubMed XML and CSL-JSON readers: fields, keys, study types, retraction,
and bad input as problems with where it is (never an exception)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.formats import READERS, ParseResult
from kb.formats.csl_json import parse_csl_json
from kb.formats.detect import by_content
from kb.formats.medline import parse_medline
from kb.formats.pubmed_xml import parse_pubmed_xml
from kb.formats.ris import parse_ris
from tests.conftest import SHARED, require_shared

DATA = Path(__file__).parent / "data" / "formats"


def _read(name: str, fmt: str) -> ParseResult:
    reader = READERS[fmt]
    return reader.parse(reader.decode((DATA / name).read_bytes(), None, name), [])


def _summary(parsed: ParseResult) -> list[tuple]:
    return [
        (r.citekey, r.year, r.doi, r.pmid, r.study_type, r.study_type_inferred, r.retraction)
        for r in parsed.records
    ]


# --------------------------------------------------------------------------- RIS


def test_ris_endnote_flavour_with_bom_blank_lines_repeated_and_unknown_tags() -> None:
    parsed = _read("endnote.ris", "ris")
    assert parsed.problems == [] and parsed.format == "ris"
    first, second = parsed.records
    assert first.authors == ["Lee, Jane", "Park, Min"] and first.journal.startswith("Journal")
    assert (first.volume, first.number, first.pages) == ("12", "3", "101-110")
    assert first.abstract == (
        "Sixty adults were randomized to exercise or usual care. "
        "Pain fell by 1.6 points more with exercise."
    )
    # Every tag kept as written: a repeated one as a list, an unknown one too; BOM gone.
    assert first.raw_fields["TY"] == "JOUR" and first.raw_fields["XY"] == "an unknown tag"
    assert first.raw_fields["KW"] == ["Spinal Stenosis", "Exercise Therapy"]
    assert first.raw_fields["DO"] == "https://doi.org/10.5555/kb.2019.001"
    assert (first.line, second.line) == (1, 23)
    assert _summary(parsed) == [
        ("lee2019exercise", 2019, "10.5555/kb.2019.001", "31000001", "rct", False, "none"),
        ("gray2018vitamin", 2018, None, "31000003", "unknown", False, "retracted"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scopus.ris", ("brown2021spinal", "Neuromodulation Reviews", "systematic-review")),
        ("embase.ris", ("okafor2022rare", "Spine Cases", "case-report")),
        ("wos.ris", ("stone2020supplement", "JOURNAL OF JOINT HEALTH", "unknown")),
    ],
)
def test_ris_database_flavours(name: str, expected: tuple[str, str, str]) -> None:
    parsed = _read(name, "ris")
    assert parsed.problems == []
    (record,) = parsed.records
    assert (record.citekey, record.journal, record.study_type) == expected
    assert record.pmid is None  # a WoS or Embase accession number is no PMID


def test_ris_record_without_er_is_a_problem_naming_it_and_the_next_is_still_read() -> None:
    text = "TY  - JOUR\nTI  - First work\nTY  - JOUR\nTI  - Second work\nER  - \n"
    parsed = parse_ris(text + "TY  - JOUR\nTI  - Third work, cut\n")
    assert [r.title for r in parsed.records] == ["First work", "Second work", "Third work, cut"]
    assert [(p.kind, p.line, p.citekey, p.record) for p in parsed.problems] == [
        ("malformed record", 1, parsed.records[0].citekey, 1),
        ("malformed record", 6, parsed.records[2].citekey, 3),
    ]
    assert "no ER line before the next record's TY on line 3" in parsed.problems[0].message
    assert "before the end of the file" in parsed.problems[1].message


def test_ris_text_with_no_record_is_a_problem_and_an_empty_file_is_none() -> None:
    assert [p.kind for p in parse_ris("just some words\n").problems] == ["malformed record"]
    assert parse_ris("\n\n").problems == [] and parse_ris("").records == []


def test_ris_given_keys_win_and_a_repeated_key_is_a_problem() -> None:
    text = (
        "TY  - JOUR\nID  - smith2020\nTI  - A\nER  - \n"
        "TY  - JOUR\nID  - 12345\nAU  - Smith, B\nPY  - 2020\nTI  - Pain\nER  - \n"
        "TY  - JOUR\nID  - SMITH2020\nTI  - C\nER  - \n"
        "TY  - JOUR\nID  - 777\nKB  - citekey: mine2\nKB  - studytype: cohort\nTI  - D\nER  - \n"
    )
    parsed = parse_ris(text)
    assert [r.citekey for r in parsed.records] == ["smith2020", "smith2020pain", "mine2"]
    assert [r.key_generated for r in parsed.records] == [False, True, False]
    assert [(p.kind, p.line) for p in parsed.problems] == [("duplicate key", 11)]
    assert parsed.records[2].study_type == "cohort"


def test_ris_shared_real_files_read_without_a_crash() -> None:
    folder = require_shared(SHARED / "realdata" / "ris")
    reader = READERS["ris"]
    read = {}
    for path in sorted(folder.glob("*.ris")):
        parsed = reader.parse(reader.decode(path.read_bytes(), None, path.name), [])
        read[path.name] = parsed
    full = read["example_full.ris"].records
    assert [r.title for r in full] == ["Title of reference", "The title of the reference"]
    assert full[0].raw_fields["A2"] == "Glattauer, Daniel" and full[0].line == 2
    assert read["example_bom.ris"].records[0].doi == "10.1186/s40981-020-0316-0"
    assert read["example_single_unknown_tag.ris"].records[0].raw_fields["JP"] == [
        "CRISPR",
        "Direct Current",
    ]
    assert read["example_starting_newlines.ris"].records[0].line == 3
    empty = read["example_empty_tag.ris"].records[0]
    assert empty.doi == "10.1177/2325967120950040" and empty.raw_fields["SP"] == ""
    assert empty.study_type == "systematic-review" and empty.study_type_inferred
    multi = read["example_multiline.ris"].records
    assert (
        multi[1].raw_fields["N2"] == "first line, ER then second line and at the end the last line"
    )
    assert len(read["example_urls.ris"].records) == 4
    utf = read["example_utf_chars.ris"].records[0]
    assert utf.authors[0] == "Dobrokhotova, Yu E." and utf.raw_fields["N1"] == "Ä,Ö,Ü,ä,ö,ü,ß"


# --------------------------------------------------------------------------- MEDLINE


def test_medline_records_with_continuations_fau_doi_and_publication_types() -> None:
    parsed = _read("sample.nbib", "medline")
    assert parsed.problems == []
    first = parsed.records[0]
    assert first.title == (
        "Exercise therapy for lumbar spinal stenosis: a randomized controlled trial."
    )
    assert first.authors == ["Lee, Jane", "Park, Min"]  # FAU, not AU
    assert first.raw_fields["AU"] == ["Lee J", "Park M"]
    assert first.raw_fields["AID"] == ["10.5555/kb.2019.001 [doi]", "S0000-0000(19)00001-1 [pii]"]
    assert _summary(parsed) == [
        ("lee2019exercise", 2019, "10.5555/kb.2019.001", "31000001", "rct", False, "none"),
        ("gray2018vitamin", 2018, None, "31000003", "unknown", False, "retracted"),
        ("stone2020supplement", 2020, None, "31000005", "unknown", False,
         "expression-of-concern"),
        ("american2020guideline", 2020, None, "31000006", "guideline", False, "none"),
    ]  # fmt: skip
    assert [r.line for r in parsed.records] == [2, 27, 36, 43]


def test_medline_record_without_pmid_is_a_problem_with_its_line() -> None:
    parsed = parse_medline(
        "PMID- 1\nTI  - One.\n\nTI  - Two.\nFAU - Roe, Ann\n\nPMID- 3\nTI  - 3.\n"
    )
    assert [(p.kind, p.line, p.record) for p in parsed.problems] == [("missing pmid", 4, 2)]
    assert parsed.problems[0].citekey == parsed.records[1].citekey == "roeuntitled"


def test_medline_shared_real_record() -> None:
    path = require_shared(SHARED / "realdata" / "medline" / "pubmed_result1.txt")
    reader = READERS["medline"]
    parsed = reader.parse(reader.decode(path.read_bytes(), None, path.name), [])
    assert parsed.problems == []
    (record,) = parsed.records
    assert (record.pmid, record.year, record.pages) == ("12230038", 2002, "296-302")
    assert record.authors == ["Mangalam, Harry"] and record.journal == "Briefings in bioinformatics"
    assert record.abstract.startswith("Bioinformatics research is often difficult to do with")
    assert "customised pipelines or analysis" in record.abstract
    assert record.raw_fields["MH"][0] == "*Computational Biology"


# --------------------------------------------------------------------------- PubMed XML


def test_pubmed_xml_articles_authors_types_and_retraction_notice() -> None:
    parsed = _read("sample_pubmed.xml", "pubmed-xml")
    assert parsed.problems == []
    meta, case = parsed.records
    assert meta.title == "Spinal cord stimulation outcomes: a meta-analysis."
    assert meta.authors == ["Brown, Tom", "Pain Trials Group"]
    assert meta.abstract == "Stimulation is used for pain. Pain fell in 14 trials."
    assert (meta.journal, meta.volume, meta.pages, meta.line) == (
        "Neuromodulation reviews", "7", "1-15", 4,
    )  # fmt: skip
    assert case.year == 2017 and case.authors == ["Okafor, C"]
    assert _summary(parsed) == [
        ("brown2021spinal", 2021, "10.5555/kb.2021.002", "31000002", "systematic-review",
         False, "none"),
        ("okafor2017epidural", 2017, None, "31000007", "case-report", False, "retracted"),
    ]  # fmt: skip


FULL_XML = (DATA / "sample_pubmed.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (FULL_XML[: FULL_XML.index("</PubmedArticle>") + 60], 45, "1 record(s) before it"),
        ("<article><front/></article>", 1, "not PubMed XML"),
        ("", 1, "cannot be read"),
        ("<PubmedArticleSet><PubmedArticle>&bogus;</PubmedArticle>", 1, "cannot be read"),
    ],
)
def test_pubmed_xml_malformed_is_a_problem(text: str, where: int | None, says: str) -> None:
    parsed = parse_pubmed_xml(text)
    assert len(parsed.problems) == 1 and says in parsed.problems[0].message
    assert parsed.problems[0].kind == "malformed record"
    if where is not None:
        assert parsed.problems[0].line == where


def test_pubmed_xml_does_not_expand_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    text = (
        f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>T &x;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    )
    parsed = parse_pubmed_xml(text)
    assert all("TOP SECRET" not in (r.title or "") for r in parsed.records)


# --------------------------------------------------------------------------- CSL-JSON


def test_csl_json_names_dates_keys_and_kb_custom_values() -> None:
    parsed = _read("sample_csl.json", "csl-json")
    assert parsed.problems == []
    lee, acp, van = parsed.records
    assert (lee.citekey, lee.key_generated, lee.number, lee.pmid) == (
        "lee2019exercise", False, "3", "31000001",
    )  # fmt: skip
    assert (acp.citekey, acp.key_generated, acp.entry_type) == (
        "american2020guideline", True, "techreport",
    )  # fmt: skip
    assert acp.authors == ["American College of Physicians"] and acp.year == 2020
    assert (acp.study_type, acp.study_type_inferred) == ("guideline", False)
    assert van.authors == ["van Buyten, Jan"] and van.journal == "Muscle & Nerve"
    assert van.year == 2016 and van.study_type == "cross-sectional"
    assert lee.raw_fields["issued"] == {"date-parts": [[2019, 3]]}  # JSON values kept
    assert [r.number_in_file for r in parsed.records] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"items": []}', "this file holds a JSON object"),
        ('[{"title": "A"}, ', "This is not JSON: line 1, column"),
        ("[NaN]", "NaN is not a JSON value"),
        ("[" * 100_000, "This is not JSON"),
    ],
)
def test_csl_json_that_is_not_an_array_of_items_is_a_problem(text: str, says: str) -> None:
    parsed = parse_csl_json(text)
    assert parsed.records == [] and len(parsed.problems) == 1
    assert says in parsed.problems[0].message


def test_csl_json_bad_items_are_problems_numbered_by_item() -> None:
    parsed = parse_csl_json('[{"id": "a1", "title": "A"}, 7, {"id": "b1", "title": "B\\u0000"}]')
    assert [(p.kind, p.record, p.citekey) for p in parsed.problems] == [
        ("malformed record", 2, None),
        ("malformed record", 3, "b1"),
    ]
    assert "Item 2 is not an object (7)" in parsed.problems[0].message


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("\ufeff\n[{}]", "csl-json"),
        ('<?xml version="1.0"?>\n<PubmedArticleSet>', "pubmed-xml"),
        ("<html>", None),
        ("\nPMID- 123\nTI  - x", "medline"),
        ("1.\nTY  - JOUR\n", "ris"),
        ("% c\n@article{k,", "bibtex"),
        ("hello", None),
    ],
)
def test_detection_by_content(text: str, fmt: str | None) -> None:
    assert by_content(text) == fmt


def test_medline_text_that_is_not_medline_is_one_problem_per_run_of_it() -> None:
    parsed = parse_medline("hello\n\nworld\nagain\n\nPMID- 1\nTI  - T.\nstray\nstray\n\nbye\n")
    assert [(p.kind, p.line, p.citekey) for p in parsed.problems] == [
        ("malformed record", 1, None),
        ("malformed record", 6, parsed.records[0].citekey),
        ("malformed record", 11, None),
    ]
    assert parsed.problems[0].message.startswith("Lines 1-4: no MEDLINE tag line")
    assert "Line 8 (and 1 more line(s) of it) is neither" in parsed.problems[1].message
    assert len(parsed.records) == 1
