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
    if element is None:
        return None
    if len(element) == 0:  # no child elements (most): its text is all of it
        return clean(element.text)
    return clean("".join(element.itertext()))


# Paths are walked child by child: ElementPath's find() costs more than all the rest of reading
# a record. Each element's children are indexed by tag once (the first of each tag, as
# iterchildren(tag) finds it), and paths split once: a record asks for ~20 paths under a few
# shared elements (Journal/JournalIssue/...).
_STEPS: dict[str, tuple[str, ...]] = {}
# element -> {tag: its first child of that tag}, for the elements of one record.
_Kids = dict[Any, dict[Any, Any]]


def _steps(path: str) -> tuple[str, ...]:
    steps = _STEPS.get(path)
    if steps is None:
        steps = _STEPS[path] = tuple(path.split("/"))
    return steps


def _find(node: Any, path: str, index: _Kids) -> Any:
    for tag in _steps(path):
        if node is None:
            return None
        kids = index.get(node)
        if kids is None:
            kids = index[node] = {}
            for child in node:
                kids.setdefault(child.tag, child)
        node = kids.get(tag)
    return node


def _iter(node: Any, path: str) -> list[Any]:
    nodes = [node]
    for tag in _steps(path):
        nodes = [child for n in nodes for child in n.iterchildren(tag)]
    return nodes


def _all(node: Any, path: str) -> list[str]:
    return [t for t in (_text(e) for e in _iter(node, path)) if t]


def _author(author: Any, index: _Kids) -> str | None:
    last = _text(_find(author, "LastName", index))
    if last is None:
        return _text(_find(author, "CollectiveName", index))
    first = _text(_find(author, "ForeName", index)) or _text(_find(author, "Initials", index))
    return f"{last}, {first}" if first else last


_YEAR_PATHS = (
    "Journal/JournalIssue/PubDate/Year", "Journal/JournalIssue/PubDate/MedlineDate",
    "Book/PubDate/Year", "Book/PubDate/MedlineDate", "ArticleDate/Year", "PubDate/Year",
)  # fmt: skip


def _year(node: Any, index: _Kids) -> int | None:
    for path in _YEAR_PATHS:
        year = year_in(_text(_find(node, path, index)))
        if year:
            return year
    return None


def _fields(record: Any) -> dict[str, Any]:
    """What kb reads of one PubmedArticle or PubmedBookArticle, by the DTD's element names."""
    index: _Kids = {}
    book = record.tag == "PubmedBookArticle"
    article = _find(record, "BookDocument" if book else "MedlineCitation/Article", index)
    citation = _find(record, "BookDocument" if book else "MedlineCitation", index)
    if article is None or citation is None:
        return {}
    ids = {e.get("IdType"): _text(e) for e in _iter(record, "PubmedData/ArticleIdList/ArticleId")}
    ids |= {
        e.get("IdType"): _text(e)
        for e in _iter(record, "PubmedBookData/ArticleIdList/ArticleId")
        if e.get("IdType") not in ids
    }
    doi = next(
        (_text(e) for e in _iter(article, "ELocationID") if e.get("EIdType") == "doi"),
        ids.get("doi"),
    )
    notices = [
        e.get("RefType") for e in _iter(citation, "CommentsCorrectionsList/CommentsCorrections")
    ]
    fields: dict[str, Any] = {
        "PMID": _text(_find(citation, "PMID", index)) or ids.get("pubmed"),
        "ArticleTitle": _text(_find(article, "ArticleTitle", index)),
        "BookTitle": _text(_find(article, "Book/BookTitle", index)),
        "Author": [
            a for a in (_author(e, index) for e in _iter(article, "AuthorList/Author")) if a
        ],
        "Journal": _text(_find(article, "Journal/Title", index)),
        "ISOAbbreviation": _text(_find(article, "Journal/ISOAbbreviation", index)),
        "Year": _year(article, index),
        "Volume": _text(_find(article, "Journal/JournalIssue/Volume", index)),
        "Issue": _text(_find(article, "Journal/JournalIssue/Issue", index)),
        "MedlinePgn": _text(_find(article, "Pagination/MedlinePgn", index)),
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
    data = text.encode("utf-8")
    options: dict[str, Any] = {
        "encoding": "utf-8",  # the text is decoded already, whatever the declaration says
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }
    try:
        # The root first, alone: lxml then hands over only the records, which is far faster
        # than seeing every element go by.
        _, root = next(iter(etree.iterparse(io.BytesIO(data), events=("start",), **options)))
        if root.tag != "PubmedArticleSet":
            problems.append(
                Problem(
                    "malformed record",
                    root.sourceline,
                    None,
                    f"This is not PubMed XML: its root element is "
                    f"<{visible(str(root.tag), 40)}>, not <PubmedArticleSet>.",
                )
            )
            return assemble("pubmed-xml", drafts, problems)
        events = etree.iterparse(io.BytesIO(data), events=("end",), tag=_RECORDS, **options)
        for _, element in events:
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # only the records directly under the root
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
                del parent[0]
    except (etree.XMLSyntaxError, StopIteration) as err:
        if isinstance(err, StopIteration):  # pragma: no cover - lxml raises on empty input
            err = etree.XMLSyntaxError("no element found", None, 1, 1)  # type: ignore[call-arg]
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
