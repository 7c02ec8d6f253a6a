"""kb.formats.bibtex: .bib files into records and problems, and written back unchanged."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.gen_bib import generate_bib
from kb.errors import ImportProblem
from kb.formats import Problem, ReferenceRecord, infer_study_type
from kb.formats.bibtex import (
    BARE,
    PROBLEM_KINDS,
    crossref_dependants,
    parse_bib,
    read_bib_bytes,
    render_bib,
    value_expression,
)
from kb.formats.bibtex.latex import decode_latex, split_authors
from tests.conftest import SHARED, require_shared

DATA = Path(__file__).parent / "data" / "bib"
REALDATA = SHARED / "realdata" / "bib"
# Absent: one test that says so (skips; fails in CI), instead of an empty parameter set.
REAL_FILES = sorted(REALDATA.rglob("*.bib")) if REALDATA.is_dir() else [REALDATA]
needs_realdata = pytest.mark.usefixtures("realdata")


@pytest.fixture
def realdata() -> Path:
    """../shared/realdata/bib, or skip (fail when KB_REQUIRE_SHARED=1)."""
    return require_shared(REALDATA)


def _shape(record: ReferenceRecord) -> dict:
    """Everything a round trip must keep: all fields but the line the entry sat on."""
    fields = dataclasses.asdict(record)
    del fields["line"]
    return fields


def _round_trip(result):
    text = render_bib(
        result.records,
        strings=result.strings,
        preambles=result.preambles,
        comments=result.comments,
    )
    return parse_bib(text)


# --------------------------------------------------------------------------- problems

PROBLEM_FIXTURES = {
    "malformed.bib": (
        ["good1", "good2", "good3"],
        [("malformed block", 7, "broken1"), ("malformed block", 15, "broken2")],
    ),
    "duplicate_key.bib": (
        ["smith2010", "jones2011"],
        [("duplicate key", 9, "smith2010"), ("duplicate key", 13, "SMITH2010")],
    ),
    "missing_title.bib": (
        ["parent", "child", "notitle", "emptytitle"],
        [("missing title", 11, "notitle"), ("missing title", 16, "emptytitle")],
    ),
    "undefined_macro.bib": (
        ["known", "unknown1", "unknown2"],
        [
            ("undefined macro", 9, "unknown1"),
            ("undefined macro", 14, "unknown2"),
            ("undefined macro", 14, "unknown2"),
        ],
    ),
    "missing_crossref.bib": (
        ["conf2019", "present", "absent"],
        [("missing crossref", 11, "absent")],
    ),
}


@pytest.mark.parametrize("name", sorted(PROBLEM_FIXTURES))
def test_each_problem_kind_is_reported_with_line_and_key(name):
    keys, expected = PROBLEM_FIXTURES[name]
    result = parse_bib((DATA / name).read_text(encoding="utf-8"))
    assert [r.citekey for r in result.records] == keys
    assert [(p.kind, p.line, p.citekey) for p in result.problems] == expected


@pytest.mark.parametrize("name", sorted(PROBLEM_FIXTURES))
def test_problem_messages_name_the_key_and_the_line(name):
    result = parse_bib((DATA / name).read_text(encoding="utf-8"))
    for problem in result.problems:
        assert problem.citekey in problem.message
        assert f"line {problem.line}" in problem.message


def test_undefined_macro_messages_name_the_macro():
    result = parse_bib((DATA / "undefined_macro.bib").read_text(encoding="utf-8"))
    assert ["'nejm'" in p.message for p in result.problems] == [True, False, False]
    assert "'sfx'" in result.problems[1].message
    assert "'bmj'" in result.problems[2].message


def test_problem_as_dict():
    problem = Problem("duplicate key", 3, "a", "The key 'a' on line 3 ...")
    assert problem.as_dict() == {
        "kind": "duplicate key",
        "line": 3,
        "citekey": "a",
        "message": "The key 'a' on line 3 ...",
        "record": None,  # BibTeX problems have lines; JSON formats number their records
    }


def test_first_of_duplicate_keys_is_kept():
    result = parse_bib((DATA / "duplicate_key.bib").read_text(encoding="utf-8"))
    assert result.records[0].title == "First copy"


def test_repeated_field_is_a_malformed_block():
    result = parse_bib("@article{a,\n  title = {One},\n  Title = {Two}\n}\n")
    assert result.records == []
    assert [(p.kind, p.line, p.citekey) for p in result.problems] == [("malformed block", 1, "a")]
    assert "title" in result.problems[0].message


def test_crossref_fills_decoded_fields_only():
    result = parse_bib((DATA / "missing_title.bib").read_text(encoding="utf-8"))
    child = result.records[1]
    assert child.title == "The Parent Volume"
    assert child.year == 2005
    assert "title" not in child.raw_fields
    assert "year" not in child.raw_fields


def test_crossref_chain_and_cycle():
    text = """
@article{a, crossref = {b}}
@article{b, crossref = {c}}
@book{c, title = {Top}, year = 1999}
@article{x, crossref = {y}}
@article{y, crossref = {x}}
"""
    result = parse_bib(text)
    titles = {r.citekey: (r.title, r.year) for r in result.records}
    assert titles["a"] == ("Top", 1999)
    assert [(p.kind, p.citekey) for p in result.problems] == [
        ("missing title", "x"),
        ("missing title", "y"),
    ]


# --------------------------------------------------------------------------- bytes


def test_utf8_bom_is_stripped():
    text = read_bib_bytes(b"\xef\xbb\xbf@article{bom, title = {T}}\n")
    assert text.startswith("@article")
    assert [r.citekey for r in parse_bib(text).records] == ["bom"]


def test_crlf_line_ends_are_normalized():
    text = read_bib_bytes(b"@article{a,\r\n  abstract = {one\r\ntwo}\r\n}\r\n")
    assert parse_bib(text).records[0].raw_fields["abstract"] == "one\ntwo"


@pytest.mark.parametrize(
    ("encoding", "word"),
    [("latin-1", "Gödel"), ("gbk", "凯撒")],
)
def test_non_utf8_is_refused_then_read_with_encoding(encoding, word):
    prefix = b"% first line\n@article{k,\n  title = {"
    data = prefix + word.encode(encoding) + b"},\n}\n"
    with pytest.raises(ImportProblem) as caught:
        read_bib_bytes(data, source="refs.bib")
    message = str(caught.value)
    first_bad = next(i for i, byte in enumerate(data) if byte > 0x7F)
    assert f"byte offset {first_bad} " in message
    assert "(line 3)" in message
    assert "--encoding" in message
    assert "refs.bib" in message
    text = read_bib_bytes(data, encoding=encoding)
    assert parse_bib(text).records[0].title == word


def test_unknown_encoding_is_an_import_problem():
    with pytest.raises(ImportProblem, match="no-such-codec"):
        read_bib_bytes(b"@article{a, title={T}}", encoding="no-such-codec")


# --------------------------------------------------------------------------- LaTeX


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M\"uller", "Müller"),
        (r"M{\"u}ller", "Müller"),
        (r"Caf\'e", "Café"),
        (r"{\"o}", "ö"),
        (r"\`a", "à"),
        (r"\^o", "ô"),
        (r"Espa\~na", "España"),
        (r"Fran\c{c}ois", "François"),
        (r"\c cedilla", "çedilla"),
        (r"Dvo\v{r}\'ak", "Dvořák"),
        (r"Stra\ss e", "Straße"),
        (r"Stra{\ss}e", "Straße"),
        (r"{\O}stergaard", "Østergaard"),
        (r"\o re", "øre"),
        (r"\aa", "å"),
        (r"\AA ngstr\"om", "Ångström"),
        (r"\ae", "æ"),
        (r"Garc{\'\i}a", "García"),
        (r"\'{\i}", "í"),
        (r"H\H{o}", "Hő"),
        (r"\l{}\'od\'z", "łódź"),
        ("10--20", "10–20"),
        ("a---b", "a—b"),
        ("Fig.~2", "Fig. 2"),
        ("{DNA} of {COVID-19}", "DNA of COVID-19"),
        (r"R\&D 5\% a\_b \$3", "R&D 5% a_b $3"),
        (r"\texttt{x} \emph{y} \textbf{z}", "x y z"),
        (r"{\sc Conniver}", "Conniver"),
        (r"$\chi^2$ $\pm$ $\geq$", "χ^2 ± ≥"),
        (r"\~{}user", "~user"),
        (r"a\\b", "a b"),
    ],
)
def test_decode_latex(latex, text):
    assert decode_latex(latex) == text


def test_decode_latex_leaves_plain_text_alone():
    plain = "Spinal cord stimulation: 69 patients, p < 0.05 - VAS 7.4"
    assert decode_latex(plain) is plain


# --------------------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Costantini, A. and Buchser, E.", ["Costantini, A.", "Buchser, E."]),
        ("Jean-Pierre Van Buyten", ["Buyten, Jean-Pierre Van"]),  # as BibTeX reads it
        ("Van Buyten, Jean-Pierre", ["Van Buyten, Jean-Pierre"]),
        ("Ludwig van Beethoven", ["van Beethoven, Ludwig"]),
        ("Maria de la Cruz", ["de la Cruz, Maria"]),
        ("Jean {de la} Fontaine", ["Fontaine, Jean de la"]),
        (r"M{\"u}ller, J{\"o}rg AND Smith, Jr, John", ["Müller, Jörg", "Smith, John, Jr"]),
        ("{World Health Organization} and Doe, Jane", ["World Health Organization", "Doe, Jane"]),
        ("{Barnes and Noble} and Sand, Andy", ["Barnes and Noble", "Sand, Andy"]),
        ("Doe, Jane and others", ["Doe, Jane", "et al."]),
        ("Aristotle", ["Aristotle"]),
        ("J.~Smith", ["Smith, J."]),
        ("family=Adler, given=Alfred, prefix=von", ["von Adler, Alfred"]),
        ("Ozcan-Eksi, E. E.\n  and Yagci, I.", ["Ozcan-Eksi, E. E.", "Yagci, I."]),
        ("", []),
    ],
)
def test_split_authors(value, names):
    assert split_authors(value) == names


# --------------------------------------------------------------------------- study types


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"studytype": "rct", "title": "A cohort study"}, ("rct", False)),
        ({"studytype": "Case-Series"}, ("case-series", False)),
        ({"studytype": "unknown", "title": "A randomized trial"}, ("unknown", False)),
        ({"studytype": "nonsense", "title": "A randomised trial"}, ("rct", True)),
        ({"pubtype": "Randomized Controlled Trial"}, ("rct", False)),
        ({"pubtype": "Meta-Analysis; Review"}, ("systematic-review", False)),
        ({"publicationtype": "Systematic Review"}, ("systematic-review", False)),
        ({"pubtype": "Practice Guideline"}, ("guideline", False)),
        ({"pubtype": "Case Reports"}, ("case-report", False)),
        ({"keywords": "Humans; Cohort Studies; Pain"}, ("cohort", False)),
        ({"keywords": "Prospective Studies"}, ("cohort", False)),
        ({"pubtype": "Case-Control Studies"}, ("case-control", False)),
        ({"pubtype": "Cross-Sectional Studies"}, ("cross-sectional", False)),
        ({"pubtype": "Journal Article; Review"}, ("narrative-review", False)),
        ({"pubtype": "Editorial"}, ("expert-opinion", False)),
        ({"pubtype": "Comment"}, ("expert-opinion", False)),
        ({"pubtype": "Observational Study"}, ("cohort", True)),
        ({"keywords": "Randomized Controlled Trials as Topic"}, ("unknown", False)),
        ({"title": "Effect of X: a randomized controlled trial"}, ("rct", True)),
        ({"title": "A non-randomized comparison of X"}, ("unknown", False)),
        (
            {"title": "X for Y: a systematic review of randomized trials"},
            ("systematic-review", True),
        ),
        ({"title": "Meta-analysis of X"}, ("systematic-review", True)),
        ({"title": "National guideline on X"}, ("guideline", True)),
        ({"title": "An unusual presentation: case report"}, ("case-report", True)),
        ({"title": "A nested case-control study in a cohort"}, ("case-control", True)),
        ({"title": "Cross-sectional survey of nurses"}, ("cross-sectional", True)),
        ({"title": "Outcomes from a national registry"}, ("case-series", True)),
        ({"title": "A case series of 12 patients"}, ("case-series", True)),
        ({"title": "Spinal stenosis: surgical versus nonsurgical treatment"}, ("unknown", False)),
        ({}, ("unknown", False)),
    ],
)
def test_infer_study_type(fields, expected):
    assert infer_study_type(fields) == expected


def test_records_carry_study_type_and_retraction():
    text = """
@article{a, title = {X}, studytype = {rct}, retraction = {Retracted}}
@article{b, title = {Y: a prospective cohort study}, retraction = {expression of concern}}
@article{c, title = {Z}, retraction = {maybe}}
"""
    records = parse_bib(text).records
    assert [(r.study_type, r.study_type_inferred, r.retraction) for r in records] == [
        ("rct", False, "retracted"),
        ("cohort", True, "expression-of-concern"),
        ("unknown", False, "none"),
    ]


# --------------------------------------------------------------------------- macros and values


MACRO_TEXT = """@string{J-Pain = "Pain"}
@string{Rev = J-Pain # " Reviews"}
@article{m,
  title = "Part one" # { and {Two}},
  journal = rev,
  month = JAN,
  year = 2019,
  note = "Epub" # " " # dec,
  pages = {10--12},
}
"""


def test_concatenation_and_month_macros_are_expanded():
    result = parse_bib(MACRO_TEXT)
    assert result.problems == []
    record = result.records[0]
    assert record.title == "Part one and Two"
    assert record.journal == "Pain Reviews"
    assert record.year == 2019
    assert record.note == "Epub December"
    assert record.pages == "10–12"
    assert result.strings == {"J-Pain": "Pain", "Rev": BARE + 'J-Pain # " Reviews"'}


def test_raw_fields_keep_expressions_behind_the_marker():
    raw = parse_bib(MACRO_TEXT).records[0].raw_fields
    assert raw == {
        "title": BARE + '"Part one" # { and {Two}}',
        "journal": BARE + "rev",
        "month": BARE + "JAN",
        "year": BARE + "2019",
        "note": BARE + '"Epub" # " " # dec',
        "pages": "10--12",
    }
    assert value_expression(raw["month"]) == "JAN"
    assert value_expression(raw["pages"]) == "{10--12}"


def test_macros_from_elsewhere_expand_but_are_not_reemitted():
    text = "@article{a, title = {T}, journal = nejm}\n"
    alone = parse_bib(text)
    assert [(p.kind, p.citekey) for p in alone.problems] == [("undefined macro", "a")]
    assert alone.records[0].journal == "nejm"
    known = parse_bib(text, macros={"NEJM": "N Engl J Med"})
    assert known.problems == []
    assert known.records[0].journal == "N Engl J Med"
    assert known.strings == {}
    assert "@string" not in render_bib(known.records, strings=known.strings)


def test_quoted_value_is_stored_as_text():
    record = parse_bib('@article{q, title = "A {"}quoted{"} title", note = "50%"}').records[0]
    assert record.raw_fields == {"title": 'A {"}quoted{"} title', "note": "50%"}
    assert record.title == 'A "quoted" title'


def test_identifiers_are_not_typeset():
    text = r"@article{d, title={T}, doi = {https://doi.org/10.1000/a--b\_c}, pmid = {123}}"
    record = parse_bib(text).records[0]
    assert (record.doi, record.pmid) == ("10.1000/a--b_c", "123")


def test_content_hash_ignores_field_order_but_not_values():
    a = ReferenceRecord("k", "article", raw_fields={"title": "T", "year": "2001"})
    b = ReferenceRecord("k", "article", raw_fields={"year": "2001", "title": "T"})
    c = ReferenceRecord("k", "article", raw_fields={"year": "2002", "title": "T"})
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() != c.content_hash()
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_hash())


# --------------------------------------------------------------------------- writing


def test_round_trip_of_own_fixtures():
    for path in sorted(DATA.glob("*.bib")):
        first = parse_bib(path.read_text(encoding="utf-8"))
        second = _round_trip(first)
        assert [_shape(r) for r in second.records] == [_shape(r) for r in first.records], path
        assert second.strings == first.strings


def test_study_type_read_through_a_macro_is_written_back_unchanged():
    text = """@string{kw = {Randomized Controlled Trial}}
@article{a, title = {Stimulation for pain}, keywords = kw, year = 2020}
"""
    first = parse_bib(text)
    assert (first.records[0].study_type, first.records[0].study_type_inferred) == ("rct", False)
    out = render_bib(first.records, strings=first.strings)
    assert "studytype" not in out  # the keywords say it once read through the macro
    second = parse_bib(out)
    assert second.records[0].raw_fields == first.records[0].raw_fields
    assert second.records[0].content_hash() == first.records[0].content_hash()


def test_render_writes_strings_preambles_comments_then_entries():
    text = """@preamble{"\\newcommand{\\noop}[1]{}"}
@comment{jabref-meta: x;}
@string{pain = "Pain"}
@article{a, journal = pain, month = jan, title = {T}}
"""
    first = parse_bib(text)
    out = render_bib(
        first.records, strings=first.strings, preambles=first.preambles, comments=first.comments
    )
    assert out.index("@string{pain") < out.index("@preamble{") < out.index("@comment{")
    assert out.index("@comment{") < out.index("@article{a,")
    assert "journal = pain," in out
    assert "month = jan," in out
    assert "title = {T}," in out
    second = parse_bib(out)
    assert (second.preambles, second.comments) == (first.preambles, first.comments)


def test_render_writes_study_type_and_retraction_from_the_record():
    record = parse_bib("@article{a, title = {Effect of X: a randomised trial}}").records[0]
    assert (record.study_type, record.study_type_inferred) == ("rct", True)
    assert "studytype" not in render_bib([record])  # a guess is not written down
    record.study_type, record.study_type_inferred = "cohort", False
    record.retraction = "retracted"
    out = render_bib([record])
    assert "studytype = {cohort}" in out
    assert "retraction = {retracted}" in out
    again = parse_bib(out).records[0]
    assert (again.study_type, again.study_type_inferred, again.retraction) == (
        "cohort",
        False,
        "retracted",
    )
    again.retraction = "none"
    assert "retraction" not in render_bib([again])


def test_render_extra_fields():
    record = parse_bib("@misc{a, title = {T}}").records[0]
    out = render_bib([record], extra_fields=lambda r: {"x-kb-id": "42"})
    assert parse_bib(out).records[0].raw_fields == {"title": "T", "x-kb-id": "42"}


def test_unbalanced_text_is_still_written_readably():
    record = ReferenceRecord("a", "misc", raw_fields={"title": "half } open {"})
    out = render_bib([record])
    assert 'title = "half } open {"' in out
    again = parse_bib(out).records[0]
    assert again.raw_fields["title"] == "half } open {"
    assert again.title == "half open"


# Text as people type it in a .bib: accents, protective braces, quotes, %, unicode, math.
_ATOMS = st.one_of(
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            exclude_categories=("Cs", "Cc", "Co"),
            exclude_characters="{}\\@",
        ),
        max_size=12,
    ),
    st.sampled_from(
        [
            r"\"u",
            r"\'e",
            r"{\"o}",
            r"\`a",
            r"\c{c}",
            r"\v{s}",
            r"{\ss}",
            r"\&",
            r"\%",
            "~",
            "--",
            "---",
            "$\\pm$",
            "%",
            '"',
            "#",
            ",",
            "=",
            "\n",
            " and ",
        ]
    ),  # fmt: skip
)
_TEXT = st.recursive(
    st.lists(_ATOMS, max_size=6).map("".join),
    lambda inner: st.lists(st.one_of(_ATOMS, inner.map(lambda t: "{" + t + "}")), max_size=4).map(
        "".join
    ),
    max_leaves=12,
)
_QUOTABLE = _TEXT.filter(lambda t: '"' not in t)
_MACROS = {"pain": "Pain", "bmj": "BMJ {\\&} Co"}
_EXPRESSION = st.one_of(
    st.sampled_from(["jan", "Feb", "pain", "BMJ"]),
    st.integers(0, 3000).map(str),
    st.lists(
        st.one_of(
            st.sampled_from(["pain", "dec"]),
            _TEXT.map(lambda t: "{" + t + "}"),
            _QUOTABLE.map(lambda t: '"' + t + '"'),
        ),
        min_size=2,
        max_size=4,
    ).map(" # ".join),
)
_VALUE = st.one_of(_TEXT, _EXPRESSION.map(lambda e: BARE + e))
_FIELDS = st.dictionaries(
    st.sampled_from(["title", "author", "journal", "year", "abstract", "note", "pages", "x-y"]),
    _VALUE,
    max_size=6,
)


def _write(entries: list[tuple[str, dict[str, str]]]) -> str:
    """A .bib text written independently of render_bib, so the reader is tested on its own."""
    head = "".join(f'@string{{{k} = "{v}"}}\n' for k, v in _MACROS.items())
    body = "\n".join(
        f"@article{{{key},\n"
        + "".join(f"  {name} = {value_expression(raw)},\n" for name, raw in fields.items())
        + "}\n"
        for key, fields in entries
    )
    return head + body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FIELDS, min_size=1, max_size=4))
def test_generated_entries_round_trip(field_sets):
    entries = [(f"key{i}", fields) for i, fields in enumerate(field_sets)]
    first = parse_bib(_write(entries))
    assert [p for p in first.problems if p.kind != "missing title"] == []
    assert [(r.citekey, r.raw_fields) for r in first.records] == entries
    second = _round_trip(first)
    assert [_shape(r) for r in second.records] == [_shape(r) for r in first.records]
    for record in first.records:
        if record.title is not None and "\\{" not in record.raw_fields["title"]:
            assert "{" not in record.title


# --------------------------------------------------------------------------- benchmark data


def test_generated_benchmark_file_reads_cleanly():
    text = generate_bib(200, seed=3)
    assert text == generate_bib(200, seed=3)
    result = parse_bib(text)
    assert len(result.records) == 200
    assert result.problems == []
    raws = [r.raw_fields for r in result.records]
    assert any(raw.get("month", "").startswith(BARE) for raw in raws)
    assert any(" # " in raw.get("journal", "") for raw in raws)
    assert all(r.title and r.authors and r.doi and r.pmid and r.abstract for r in result.records)
    assert any(not r.study_type_inferred and r.study_type != "unknown" for r in result.records)
    assert [_shape(r) for r in _round_trip(result).records] == [_shape(r) for r in result.records]


# --------------------------------------------------------------------------- real files


def _read_real(path: Path, encoding: str | None = None):
    return parse_bib(read_bib_bytes(path.read_bytes(), encoding=encoding, source=str(path)))


@needs_realdata
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: str(p.relative_to(REALDATA)))
def test_real_file_parses_and_round_trips(path):
    try:
        first = _read_real(path)
    except ImportProblem as problem:  # not UTF-8: refused with a reason, never a crash
        assert "--encoding" in str(problem)
        return
    assert {p.kind for p in first.problems} <= set(PROBLEM_KINDS)
    second = _round_trip(first)
    assert [_shape(r) for r in second.records] == [_shape(r) for r in first.records]


@needs_realdata
def test_real_duplicate_key_tmn4():
    path = REALDATA / "biber" / "examples.bib"
    text = path.read_text(encoding="utf-8")
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if "{tmn4," in line]
    assert len(lines) == 2
    result = parse_bib(text)
    duplicates = [(p.line, p.citekey) for p in result.problems if p.kind == "duplicate key"]
    assert duplicates == [(lines[1], "tmn4")]
    assert [r.citekey for r in result.records].count("tmn4") == 1


@needs_realdata
def test_real_case_variant_duplicates_in_full_bbl():
    result = _read_real(REALDATA / "biber" / "full-bbl.bib")
    duplicates = [(p.line, p.citekey) for p in result.problems if p.kind == "duplicate key"]
    assert duplicates == [(11, "F1"), (18, "f1")]


@needs_realdata
@pytest.mark.parametrize(
    ("relative", "encoding", "expected"),
    [
        ("biber/encoding3.bib", "latin-1", "Söme title"),
        ("bibtexparser-v2/gbk_test.bib", "gbk", "凯撒2013"),
    ],
)
def test_real_non_utf8_files(relative, encoding, expected):
    path = REALDATA / relative
    with pytest.raises(ImportProblem, match="--encoding"):
        _read_real(path)
    record = _read_real(path, encoding=encoding).records[0]
    assert expected in (record.title, record.citekey)


@needs_realdata
def test_real_papers_need_definitions():
    papers = (REALDATA / "large" / "papers.bib").read_text(encoding="utf-8")
    definitions = (REALDATA / "large" / "definitions.bib").read_text(encoding="utf-8")
    alone = parse_bib(papers)
    assert any(p.kind == "undefined macro" for p in alone.problems)
    strings = parse_bib(definitions).strings
    with_macros = parse_bib(papers, macros=strings)
    assert [p for p in with_macros.problems if p.kind == "undefined macro"] == []
    together = parse_bib(definitions + "\n" + papers)
    assert [p for p in together.problems if p.kind == "undefined macro"] == []
    assert len(together.records) == len(alone.records) == 2157
    assert [r.journal for r in together.records] == [r.journal for r in with_macros.records]


# --------------------------------------------------------------------------- adversarial input


def test_stray_closing_brace_in_a_value_is_a_malformed_block():
    # In an entry delimited by parentheses the splitter hands over `Smith}` as the value.
    text = "@article(k1,\n  author = Smith},\n  title = {A title}\n)\n@article{ok, title = {T}}\n"
    result = parse_bib(text)
    assert [r.citekey for r in result.records] == ["ok"]
    assert [(p.kind, p.line, p.citekey) for p in result.problems] == [("malformed block", 1, "k1")]
    message = result.problems[0].message
    assert "author field" in message and "line 2" in message and "closing brace" in message


@pytest.mark.parametrize(
    "value", ["{a}}b", "{a} # }", "a}", '"x" # }', "}"], ids=["after-literal", "after-hash",
                                                           "after-macro", "after-quote", "alone"]
)  # fmt: skip
def test_every_stray_closing_brace_is_reported_not_raised(value):
    result = parse_bib(f"@article(k, title = {{T}}, note = {value})\n")
    assert result.records == []
    assert [(p.kind, p.citekey) for p in result.problems] == [("malformed block", "k")]


def test_string_with_a_stray_brace_is_reported_and_its_users_too():
    text = "@string(jn = Pain})\n@article{a,\n  title = {T},\n  journal = jn\n}\n"
    result = parse_bib(text)
    assert result.strings == {}
    assert [(p.kind, p.line, p.citekey) for p in result.problems] == [
        ("malformed block", 1, None),
        ("undefined macro", 2, "a"),
    ]
    assert "'jn'" in result.problems[0].message and "closing brace" in result.problems[0].message
    assert "line 1" in result.problems[1].message  # where the unreadable @string is


@pytest.mark.parametrize(
    "strings",
    ["@string{x = x}", "@string{x = y}\n@string{y = x}", "@string{x = {a} # x}"],
    ids=["self", "mutual", "self-concatenated"],
)
def test_string_defined_through_itself_is_not_kept(strings):
    result = parse_bib(strings + "\n@article{a, title = x}\n")
    assert result.strings == {}
    assert ("undefined macro", "a") in [(p.kind, p.citekey) for p in result.problems]
    assert all(p.kind == "undefined macro" for p in result.problems)


def test_fields_cut_off_by_an_extra_closing_brace_are_reported():
    # The extra `}` ends the entry early (as in BibTeX); the fields after it would be lost.
    text = "@article{k,\n  title = {A}},\n  year = {2000},\n}\n@article{ok, title = {T}}\n"
    result = parse_bib(text)
    assert [r.citekey for r in result.records] == ["ok"]
    assert [(p.kind, p.line, p.citekey) for p in result.problems] == [("malformed block", 1, "k")]
    assert "line 2" in result.problems[0].message and "year" in result.problems[0].message


def test_free_text_between_entries_is_still_a_comment():
    text = "@article{a, title = {T}}\nSee also the next one.\n% x = 1\n@article{b, title = {U}}\n"
    result = parse_bib(text)
    assert [r.citekey for r in result.records] == ["a", "b"] and result.problems == []


# Unicode letters and digits (biber reads UTF-8 keys), and the punctuation real keys use:
# `-_:./+?` (realdata), `&` (ADS bibcodes), `()` (DOIs as keys), `@[];!*~^|$`.
GOOD_KEYS = [
    "smith2010", "i3Š", "凯撒2013", "Müller:2019", "doi:10.1016/s0012-365x(97)00126-x",
    "2010A&A...710..123S", "CorneilOS??", "FellowsL88a+", "o@th[;]er", "x_y-z", "k" * 255,
]  # fmt: skip
# No whitespace, braces, quotes, <, >, #, %, comma, =, backslash; no control or invisible
# format characters; at most 255 characters.
BAD_KEYS = [
    "<script>alert(1)</script>", "a b", "a#b", "a%b", "a\\b", "a'b", "a`b", "a<b", "a>b",
    "a\u202eb", "a\u200bb", "a\x1b[31mb", "a\tb", "a\u00a0b", "a\ue000b", "k" * 256,
]  # fmt: skip


@pytest.mark.parametrize("key", GOOD_KEYS)
def test_keys_made_of_bibtex_key_characters_are_read(key):
    result = parse_bib(f"@article{{{key}, title = {{T}}}}\n")
    assert result.problems == []
    assert [r.citekey for r in result.records] == [key]
    again = _round_trip(result)
    assert [r.citekey for r in again.records] == [key] and again.problems == []


@pytest.mark.parametrize("key", BAD_KEYS, ids=lambda k: ascii(k)[:40])
def test_keys_outside_bibtex_key_characters_are_refused(key):
    result = parse_bib(f"@article{{{key}, title = {{T}}}}\n@article{{ok, title = {{T}}}}\n")
    assert [r.citekey for r in result.records] == ["ok"]
    assert [(p.kind, p.line, p.citekey) for p in result.problems] == [("invalid key", 1, key)]
    message = result.problems[0].message
    assert "line 1" in message
    assert message.isprintable()  # control characters are shown escaped, never sent raw


@pytest.mark.parametrize("key", ['a"b', "a=b", "a{b}", "a,b"])
def test_keys_the_splitter_cannot_read_are_malformed_blocks(key):
    result = parse_bib(f"@article{{{key}, title = {{T}}}}\n@article{{ok, title = {{T}}}}\n")
    assert [r.citekey for r in result.records] == ["ok"]
    assert [p.kind for p in result.problems] == ["malformed block"]


def test_overlong_entry_type_is_a_malformed_block():
    result = parse_bib("@" + "a" * 41 + "{k, title = {T}}\n")
    assert result.records == []
    assert [(p.kind, p.citekey) for p in result.problems] == [("malformed block", "k")]


def test_literal_starting_with_the_bare_marker_round_trips():
    text = f'@article{{k, title = {{T}}, note = {{{BARE}x}}, abstract = "{BARE}y"}}\n'
    first = parse_bib(text)
    assert first.problems == []
    assert first.records[0].note == BARE + "x"
    second = _round_trip(first)
    assert second.problems == []
    assert [_shape(r) for r in second.records] == [_shape(r) for r in first.records]


@pytest.mark.parametrize("encoding", ["rot13", "base64", "hex", "zlib", "bz2", "uu", "quopri"])
def test_codec_that_is_not_a_text_encoding_is_an_unknown_encoding(encoding):
    data = b"@article{a, title={T}}"
    with pytest.raises(ImportProblem) as caught:
        read_bib_bytes(data, encoding=encoding, source="ok.bib")
    with pytest.raises(ImportProblem) as unknown:
        read_bib_bytes(data, encoding="no-such-codec", source="ok.bib")
    assert str(caught.value) == str(unknown.value).replace("'no-such-codec'", repr(encoding))


@pytest.mark.parametrize("encoding", ["punycode", "undefined", "idna"])
def test_text_codec_that_fails_on_the_file_is_an_import_problem(encoding):
    data = b"xn--zzzz.@article{a, title={T}}\n"  # not punycode, nor an IDNA label
    with pytest.raises(ImportProblem, match=f"ok.bib.*{encoding}.*--encoding"):
        read_bib_bytes(data, encoding=encoding, source="ok.bib")


@pytest.mark.parametrize(
    ("data", "encoding", "line"),
    [
        (b"@article{a,\n  title = {T\x00}}\n", None, 2),
        ("@article{a,\n title={T}}".encode("utf-16-le"), None, 1),
        (b"@article{a,\n\n  title = {\\ud800}}\n", "unicode_escape", 3),
    ],
    ids=["nul", "utf-16-read-as-utf-8", "lone-surrogate"],
)
def test_text_no_database_can_store_is_refused_with_its_line(data, encoding, line):
    with pytest.raises(ImportProblem) as caught:
        read_bib_bytes(data, encoding=encoding, source="x.bib")
    assert f"x.bib, line {line}:" in str(caught.value)


def test_crossref_dependants_of_skipped_entries_cascade_through_chains_and_cycles():
    text = """
@book{top, title = {Top}, crossref = {nowhere}}
@incollection{mid, title = {Mid}, crossref = {Top}}
@inbook{low, title = {Low}, crossref = {mid}}
@book{c1, title = {C1}, crossref = {c2}}
@book{c2, title = {C2}, crossref = {c1}}
@book{c3, title = {C3}, crossref = {low}}
@book{fine, title = {Fine}, crossref = {other}}
@book{other, title = {Other}}
"""
    result = parse_bib(text)
    assert [(p.kind, p.citekey) for p in result.problems] == [("missing crossref", "top")]
    follow = crossref_dependants(result.records, {"top"})
    assert [(p.kind, p.line, p.citekey) for p in follow] == [
        ("missing crossref", 3, "mid"),
        ("missing crossref", 4, "low"),
        ("missing crossref", 7, "c3"),
    ]
    assert "'Top'" in follow[0].message and "skipped" in follow[0].message
    cycle = crossref_dependants(result.records, {"c2"})
    assert [p.citekey for p in cycle] == ["c1"]


def _written_back(result):
    """The text render_bib writes for a parse, parsed again."""
    text = render_bib(
        result.records,
        strings=result.strings,
        preambles=result.preambles,
        comments=result.comments,
    )
    return text, parse_bib(text)


def test_escaped_brace_that_would_end_the_written_entry_is_a_malformed_block():
    # `\{` does not open a group for the splitter, so `}` would close the written entry.
    result = parse_bib("@article(k, title = {T}, note = \\{a})\n")
    assert result.records == []
    assert [(p.kind, p.citekey) for p in result.problems] == [("malformed block", "k")]
    assert "do not pair up" in result.problems[0].message


def test_unpaired_brace_inside_quotes_is_kept_verbatim():
    first = parse_bib('@article(k, title = {T}, note = "a{b")\n')
    assert first.problems == [] and first.records[0].raw_fields["note"] == BARE + '"a{b"'
    _, again = _written_back(first)
    assert again.problems == [] and again.records[0].raw_fields == first.records[0].raw_fields


@pytest.mark.parametrize("value", ['"\\"', '" \\\\"', '"a\\"'])
def test_string_ending_in_a_backslash_is_a_malformed_block(value):
    result = parse_bib(f"@string{{x = {value}}}\n@article{{k, title = {{T}}}}\n")
    assert result.strings == {}
    assert [(p.kind, p.citekey) for p in result.problems] == [("malformed block", None)]
    assert "backslash" in result.problems[0].message


def test_comment_ending_in_a_backslash_round_trips():
    first = parse_bib("@comment{x\\ }\n@article{k, title = {T}}\n")
    assert first.comments == ["x\\"] and first.problems == []
    _, again = _written_back(first)
    assert again.comments == first.comments and again.problems == []


def test_second_string_of_the_same_name_is_a_duplicate():
    first = parse_bib(
        '@string{jan = "Janvier"}\n@string{x = jan}\n@string{JAN = x # "!"}\n'
        "@article{k, title = jan}\n"
    )
    assert first.strings == {"jan": "Janvier", "x": BARE + "jan"}
    assert [(p.kind, p.line, p.citekey) for p in first.problems] == [("duplicate key", 3, None)]
    assert first.records[0].title == "Janvier"
    _, again = _written_back(first)
    assert again.problems == [] and again.records[0].title == "Janvier"
