"""PubMed XML: a PubmedArticleSet, as efetch and PubMed's "Save as XML" give it (NLM's DTD).

lxml reads it element by element (a large file is never held whole), with entities left
unresolved and nothing fetched: no DTD, no network. raw_fields keeps what kb reads, under the
DTD's element names (a repeated element as a list): PMID, ArticleTitle, Author, Journal,
PublicationType, MeshHeading, ArticleId[doi], ... A PubmedBookArticle is read as a book.
"""

from __future__ import annotations

import io
from typing import Any

from lxml import etree

from kb.formats.drafts import Draft, assemble
from kb.formats.records import ParseResult, Problem, Reader
from kb.formats.text import clean, decode_bytes, doi_of, visible, year_in

_RECORDS = ("PubmedArticle", "PubmedBookArticle")
# CommentsCorrections that link an article to a notice about it.
_NOTICES = {"RetractionIn": "retracted", "ExpressionOfConcernIn": "expression-of-concern"}


def _text(element: Any) -> str | None:
    return None if element is None else clean("".join(element.itertext()))


def _all(node: Any, path: str) -> list[str]:
    return [t for t in (_text(e) for e in node.iterfind(path)) if t]


def _author(author: Any) -> str | None:
    last = _text(author.find("LastName"))
    if last is None:
        return _text(author.find("CollectiveName"))
    first = _text(author.find("ForeName")) or _text(author.find("Initials"))
    return f"{last}, {first}" if first else last


def _year(node: Any) -> int | None:
    for path in (".//PubDate/Year", ".//PubDate/MedlineDate", ".//ArticleDate/Year"):
        year = year_in(_text(node.find(path)))
        if year:
            return year
    return None


def _fields(record: Any) -> dict[str, Any]:
    """What kb reads of one PubmedArticle or PubmedBookArticle, by the DTD's element names."""
    book = record.tag == "PubmedBookArticle"
    article = record.find("BookDocument" if book else "MedlineCitation/Article")
    citation = record.find("BookDocument" if book else "MedlineCitation")
    if article is None or citation is None:
        return {}
    ids = {e.get("IdType"): _text(e) for e in record.iterfind(".//ArticleIdList/ArticleId")}
    doi = next(
        (_text(e) for e in article.iterfind("ELocationID") if e.get("EIdType") == "doi"),
        ids.get("doi"),
    )
    notices = [e.get("RefType") for e in record.iterfind(".//CommentsCorrections")]
    fields: dict[str, Any] = {
        "PMID": _text(citation.find("PMID")) or ids.get("pubmed"),
        "ArticleTitle": _text(article.find("ArticleTitle")),
        "BookTitle": _text(article.find("Book/BookTitle")),
        "Author": [a for a in map(_author, article.iterfind("AuthorList/Author")) if a],
        "Journal": _text(article.find("Journal/Title")),
        "ISOAbbreviation": _text(article.find("Journal/ISOAbbreviation")),
        "Year": _year(article) or _year(citation),
        "Volume": _text(article.find("Journal/JournalIssue/Volume")),
        "Issue": _text(article.find("Journal/JournalIssue/Issue")),
        "MedlinePgn": _text(article.find("Pagination/MedlinePgn")),
        "ArticleId[doi]": doi,
        "AbstractText": " ".join(_all(article, "Abstract/AbstractText")) or None,
        "PublicationType": _all(article, "PublicationTypeList/PublicationType"),
        "MeshHeading": _all(citation, "MeshHeadingList/MeshHeading/DescriptorName"),
        "Keyword": _all(citation, "KeywordList/Keyword"),
        "CommentsCorrections": sorted({n for n in notices if n in _NOTICES}),
    }
    return {name: value for name, value in fields.items() if value not in (None, [])}


def draft_of(fields: dict[str, Any], line: int | None, number: int) -> Draft:
    """The fields kb shows, from what _fields read."""
    notices = fields.get("CommentsCorrections", [])
    retraction = next((_NOTICES[n] for n in _NOTICES if n in notices), None)
    book = "BookTitle" in fields
    return Draft(
        entry_type=("incollection" if "ArticleTitle" in fields else "book") if book else "article",
        raw_fields=fields,
        line=line,
        number=number,
        title=fields.get("ArticleTitle") or fields.get("BookTitle"),
        authors=list(fields.get("Author", [])),
        journal=fields.get("Journal") or fields.get("ISOAbbreviation"),
        year=fields.get("Year"),
        volume=fields.get("Volume"),
        issue=fields.get("Issue"),
        pages=fields.get("MedlinePgn"),
        doi=doi_of(fields.get("ArticleId[doi]")),
        pmid=fields.get("PMID"),
        abstract=fields.get("AbstractText"),
        pubtypes=list(fields.get("PublicationType", [])),
        keywords=list(fields.get("MeshHeading", [])) + list(fields.get("Keyword", [])),
        retraction=retraction,
    )


def parse_pubmed_xml(text: str) -> ParseResult:
    """Read PubMed XML into records and problems; malformed XML is reported, never raised."""
    drafts: list[Draft] = []
    problems: list[Problem] = []
    events = etree.iterparse(
        io.BytesIO(text.encode("utf-8")),
        events=("start", "end"),
        encoding="utf-8",  # the text is decoded already, whatever the declaration says
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                if depth == 0 and element.tag != "PubmedArticleSet":
                    problems.append(
                        Problem(
                            "malformed record",
                            element.sourceline,
                            None,
                            f"This is not PubMed XML: its root element is "
                            f"<{visible(str(element.tag), 40)}>, not <PubmedArticleSet>.",
                        )
                    )
                    break
                depth += 1
                continue
            depth -= 1
            if depth != 1 or element.tag not in _RECORDS:
                continue
            number = len(drafts) + 1
            draft = draft_of(_fields(element), element.sourceline, number)
            if not draft.pmid:
                draft.faults.append(
                    (
                        "missing pmid",
                        f"Record {number} (line {element.sourceline}) has no PMID.",
                    )
                )
            drafts.append(draft)
            element.clear()  # keep memory flat on a large file
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as err:
        line = err.lineno or text.count("\n") + 1  # lxml gives none at the end of the text
        problems.append(
            Problem(
                "malformed record",
                line,
                None,
                f"The XML cannot be read past line {line}: {visible(str(err.msg), 120)} "
                f"({len(drafts)} record(s) before it were read; is the file cut off?).",
            )
        )
    return assemble("pubmed-xml", drafts, problems)


def _parse(text: str, library: object) -> ParseResult:
    return parse_pubmed_xml(text)


def _decode(data: bytes, encoding: str | None, source: str) -> str:
    return decode_bytes(data, encoding, source, "an XML file")


PUBMED_XML = Reader(
    name="pubmed-xml", label="PubMed XML", suffixes=(".xml",), decode=_decode, parse=_parse
)
