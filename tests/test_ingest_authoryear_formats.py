"""Author-year citations typed in the words of a web page or a Word manuscript are read the same
way as in plain text: the reader gives the blocks, the author-year reading links each citation to
its entry. A format that marks its citations itself (JATS xrefs) keeps its own exact links."""

from __future__ import annotations

import io

import docx
from sqlmodel import Session, col, select

from kb.ingest.parse import parse_document
from kb.ingest.readers import read_document
from kb.models import Article, Citation, Claim, Reference
from kb.services.ingest import ingest_article
from tests import factories as f

SENTENCES = [
    "Vitamin D lowered falls in older adults (Smith et al., 2020).",
    "Smith and Jones (2019) found no effect on fractures.",
    "Exercise classes also helped (World Health Organization 2021).",
]
ENTRIES = [
    "Smith, J. A., Jones, B., & Lee, C. (2020). Vitamin D and falls in older adults. "
    "Journal of Ageing, 1(2), 3-4.",
    "Smith, J. A., & Jones, B. (2019). Vitamin D and fractures in a cohort. Bone Journal, 5, 6-7.",
    "World Health Organization (WHO). (2021). Falls prevention in older age. Geneva: WHO.",
]
# The citation each sentence prints, and the entry (by its position in the list) it names.
EXPECTED = {0: ("Smith et al. 2020", 0), 1: ("Smith and Jones 2019", 1), 2: (None, 2)}


def _html() -> bytes:
    body = "".join(f"<p>{s}</p>" for s in SENTENCES)
    refs = "".join(f"<li>{e}</li>" for e in ENTRIES)
    return (
        "<!DOCTYPE html><html><head><title>Falls</title></head><body>"
        "<nav><a href='/'>Home</a></nav><main><article><h1>Vitamin D and falls</h1>"
        f"{body}<h2>References</h2><ul>{refs}</ul></article></main></body></html>"
    ).encode()


def _docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("Vitamin D and falls", style="Title")
    for s in SENTENCES:
        d.add_paragraph(s)
    d.add_heading("References", level=1)
    for e in ENTRIES:
        d.add_paragraph(e)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _check(data: bytes, name: str) -> None:
    parsed = parse_document(read_document(data, name=name))
    assert parsed.citation_style == "author-year", name
    assert len(parsed.references) == 3, name
    by_text = {s.text: s for s in parsed.statements}
    for i, (printed, entry) in EXPECTED.items():
        statement = next(s for t, s in by_text.items() if t.startswith(SENTENCES[i][:20]))
        assert len(statement.markers) == 1, (name, statement)
        marker = statement.markers[0]
        if printed is not None:
            assert marker == printed, name
        assert parsed.author_year[marker] == [entry], (name, marker)


def test_html_page_author_year_citations_resolve_to_their_entries() -> None:
    _check(_html(), "falls.html")


def test_word_manuscript_author_year_citations_resolve_to_their_entries() -> None:
    _check(_docx(), "falls.docx")


def test_author_year_web_page_ingests_with_every_citation_linked(sqlite_session: Session) -> None:
    editor = f.user(sqlite_session, "editor")
    result = ingest_article(
        session=sqlite_session, actor=editor, text=_html(), filename="falls.html",
        add_missing=True,
    )  # fmt: skip
    assert result.mapping == "author-year"
    article = sqlite_session.exec(select(Article).where(Article.slug == result.slug)).one()
    rows = sqlite_session.exec(
        select(Claim.position, Reference.citekey)
        .join(Citation, col(Citation.claim_id) == col(Claim.id))
        .join(Reference, col(Reference.id) == col(Citation.reference_id))
        .where(Claim.article_id == article.id)
        .order_by(col(Claim.position))
    ).all()
    keys = [r["citekey"] for r in article.reference_list]
    assert [key for _, key in rows] == keys  # each sentence its own entry, in order
    assert len({pos for pos, _ in rows}) == 3
