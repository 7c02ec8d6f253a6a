"""JATS XML articles: xref markers linked exactly, ref-list entries with their identifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import text
from sqlmodel import Session, col, select

from kb.cli import run
from kb.errors import ImportProblem
from kb.ingest.jats import read_jats
from kb.ingest.parse import parse_document
from kb.ingest.readers import detect_format
from kb.ingest.records import ParsedArticle
from kb.models import Citation, Claim, Reference
from kb.services.ingest import ingest_article, preview_article
from tests import factories as f
from tests.conftest import SHARED, require_shared

REAL = SHARED / "realdata" / "articles"

# A small article of our own: numbered markers with a range and a list, an author-year narrative
# citation, a multi-rid xref, a table, a figure and a formula, nested sections and a list.
FIXTURE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.2 20190208//EN"
  "JATS-journalpublishing1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
<front><article-meta>
<title-group><article-title>Walking and <italic>back</italic> pain</article-title></title-group>
<abstract><p>Walking reduced pain in adults with chronic low back pain.</p></abstract>
</article-meta></front>
<body>
<sec><title>Introduction</title>
<p>Back pain is common [<xref ref-type="bibr" rid="r1">1</xref>].
Exercise helps [<xref ref-type="bibr" rid="r2">2</xref>&#x2013;<xref ref-type="bibr"
rid="r4">4</xref>, <xref ref-type="bibr" rid="r5">5</xref>].
As Smith et al. (<xref ref-type="bibr" rid="r6">2020</xref>) showed, walking is safe.
Two trials agree [<xref ref-type="bibr" rid="r1 r2">1,2</xref>].</p>
<table-wrap id="t1"><caption><p>Table claims must not appear.</p></caption>
<table><tr><td>Pain fell by 40 percent in the table.</td></tr></table></table-wrap>
<fig id="f1"><caption><p>Figure captions are not claims.</p></caption></fig>
<disp-formula><tex-math>E = mc^2</tex-math></disp-formula>
<sec><title>Aims</title>
<p>We list two aims:</p>
<list list-type="bullet"><list-item><p>Measure pain at 12 weeks.</p></list-item>
<list-item><p>Measure function at 12 weeks.</p></list-item></list>
</sec></sec>
</body>
<back>
<ack><p>We thank the participants for their time.</p></ack>
<ref-list><title>References</title>
<ref id="r1"><label>1</label><element-citation publication-type="journal">
<person-group person-group-type="author"><name><surname>Hartvigsen</surname>
<given-names>Jan</given-names></name><etal/></person-group>
<article-title>What low back pain is and why we need to pay attention</article-title>
<source>Lancet</source><year>2018</year><volume>391</volume><issue>10137</issue>
<fpage>2356</fpage><lpage>2367</lpage>
<pub-id pub-id-type="doi">10.1016/S0140-6736(18)30480-X</pub-id>
<pub-id pub-id-type="pmid">29573870</pub-id></element-citation></ref>
<ref id="r2"><label>2</label><mixed-citation publication-type="journal">Doe J, Roe R.
Exercise for pain. Pain Med. 2019;20:1-9.</mixed-citation></ref>
<ref id="r3"><label>3</label><element-citation publication-type="book">
<collab>World Health Organization</collab><source>Guidelines on physical activity</source>
<year>2020</year></element-citation></ref>
<ref id="r4"><label>4</label><element-citation publication-type="journal">
<person-group><name><surname>Lee</surname><given-names>K</given-names></name></person-group>
<article-title>Walking trials</article-title><source>BMJ</source><year>2017</year>
</element-citation></ref>
<ref id="r5"><label>5</label><element-citation publication-type="journal">
<article-title>Fifth</article-title><source>JAMA</source><year>2016</year></element-citation></ref>
<ref id="r6"><label>6</label><element-citation publication-type="journal">
<person-group><name><surname>Smith</surname><given-names>A B</given-names></name></person-group>
<article-title>Walking is safe</article-title><source>Spine</source><year>2020</year>
<pub-id pub-id-type="pmid">31234567</pub-id></element-citation></ref>
</ref-list></back></article>
"""


def _parse(data: bytes) -> ParsedArticle:
    return parse_document(read_jats(data))


def _linked(parsed: ParsedArticle, statement_text: str) -> list[str]:
    """The reference ids the markers of the statement starting with statement_text link to."""
    statement = next(s for s in parsed.statements if s.text.startswith(statement_text))
    return [parsed.references[parsed.links[m]].key or "" for m in statement.markers]


def test_fixture_sections_claims_and_what_is_left_out() -> None:
    parsed = _parse(FIXTURE)
    assert parsed.title == "Walking and back pain"
    assert parsed.format == "jats"
    assert parsed.sections == ["Abstract", "Introduction", "Introduction > Aims"]
    texts = [s.text for s in parsed.statements]
    assert texts[0] == "Walking reduced pain in adults with chronic low back pain."
    assert "Back pain is common." in texts
    assert "Measure pain at 12 weeks." in texts
    assert [s.is_list_item for s in parsed.statements if s.text.startswith("Measure")] == [True] * 2
    joined = " ".join(texts)
    for absent in ("Table claims", "40 percent", "Figure captions", "mc^2", "participants"):
        assert absent not in joined
    assert "[" not in joined  # the brackets went with the markers


def test_fixture_markers_are_linked_exactly() -> None:
    parsed = _parse(FIXTURE)
    assert _linked(parsed, "Back pain is common") == ["r1"]
    # "[2-4, 5]": the range is expanded by the reference list's order, 3 included.
    assert _linked(parsed, "Exercise helps") == ["r2", "r3", "r4", "r5"]
    assert _linked(parsed, "Two trials agree") == ["r1", "r2"]
    narrative = next(s for s in parsed.statements if "walking is safe" in s.text)
    assert "Smith et al. (2020) showed" in narrative.text  # the narrative citation stays
    assert _linked(parsed, narrative.text) == ["r6"]
    assert parsed.warnings == []


def test_fixture_reference_entries_carry_their_fields() -> None:
    refs = {r.key: r for r in _parse(FIXTURE).references}
    first = refs["r1"]
    assert (first.number, first.year, first.journal) == (1, 2018, "Lancet")
    assert first.authors == ["Hartvigsen J"]
    assert first.title == "What low back pain is and why we need to pay attention"
    assert (first.volume, first.issue, first.pages) == ("391", "10137", "2356-2367")
    assert (first.doi, first.pmid) == ("10.1016/S0140-6736(18)30480-X", "29573870")
    assert refs["r2"].text == "Doe J, Roe R. Exercise for pain. Pain Med. 2019;20:1-9."
    assert refs["r3"].authors == ["World Health Organization"]
    assert refs["r3"].title == "Guidelines on physical activity" and refs["r3"].journal is None
    assert refs["r6"].authors == ["Smith AB"] and refs["r6"].pmid == "31234567"


@pytest.mark.parametrize("cut", [FIXTURE.index(b"<sec><title>Aims") + 8, len(FIXTURE) - 30])
def test_truncated_xml_is_a_problem_with_its_line(cut: int) -> None:
    line = FIXTURE[:cut].count(b"\n") + 1  # the XML ends there, in the middle of that line
    with pytest.raises(ImportProblem, match=rf"^a\.nxml line {line}: not well-formed XML"):
        read_jats(FIXTURE[:cut], source="a.nxml")


def test_xml_that_is_not_an_article_is_refused() -> None:
    with pytest.raises(ImportProblem, match=r"line 1: <PubmedArticleSet> is not a JATS <article>"):
        read_jats(b"<PubmedArticleSet></PubmedArticleSet>", source="x.xml")


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("a.nxml", b"<article/>", "jats"),
        ("a.xml", b"<?xml version='1.0'?>\n<!DOCTYPE html><html></html>", "html"),
        ("a.htm", b"<p>x</p>", "html"),
        ("a.docx", b"not a zip", "docx"),
        ("a.md", b"# Title", "text"),
        ("upload", b"PK\x03\x04rest", "docx"),
        ("upload", b"\xef\xbb\xbf<?xml version='1.0'?><!-- c --><article>", "jats"),
        ("upload", b"  <!doctype HTML><html>", "html"),
        ("upload", b"Plain words <b>", "text"),
    ],
)
def test_format_detected_by_suffix_then_content(name: str, head: bytes, kind: str) -> None:
    assert detect_format(head, name) == kind


def _expected_links(path: Path) -> tuple[dict[str, list[str]], int]:
    """How the in-text citations are counted: every ``<xref ref-type="bibr">`` is one citation of
    each id in its ``rid``, in the paragraph it stands in; a dash between two xrefs ("25-33") adds
    a citation of each entry the ref-list has between them. Returns paragraph path -> ids."""
    root = etree.parse(str(path)).getroot()
    tree = root.getroottree()
    order = [r.get("id") for r in root.iter("ref")]
    expected: dict[str, list[str]] = {}
    previous = None
    for xref in root.iter("xref"):
        if xref.get("ref-type") != "bibr":
            continue
        paragraph = next(a for a in xref.iterancestors() if a.tag == "p")
        rids = (xref.get("rid") or "").split()
        dash = previous is not None and (previous.tail or "").strip() in ("-", "\u2013", "\u2014")
        if dash and previous is not None and previous.getnext() is xref:
            low, high = order.index(previous.get("rid")), order.index(rids[0])
            rids = order[low + 1 : high] + rids
        path_ = tree.getpath(paragraph).removeprefix("/article/")
        expected.setdefault(path_, []).extend(rids)
        previous = xref
    return expected, sum(len(v) for v in expected.values())


@pytest.mark.parametrize("name", ["ehp-116-1694.nxml", "mds526.nxml"])
def test_real_article_citations_linked_to_the_right_references(name: str) -> None:
    """Each citation counts as right when a statement of its paragraph links its entry, and a
    link counts as wrong when its paragraph cites no such entry. The author-year article
    (ehp-116-1694) needs 90% right and none wrong; mds526 is numbered, with ranges."""
    path = require_shared(REAL / name)
    parsed = _parse(path.read_bytes())
    expected, total = _expected_links(path)
    got: dict[str, set[str]] = {}
    for statement in parsed.statements:
        paragraph = statement.where.split(" (line")[0]
        for marker in statement.markers:
            if marker in parsed.links:
                key = parsed.references[parsed.links[marker]].key or ""
                got.setdefault(paragraph, set()).add(key)
    right = sum(1 for p, ids in expected.items() for i in ids if i in got.get(p, ()))
    wrong = [(p, i) for p, ids in got.items() for i in ids if i not in expected.get(p, ())]
    assert total >= 40
    assert right / total >= 0.9, (right, total)
    assert wrong == []


def test_ehp_author_year_markers_keep_their_printed_form() -> None:
    parsed = _parse(require_shared(REAL / "ehp-116-1694.nxml").read_bytes())
    assert parsed.title.startswith("Dietary Exposure to 2,2")
    assert len(parsed.references) == 58
    assert "Hites 2004" in parsed.markers and "Law et al. 2003" in parsed.markers
    statement = next(s for s in parsed.statements if "rising PBDE levels" in s.text)
    assert statement.markers == ["Hites 2004", "Law et al. 2003"]
    assert "(" not in statement.text  # "(Hites 2004; Law et al. 2003)" left with the markers
    # Tables and figures of the article are not claims (their captions hold such words).
    assert not any(s.text.startswith(("Table ", "Figure ")) for s in parsed.statements)


def test_ingest_jats_adds_entries_with_identifiers_and_matches_by_doi_first(
    sqlite_session: Session,
) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    # In the library under another title: the DOI, not the title, decides.
    known = f.reference(s, citekey="hartvigsen2018", title="Low back pain series", doi=None)
    known.doi = "10.1016/s0140-6736(18)30480-x"
    s.add(known)
    s.commit()
    preview = preview_article(session=s, actor=editor, text=FIXTURE, filename="walk.nxml")
    res = ingest_article(
        session=s, actor=editor, text=FIXTURE, filename="walk.nxml", add_missing=True
    )
    assert [c["text"] for c in preview.claims] == [c["text"] for c in res.claims]
    assert res.mapping == "exact"
    how = {r.index: (r.citekey, r.how) for r in res.references}
    assert how[0] == ("hartvigsen2018", "doi")
    assert all(h == "added" for _, h in list(how.values())[1:])
    added = {r.title: r for r in s.exec(select(Reference).where(Reference.source != None))}  # noqa: E711
    smith = added["Walking is safe"]
    assert (smith.authors, smith.year, smith.journal, smith.pmid) == (
        ["Smith AB"],
        2020,
        "Spine",
        "31234567",
    )
    rows = s.exec(
        select(Claim.text, Citation.marker, Reference.citekey, Citation.link_state)
        .join(Citation, col(Citation.claim_id) == Claim.id)
        .join(Reference, col(Reference.id) == Citation.reference_id)
    ).all()
    by_claim: dict[str, set[str]] = {}
    for claim_text, _marker, key, state in rows:
        assert state == "confirmed"
        by_claim.setdefault(claim_text, set()).add(key)
    assert by_claim["Back pain is common."] == {"hartvigsen2018"}
    assert len(by_claim["Exercise helps."]) == 4


def test_bad_jats_upload_writes_nothing(sqlite_session: Session) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    before = s.execute(text("SELECT count(*) FROM article")).scalar_one()
    with pytest.raises(ImportProblem, match=r"walk\.nxml line \d+: not well-formed XML"):
        ingest_article(session=s, actor=editor, text=FIXTURE[:900], filename="walk.nxml")
    assert s.execute(text("SELECT count(*) FROM article")).scalar_one() == before


def test_cli_ingests_a_jats_file_and_refuses_a_truncated_one(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["user", "add", "ed@example.org", "--role", "editor"]) == 0
    good, bad = tmp_path / "walk.nxml", tmp_path / "broken.xml"
    good.write_bytes(FIXTURE)
    bad.write_bytes(FIXTURE[:900])
    capsys.readouterr()
    assert run(["article", "ingest", str(bad), "--as", "ed@example.org"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad} line ") and "not well-formed XML" in err
    assert "Traceback" not in err
    argv = ["article", "ingest", str(good), "--add-missing", "--as", "ed@example.org", "--json"]
    assert run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["title"] == "Walking and back pain" and out["mapping"] == "exact"
    assert len(out["references"]) == 6 and len(out["claims"]) == 7
