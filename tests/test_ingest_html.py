"""HTML articles: main content only, markers in every HTML form, reference lists and footnotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from kb.errors import ImportProblem
from kb.ingest.html import read_html
from kb.ingest.parse import parse_document
from kb.ingest.records import ParsedArticle
from kb.models import Citation, Claim, Reference
from kb.services.ingest import ingest_article
from tests import factories as f

PAGES = Path(__file__).parent / "data" / "html"


def _parse(data: bytes) -> ParsedArticle:
    return parse_document(read_html(data, source="page.html"))


def _page(name: str) -> ParsedArticle:
    return _parse((PAGES / name).read_bytes())


def _markers(parsed: ParsedArticle) -> dict[str, list[str]]:
    return {s.text: s.markers for s in parsed.statements}


def test_saved_page_keeps_the_article_and_drops_the_site() -> None:
    parsed = _page("saved-page.html")
    assert parsed.format == "html"
    assert parsed.title == "Walking for chronic low back pain"
    helps = "How much walking helps"
    assert parsed.sections == [helps, f"{helps} > Who should be careful"]
    joined = " ".join(s.text for s in parsed.statements)
    for furniture in (
        "cookies", "Conditions", "Search", "Medically reviewed", "Related articles", "newsletter",
        "©", "replace the advice", "Privacy", "Scripts never", "Injected", "Styles", "hero",
    ):  # fmt: skip
        assert furniture not in joined
    assert len(parsed.statements) == 8
    # "400 m<sup>2</sup>" is a unit, not a citation.
    assert _markers(parsed)["The area of the walking track was 400 m2 in that trial."] == []


def test_saved_page_markers_in_every_html_form() -> None:
    parsed = _page("saved-page.html")
    markers = _markers(parsed)
    assert markers["Chronic low back pain affects about one in five adults."] == ["1"]  # sup+a
    regular = "Regular walking reduced pain scores by 1.2 points on a 0-10 scale in a trial of 200 adults."  # noqa: E501
    assert markers[regular] == ["2", "3"]  # <sup>2,3</sup>
    assert markers["Thirty minutes a day, five days a week, was enough in most studies."] == ["4"]
    assert markers["Benefits appeared after six weeks of walking."] == ["5"]  # "[5]" typed
    assert markers["Walking is safe for most people with back pain."] == ["1", "3", "4", "5"]
    footnoted = "People with severe leg weakness should see a doctor before starting."
    assert markers[footnoted] == ["a"]
    keys = {m: parsed.references[i].key for m, i in parsed.links.items()}
    assert keys == {"1": "ref1", "3": "ref3", "4": "ref4", "a": "fn-a"}
    assert parsed.reference_list_numbered and parsed.warnings == []


def test_saved_page_references_and_footnotes() -> None:
    refs = _page("saved-page.html").references
    assert [(r.number, r.key) for r in refs] == [
        (1, "ref1"), (2, "ref2"), (3, "ref3"), (4, "ref4"), (5, "ref5"), (None, "fn-a"),
    ]  # fmt: skip
    assert refs[0].authors == ["Alvarez M", "Brook T"] and refs[0].doi == "10.5555/jsh.2019.101"
    assert refs[1].pmid == "30000002" and refs[1].year == 2020
    assert refs[5].text == "Ask your surgeon first if you had spinal surgery in the last year."


def test_cms_export_with_a_sources_heading_links_by_number(sqlite_session: Session) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    data = (PAGES / "cms-export.html").read_bytes()
    res = ingest_article(session=s, actor=editor, text=data, filename="post.html", add_missing=True)
    assert res.mapping == "numbered"
    assert [r.number for r in res.references] == [1, 2, 3, 4]
    assert res.title == "Does acupuncture help knee pain?"
    rows = s.exec(
        select(Claim.text, Reference.doi)
        .join(Citation, col(Citation.claim_id) == Claim.id)
        .join(Reference, col(Reference.id) == Citation.reference_id)
        .where(col(Claim.text).startswith("In a trial of 300"))
    ).all()
    assert [doi for _, doi in rows] == ["10.5555/cp.2021.150"]
    stored = s.exec(select(Claim.text).order_by(col(Claim.position))).all()
    assert stored[-1] == "Bottom line: acupuncture is safe but its benefit is small."


def test_link_targets_are_the_reference_list_when_no_heading_says_so() -> None:
    page = b"""<html><body><article><h1>Sleep</h1>
    <p>Adults need seven hours of sleep <a href="#c1">(1)</a>. Naps of 20 minutes help
    <a href="#c2">Lee 2019</a>, while <a href="#top">longer naps</a> may not.</p>
    <div class="cites"><p id="c1">Ames B. Sleep duration in adults. Sleep J. 2015;3:1-8.</p>
    <p id="c2">Lee C. Napping and alertness. Rest Med. 2019;7:10-19.</p></div>
    </article></body></html>"""
    parsed = _parse(page)
    assert [s.text for s in parsed.statements] == [
        "Adults need seven hours of sleep.",
        "Naps of 20 minutes help Lee 2019, while longer naps may not.",
    ]
    keys = {m: parsed.references[i].key for m, i in parsed.links.items()}
    assert keys == {"1": "c1", "Lee 2019": "c2"}  # the link to #top is no citation
    titles = [r.title for r in parsed.references]
    assert titles == ["Sleep duration in adults", "Napping and alertness"]


def test_markup_in_the_page_stays_text_and_nothing_is_rendered() -> None:
    page = b"""<html><body><main><h1>Safety</h1>
    <p>Doses above 4 g a day &lt;script&gt;alert(1)&lt;/script&gt; harm the liver.<sup>1</sup></p>
    <p>Taking it with <b>alcohol</b> raises <i>the</i> risk.<sup>1</sup></p>
    <h2>Sources</h2><ul><li>Roe K. Liver injury and dose. Hep Rev. 2020;1:1-9.</li></ul>
    </main></body></html>"""
    texts = [s.text for s in _parse(page).statements]
    assert texts == [
        "Doses above 4 g a day <script>alert(1)</script> harm the liver.",
        "Taking it with alcohol raises the risk.",
    ]


@pytest.mark.parametrize("name", ["no-content.html"])
def test_page_without_main_content_is_a_clear_problem(name: str) -> None:
    with pytest.raises(ImportProblem, match=r"^page\.html: no main content found"):
        _page(name)


@pytest.mark.parametrize("data", [b"", b"   \n", b"<html><body></body></html>"])
def test_empty_pages_are_refused(data: bytes) -> None:
    with pytest.raises(ImportProblem, match=r"^page\.html: (the page is empty|no main content)"):
        _parse(data)


PANDOC = b"""<html><body><h1>Heat for back pain</h1>
<p>Heat eases back pain.<a href="#fn1" class="footnote-ref" id="fnref1"
role="doc-noteref"><sup>1</sup></a> See <a href="#intro">the introduction</a>
for the 2020 figures.</p>
<p id="intro">Cold packs help some people, as 2019 studies found.</p>
<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr />
<ol><li id="fn1"><p>Nadler SF. Heat wrap therapy. Spine. 2002;27:1012-7.<a href="#fnref1"
class="footnote-back" role="doc-backlink">\xe2\x86\xa9\xef\xb8\x8e</a></p></li></ol></section>
</body></html>"""

WIKI = b"""<html><body><div id="content"><h1>Back pain</h1>
<p>Back pain is common.<sup id="cite_ref-1" class="reference"><a
href="#cite_note-1">[1]</a></sup><sup class="reference"><a
href="#cite_note-2">[2]</a></sup> It often resolves.<sup class="reference"><a
href="#cite_note-1">[1]</a></sup></p><h2>References</h2><div class="reflist">
<ol class="references">
<li id="cite_note-1"><span class="mw-cite-backlink"><b><a href="#cite_ref-1">^</a></b></span>
<span class="reference-text">Smith A. Back pain. Lancet. 2010;1:1-2.</span></li>
<li id="cite_note-2"><span class="mw-cite-backlink"><a href="#cite_ref-2">^</a></span>
<span class="reference-text">Lee B. Spine care. BMJ. 2012;2:3-4.</span></li></ol></div></div>
</body></html>"""


def test_pandoc_footnotes_link_to_their_notes_and_a_link_to_a_paragraph_is_no_citation() -> None:
    parsed = _parse(PANDOC)
    assert parsed.title == "Heat for back pain"
    assert _markers(parsed) == {
        "Heat eases back pain.": ["1"],
        "See the introduction for the 2020 figures.": [],
        "Cold packs help some people, as 2019 studies found.": [],
    }
    assert [(r.key, r.text) for r in parsed.references] == [
        ("fn1", "Nadler SF. Heat wrap therapy. Spine. 2002;27:1012-7.")  # no "↩"
    ]
    assert parsed.links == {"1": 0}


def test_wikipedia_style_references_drop_their_backlinks() -> None:
    parsed = _parse(WIKI)
    assert _markers(parsed) == {"Back pain is common.": ["1", "2"], "It often resolves.": ["1"]}
    assert [(r.number, r.key, r.text) for r in parsed.references] == [
        (1, "cite_note-1", "Smith A. Back pain. Lancet. 2010;1:1-2."),
        (2, "cite_note-2", "Lee B. Spine care. BMJ. 2012;2:3-4."),
    ]
    assert parsed.links == {"1": 0, "2": 1} and parsed.warnings == []
