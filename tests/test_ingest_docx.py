"""Word (.docx) articles: headings by style, lists, superscript and footnote markers, tracked
changes read as accepted, comments ignored. Every file is built here with python-docx."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph
from sqlmodel import Session, col, select

from kb.errors import ImportProblem
from kb.ingest.docx import read_docx
from kb.ingest.parse import parse_document
from kb.ingest.records import ParsedArticle
from kb.models import Citation, Claim, Reference
from kb.services.ingest import ingest_article
from tests import factories as f

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _note_run(kind: str, note_id: int) -> object:
    return parse_xml(
        f'<w:r {NS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
    )


def _notes_part(kind: str, notes: dict[int, str]) -> bytes:
    body = "".join(
        f'<w:{kind} w:id="{i}"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> '
        f"{text}</w:t></w:r></w:p></w:{kind}>"
        for i, text in notes.items()
    )
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    )
    return f"<w:{kind}s {NS}>{separators}{body}</w:{kind}s>".encode()


def _with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The .docx with extra parts added to its zip (the reader reads notes from the zip)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for name, content in parts.items():
            dst.writestr(name, content)
    return out.getvalue()


def _save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def manuscript() -> bytes:
    """Title, headings, a list, superscript markers, a unit, tracked changes and a comment."""
    d = docx.Document()
    d.add_paragraph("Walking and back pain", style="Title")
    d.add_heading("Background", level=1)
    p = d.add_paragraph("Back pain is common in adults.")
    p.add_run("1").font.superscript = True
    p.add_run(" Walking helps most people.")
    p.add_run("2,").font.superscript = True
    p.add_run("4-5").font.superscript = True
    p.add_run(" The track measured 400 m")
    p.add_run("2").font.superscript = True
    p.add_run(" in the trial.")
    d.add_heading("What to do", level=2)
    d.add_paragraph("Walk for thirty minutes a day.", style="List Bullet")
    d.add_paragraph("Stop if the pain spreads to a leg.", style="List Bullet")
    tracked = d.add_paragraph("Most trials lasted ")
    tracked._p.append(parse_xml(f'<w:del {NS} w:id="1" w:author="A"><w:r><w:delText>six'
                                "</w:delText></w:r></w:del>"))  # fmt: skip
    tracked._p.append(parse_xml(f'<w:ins {NS} w:id="2" w:author="A"><w:r><w:t>twelve</w:t>'
                                "</w:r></w:ins>"))  # fmt: skip
    tracked.add_run(" weeks.")
    commented = d.add_paragraph("Walking is safe.")
    d.add_comment(commented.runs, text="Check this claim against the guideline", author="Ed")
    table = d.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Table cells are not claims."
    d.add_heading("References", level=1)
    for entry in (
        "1. Alvarez M, Brook T. Back pain in working adults. J Spine Health. 2019;12:101-109.",
        "2. Chen L. Walking programmes for back pain. Pain Trials. 2020;8:44-52. PMID: 30000002",
        "3. Diaz R. Bed rest and back pain. Spine Rev. 2015;3:1-9.",
        "4. Evans K. Exercise dose for back pain. Exerc Med. 2018;2:77-90.",
        "5. Fox O. Walking safety in older adults. Age Health. 2021;9:5-15.",
    ):
        d.add_paragraph(entry)
    return _save(d)


def footnoted(*, endnotes: bool = False) -> bytes:
    """Claims cited by Word footnotes (ids 3 and 7, printed 1 and 2), and endnotes if asked."""
    d = docx.Document()
    d.add_heading("Sleep and pain", level=1)
    first = d.add_paragraph("Poor sleep worsens chronic pain.")
    first._p.append(_note_run("footnote", 3))
    second = d.add_paragraph("Pain also disturbs sleep.")
    second._p.append(_note_run("footnote", 7))
    second.add_run(" Both improve together.")
    second._p.append(_note_run("footnote", 3))
    parts = {
        "word/footnotes.xml": _notes_part(
            "footnote",
            {
                3: "Hale O, Ito Y. Sleep loss and pain sensitivity. Sleep J. 2016;4:1-9. "
                "doi:10.5555/sj.2016.1",
                7: "Jones P. Pain and sleep architecture. Pain Med. 2019;20:100-110.",
                9: "A note nobody cites.",
            },
        )
    }
    if endnotes:
        third = d.add_paragraph("Naps help some patients.")
        third._p.append(_note_run("endnote", 2))
        parts["word/endnotes.xml"] = _notes_part(
            "endnote", {2: "Kim S. Napping in chronic pain. Rest Med. 2020;1:1-5."}
        )
    return _with_parts(_save(d), parts)


def _parse(data: bytes) -> ParsedArticle:
    return parse_document(read_docx(data, source="draft.docx"))


def test_headings_lists_title_and_what_is_left_out() -> None:
    parsed = _parse(manuscript())
    assert parsed.format == "docx"
    assert parsed.title == "Walking and back pain"
    assert parsed.sections == ["Background", "Background > What to do"]
    texts = [s.text for s in parsed.statements]
    assert texts == [
        "Back pain is common in adults.",
        "Walking helps most people.",
        "The track measured 400 m2 in the trial.",
        "Walk for thirty minutes a day.",
        "Stop if the pain spreads to a leg.",
        "Most trials lasted twelve weeks.",  # tracked changes accepted: "six" deleted
        "Walking is safe.",  # the comment on it is not text
    ]
    assert [s.is_list_item for s in parsed.statements][3:5] == [True, True]
    assert parsed.statements[0].where == "paragraph 3"


def test_superscript_markers_resolve_against_the_numbered_list() -> None:
    parsed = _parse(manuscript())
    markers = {s.text: s.markers for s in parsed.statements}
    assert markers["Back pain is common in adults."] == ["1"]
    assert markers["Walking helps most people."] == ["2", "4", "5"]  # "2," and "4-5": two runs
    assert markers["The track measured 400 m2 in the trial."] == []  # a unit, not a marker
    assert parsed.reference_list_numbered
    assert [r.number for r in parsed.references] == [1, 2, 3, 4, 5]
    assert parsed.references[1].pmid == "30000002"


def test_footnotes_are_the_reference_list_and_link_exactly() -> None:
    parsed = _parse(footnoted())
    markers = {s.text: s.markers for s in parsed.statements}
    assert markers == {
        "Poor sleep worsens chronic pain.": ["1"],
        "Pain also disturbs sleep.": ["2"],
        "Both improve together.": ["1"],
    }
    refs = parsed.references
    assert [(r.number, r.key) for r in refs] == [(1, "footnote-3"), (2, "footnote-7")]
    assert refs[0].doi == "10.5555/sj.2016.1" and refs[0].authors == ["Hale O", "Ito Y"]
    assert parsed.links == {"1": 0, "2": 1}
    assert parsed.warnings == []


def test_endnotes_beside_footnotes_print_roman_numbers() -> None:
    parsed = _parse(footnoted(endnotes=True))
    assert parsed.statements[-1].markers == ["i"]
    keys = {m: parsed.references[i].key for m, i in parsed.links.items()}
    assert keys == {"1": "footnote-3", "2": "footnote-7", "i": "endnote-2"}


def test_ingest_footnoted_word_file_links_confirmed(sqlite_session: Session) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    res = ingest_article(
        session=s, actor=editor, text=footnoted(), filename="sleep.docx", add_missing=True
    )
    assert res.mapping == "exact" and len(res.references) == 2
    rows = s.exec(
        select(Claim.text, Reference.title, Citation.link_state)
        .join(Citation, col(Citation.claim_id) == Claim.id)
        .join(Reference, col(Reference.id) == Citation.reference_id)
        .order_by(col(Claim.position))
    ).all()
    assert rows == [
        ("Poor sleep worsens chronic pain.", "Sleep loss and pain sensitivity", "confirmed"),
        ("Pain also disturbs sleep.", "Pain and sleep architecture", "confirmed"),
        ("Both improve together.", "Sleep loss and pain sensitivity", "confirmed"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", r"^draft\.docx: not a Word file \(it is not a zip archive\)$"),
        (b"", r"^draft\.docx: not a Word file"),
    ],
)
def test_a_file_that_is_not_a_word_document_is_a_clear_problem(data: bytes, message: str) -> None:
    with pytest.raises(ImportProblem, match=message):
        read_docx(data, source="draft.docx")


def test_a_truncated_word_file_is_a_clear_problem() -> None:
    with pytest.raises(ImportProblem, match=r"^draft\.docx: not a Word file"):
        read_docx(manuscript()[:2000], source="draft.docx")


def test_a_zip_without_a_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "hello")
    with pytest.raises(ImportProblem, match=r"^draft\.docx: not a Word document"):
        read_docx(buffer.getvalue(), source="draft.docx")


def test_an_empty_document_is_refused() -> None:
    with pytest.raises(ImportProblem, match=r"^draft\.docx: the Word document has no paragraphs"):
        read_docx(_save(docx.Document()), source="draft.docx")


def _csl(item_id: int, family: str, year: int, title: str, **extra: str) -> dict:
    data = {"id": item_id, "type": "article-journal", "title": title,
            "author": [{"family": family, "given": "Anna B."}],
            "issued": {"date-parts": [[year, 3]]}, "container-title": "Pain Med",
            **extra}  # fmt: skip
    return {"id": item_id, "uris": [f"http://zotero.org/users/1/items/ITEM{item_id}"],
            "itemData": data}  # fmt: skip


def _field_runs(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A complex field as Word stores it; the instruction in 100-character pieces, as Zotero
    splits it."""
    p = paragraph._p
    p.append(parse_xml(f'<w:r {NS}><w:fldChar w:fldCharType="begin"/></w:r>'))
    for i in range(0, len(instruction), 100):
        run = parse_xml(f'<w:r {NS}><w:instrText xml:space="preserve">x</w:instrText></w:r>')
        run[0].text = instruction[i : i + 100]
        p.append(run)
    p.append(parse_xml(f'<w:r {NS}><w:fldChar w:fldCharType="separate"/></w:r>'))
    if result:
        shown = parse_xml(f'<w:r {NS}><w:t xml:space="preserve">x</w:t></w:r>')
        shown[0].text = result
        p.append(shown)
    p.append(parse_xml(f'<w:r {NS}><w:fldChar w:fldCharType="end"/></w:r>'))


def zotero() -> bytes:
    """Author-year citations inserted by Zotero, then its bibliography field."""
    smith = _csl(1, "Smith", 2020, "Walking and pain", DOI="10.5555/wp.2020", PMID="30000011")
    lee = _csl(2, "Lee", 2019, "Rest and pain")
    d = docx.Document()
    d.add_heading("Walking", level=1)
    p = d.add_paragraph("Walking lowers pain ")
    both = {"citationID": "a1", "citationItems": [smith, lee], "properties": {}}
    _field_runs(p, "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(both), "(Smith, 2020; Lee, 2019)")
    p.add_run(". Rest alone does not ")
    one = {"citationID": "a2", "citationItems": [lee]}
    _field_runs(p, " ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(one) + " ", "(Lee, 2019)")
    p.add_run(".")
    # The bibliography field, with no heading above it, spans paragraphs: it begins in the
    # first and ends in the last.
    first = d.add_paragraph()
    first._p.append(parse_xml(f'<w:r {NS}><w:fldChar w:fldCharType="begin"/></w:r>'))
    first._p.append(parse_xml(f'<w:r {NS}><w:instrText xml:space="preserve"> ADDIN ZOTERO_BIBL '
                              '{"uncited":[]} CSL_BIBLIOGRAPHY </w:instrText></w:r>'))  # fmt: skip
    first._p.append(parse_xml(f'<w:r {NS}><w:fldChar w:fldCharType="separate"/></w:r>'))
    first.add_run("Lee A. Rest and pain. Pain Med. 2019.")
    last = d.add_paragraph("Smith A. Walking and pain. Pain Med. 2020.")
    last._p.append(parse_xml(f'<w:r {NS}><w:fldChar w:fldCharType="end"/></w:r>'))
    d.add_paragraph("Acknowledgements are words, not references.")
    return _save(d)


def test_zotero_citation_fields_link_exactly_to_their_items() -> None:
    parsed = _parse(zotero())
    markers = {s.text: s.markers for s in parsed.statements}
    assert markers == {
        "Walking lowers pain.": ["Smith, 2020", "Lee, 2019"],
        "Rest alone does not.": ["Lee, 2019"],
        "Acknowledgements are words, not references.": [],
    }
    refs = parsed.references
    assert [r.key for r in refs] == [
        "csl:http://zotero.org/users/1/items/ITEM1",
        "csl:http://zotero.org/users/1/items/ITEM2",
    ]  # the printed bibliography is not read a second time
    smith = refs[0]
    assert (smith.title, smith.authors, smith.year, smith.journal) == (
        "Walking and pain",
        ["Smith AB"],
        2020,
        "Pain Med",
    )
    assert (smith.doi, smith.pmid) == ("10.5555/wp.2020", "30000011")
    assert parsed.links == {"Smith, 2020": 0, "Lee, 2019": 1} and parsed.warnings == []


def test_numbered_zotero_citations_keep_their_printed_numbers() -> None:
    items = [_csl(i, f"Author{i}", 2010 + i, f"Title {i}") for i in (1, 2, 3)]
    d = docx.Document()
    p = d.add_paragraph("Heat helps.")
    cited = {"citationItems": items, "properties": {"formattedCitation": "[1–3]"}}
    _field_runs(p, "ADDIN CSL_CITATION " + json.dumps(cited), "[1–3]")  # Mendeley's prefix
    p.add_run(" Broken fields are text.")
    _field_runs(p, "ADDIN ZOTERO_ITEM CSL_CITATION {not json", "[9]")
    parsed = _parse(_save(d))
    assert [s.markers for s in parsed.statements] == [["1", "2", "3"], ["9"]]
    assert [parsed.references[parsed.links[m]].title for m in ("1", "2", "3")] == [
        "Title 1", "Title 2", "Title 3"
    ]  # fmt: skip
    assert "9" not in parsed.links  # unreadable field data: read as a printed marker only


def test_ingest_zotero_manuscript_adds_its_items_with_identifiers(sqlite_session: Session) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    res = ingest_article(
        session=s, actor=editor, text=zotero(), filename="ms.docx", add_missing=True
    )
    assert res.mapping == "exact" and [r.how for r in res.references] == ["added", "added"]
    stored = {r.title: r for r in s.exec(select(Reference).where(col(Reference.doi).is_not(None)))}
    assert stored["Walking and pain"].pmid == "30000011"
    claims = s.exec(select(Claim.text).order_by(col(Claim.position))).all()
    assert claims[:2] == ["Walking lowers pain.", "Rest alone does not."]


def _endnote_cite(number: int, family: str, year: int, title: str, extra: str = "") -> str:
    return (
        f"<Cite><Author>{family}</Author><Year>{year}</Year><RecNum>{number}</RecNum>"
        f"<record><rec-number>{number}</rec-number><contributors><authors>"
        f'<author><style face="normal">{family}, Carla D.</style></author></authors>'
        f"</contributors><titles><title>{title}</title><secondary-title>Spine</secondary-title>"
        f"</titles><volume>12</volume><number>3</number><pages>1-9</pages><dates><year>{year}"
        f"</year></dates>{extra}</record></Cite>"
    )


def test_endnote_citation_fields_link_exactly_and_carry_their_records() -> None:
    d = docx.Document()
    p = d.add_paragraph("Braces reduce pain.")
    doi = "<electronic-resource-num>10.5555/sp.12</electronic-resource-num>"
    pmid = "<accession-num>30000021</accession-num>"
    two = _endnote_cite(4, "Ortiz", 2018, "Braces for back pain", doi + pmid) + _endnote_cite(
        9, "Park", 2016, "Brace trial"
    )
    _field_runs(p, f"ADDIN EN.CITE <EndNote>{two}</EndNote>", "[1, 2]")
    p.add_run(" Base64 citations are read as printed.")
    _field_runs(p, "ADDIN EN.CITE ADDIN EN.CITE.DATA ", "[3]")
    last = d.add_paragraph()
    _field_runs(last, "ADDIN EN.REFLIST", "1. Ortiz C. Braces for back pain. Spine. 2018.")
    parsed = _parse(_save(d))
    assert [(s.text, s.markers) for s in parsed.statements] == [
        ("Braces reduce pain.", ["1", "2"]),
        ("Base64 citations are read as printed.", ["3"]),
    ]
    ortiz, park = parsed.references
    assert (ortiz.key, ortiz.authors, ortiz.title, ortiz.journal, ortiz.year) == (
        "endnote:4",
        ["Ortiz CD"],
        "Braces for back pain",
        "Spine",
        2018,
    )
    assert (ortiz.volume, ortiz.issue, ortiz.pages) == ("12", "3", "1-9")
    assert (ortiz.doi, ortiz.pmid, park.doi) == ("10.5555/sp.12", "30000021", None)
    assert parsed.links == {"1": 0, "2": 1}
