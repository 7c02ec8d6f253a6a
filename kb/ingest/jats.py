"""The JATS XML reader (PMC and publisher XML): article -> Document.

JATS says everything a plain page leaves to guessing: ``<xref ref-type="bibr" rid="...">`` is
the exact reference entry of each printed marker (numbered "[2]" or author-year "Hites 2004"
alike), and ``<ref-list>`` entries carry their authors, year, title, journal, DOI and PMID as
fields. So markers are only ever taken from those xrefs, never read from the words.

Kept: the article title, the abstract, the body's sections (``<sec>`` with ``<title>``, nested
levels), paragraphs and lists. Not claims: tables, figures, formulas, supplementary material,
acknowledgements, footnotes and anything else in ``<back>`` but the reference list.

Where a block is: its element path ("body/sec[2]/p[3]") and source line, since PMC files often
hold the whole body on one line.
"""

from __future__ import annotations

import re

from lxml import etree

from kb.errors import ImportProblem
from kb.ingest.blocks import Block
from kb.ingest.document import Document, Pieces, group_cites, squeeze
from kb.ingest.records import Cite, RefEntry

# Elements whose content is not a statement of the article.
_SKIP = {
    "table-wrap", "table-wrap-group", "fig", "fig-group", "disp-formula", "disp-formula-group",
    "supplementary-material", "graphic", "media", "table", "chem-struct-wrap", "code",
    "preformat", "label", "ref-list", "fn-group", "ack", "app-group", "glossary", "sec-meta",
    "alternatives", "object-id", "inline-graphic", "private-char",
}  # fmt: skip
_BLOCK = {"p", "list", "sec", "title", "boxed-text", "disp-quote", "def-list", "speech"}
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+[^\s.,;)\]])")
_CITATIONS = ("element-citation", "mixed-citation", "citation", "nlm-citation")
# An xref that prints only the year, its authors printed just before it: "Smith et al.
# (<xref>2020</xref>)", "(Lee and Park, <xref>2019a</xref>)". The names belong to the marker.
_YEAR = re.compile(r"(?:1[6-9]|20)\d\d[a-z]?")
_SURNAME = r"(?:(?:van|von|de|der|den|da|di|du|le|la)\s+)*[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*"
_NAMED = re.compile(
    rf"{_SURNAME}(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_SURNAME}|\s+and\s+co-?workers)?"
    r",?\s*(\(\s*)?$"
)


def _name(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if _name(c) == name), None)


def _find(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el.iter() if _name(c) == name), None)


def read_jats(data: bytes, *, source: str = "the XML file") -> Document:
    """Read a JATS article; malformed XML is an ImportProblem naming the line."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise ImportProblem(f"{source} line {line}: not well-formed XML ({exc.msg})") from None
    if _name(root) != "article":
        raise ImportProblem(
            f"{source} line {root.sourceline}: <{_name(root)}> is not a JATS <article>"
        )
    return _Reader(root).document()


class _Reader:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.tree = root.getroottree()
        self.blocks: list[Block] = []
        self.references: list[RefEntry] = []
        back = _child(root, "back")
        for ref in back.iter() if back is not None else ():
            if _name(ref) == "ref":
                self.references.append(_reference(ref, len(self.references)))
        self.order = [r.key or "" for r in self.references]
        self.labels = {
            r.key: str(r.number if r.number is not None else i + 1)
            for i, r in enumerate(self.references)
        }

    def document(self) -> Document:
        meta = _find(self.root, "article-meta")
        title = _text(_find(meta, "article-title")) if meta is not None else ""
        abstract = None
        if meta is not None:
            abstract = next(
                (a for a in meta if _name(a) == "abstract" and not a.get("abstract-type")), None
            )
        if abstract is not None:
            self._heading("Abstract", 2, abstract)
            self._content(abstract, 2)
        body = _child(self.root, "body")
        if body is not None:
            self._content(body, 1)
        return Document(
            format="jats",
            title=title or None,
            blocks=self.blocks,
            references=self.references,
            find_markers=False,
            allow_parens=False,
            extent="the XML article",
        )

    def _place(self, el: etree._Element) -> str:
        path = self.tree.getpath(el).removeprefix("/article/")
        return f"{path} (line {el.sourceline})"

    def _heading(self, text: str, level: int, el: etree._Element) -> None:
        if text:
            block = Block("heading", el.sourceline or 0, text, level=level)
            block.place = self._place(el)
            self.blocks.append(block)

    def _content(self, el: etree._Element, depth: int) -> None:
        for child in el:
            name = _name(child)
            if not name or name in _SKIP:
                continue
            if name == "sec":
                self._heading(_text(_child(child, "title")), min(depth + 1, 6), child)
                self._content(child, depth + 1)
            elif name == "p":
                self._paragraph(child, "paragraph")
            elif name == "list":
                self._list(child)
            elif name in ("boxed-text", "disp-quote", "def-list", "speech", "body"):
                self._content(child, depth)

    def _list(self, el: etree._Element) -> None:
        for item in el:
            if _name(item) != "list-item":
                continue
            for part in item:
                if _name(part) == "p":
                    self._paragraph(part, "item")
                elif _name(part) == "list":
                    self._list(part)

    def _paragraph(self, el: etree._Element, kind: str) -> None:
        pieces = Pieces()
        cites: list[Cite] = []
        nested: list[etree._Element] = []
        self._inline(el, pieces, cites, nested, top=True)
        raw = pieces.text()
        # Collapse white space, keeping the cites' offsets in step.
        text, shift = squeeze(raw)
        cites = [
            Cite(shift[c.start], shift[c.end], c.markers, c.targets)
            for c in cites
            if shift[c.end] > shift[c.start]
        ]
        if text.strip():
            block = Block("item" if kind == "item" else "paragraph", el.sourceline or 0, text)
            block.bullet = "-" if kind == "item" else ""
            block.place = self._place(el)
            block.cites = group_cites(text, cites, self.order)
            self.blocks.append(block)
        for child in nested:
            if _name(child) == "list":
                self._list(child)
            elif _name(child) == "p":
                self._paragraph(child, kind)
            else:
                self._content(child, 1)

    def _inline(
        self,
        el: etree._Element,
        pieces: Pieces,
        cites: list[Cite],
        nested: list[etree._Element],
        *,
        top: bool = False,
    ) -> None:
        if top and el.text:
            pieces.append(el.text)
        for child in el:
            name = _name(child)
            if name and name not in _SKIP:
                if name in _BLOCK:
                    nested.append(child)
                elif name == "xref" and child.get("ref-type") == "bibr":
                    self._xref(child, pieces, cites)
                else:
                    if child.text:
                        pieces.append(child.text)
                    self._inline(child, pieces, cites, nested)
            if child.tail:
                pieces.append(child.tail)

    def _xref(self, el: etree._Element, pieces: Pieces, cites: list[Cite]) -> None:
        printed = _text(el)
        rids = (el.get("rid") or "").split()
        end = pieces.length
        start, names = end, ""
        if len(rids) == 1 and _YEAR.fullmatch(printed):
            before = pieces.tail(80)
            named = _NAMED.search(before)
            if named:
                names = re.sub(r"\s+", " ", before[named.start() :])
                start -= len(before) - named.start()
        if len(rids) == 1 and printed:
            markers = [names + printed + (")" if "(" in names else "")]
        else:
            markers = [self.labels.get(r, r) for r in rids]
            printed = printed or ", ".join(markers)
        pieces.append(printed)
        if rids:
            cites.append(Cite(start, end + len(printed), markers, list(rids)))


def _reference(ref: etree._Element, index: int) -> RefEntry:
    label = _text(_child(ref, "label")).strip(".[]() ")
    cit = next((c for c in ref.iter() if _name(c) in _CITATIONS), ref)
    group = next(
        (
            g
            for g in cit
            if _name(g) == "person-group" and g.get("person-group-type", "author") == "author"
        ),
        cit,
    )
    authors = [_person(n) for n in group if _name(n) in ("name", "string-name", "collab")]
    authors = [a for a in authors if a]
    fields = {_name(c): _text(c) for c in cit if _name(c)}
    ids = {(c.get("pub-id-type") or "").lower(): _text(c) for c in cit if _name(c) == "pub-id"}
    doi = ids.get("doi") or None
    if doi is None:
        found = _DOI.search(" ".join(cit.itertext()))
        doi = found.group(1) if found else None
    year_match = re.search(r"\d{4}", fields.get("year", ""))
    pages = fields.get("fpage", "")
    if pages and fields.get("lpage"):
        pages = f"{pages}-{fields['lpage']}"
    pages = pages or fields.get("elocation-id", "")
    kind = cit.get("publication-type") or cit.get("citation-type") or ""
    title = fields.get("article-title") or fields.get("chapter-title") or fields.get("data-title")
    journal = fields.get("source") or None
    if not title and kind != "journal":
        title, journal = journal, None
    entry = RefEntry(
        number=int(label) if label.isdigit() else None,
        text="",
        type_label=None,
        line=ref.sourceline or 0,
        title=title or None,
        authors=authors,
        journal=journal,
        year=int(year_match.group()) if year_match else None,
        volume=fields.get("volume") or None,
        issue=fields.get("issue") or None,
        pages=pages or None,
        doi=doi,
        pmid=ids.get("pmid") or None,
        key=ref.get("id") or f"ref-{index + 1}",
    )
    entry.text = _text(cit) if _name(cit) == "mixed-citation" else _printed(entry)
    return entry


def _person(el: etree._Element) -> str:
    if _name(el) == "collab" or not len(el):
        return _text(el)
    surname = _text(_child(el, "surname"))
    given = _text(_child(el, "given-names"))
    if given and not re.fullmatch(r"[A-Z]{1,4}", given):
        given = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
    return f"{surname} {given}".strip()


def _printed(entry: RefEntry) -> str:
    """A Vancouver-style line for an element-citation, as a reader would print it."""
    parts = []
    if entry.authors:
        parts.append(", ".join(entry.authors) + ".")
    if entry.title:
        parts.append(entry.title.rstrip(".") + ".")
    tail = entry.journal or ""
    if entry.year:
        tail = f"{tail} {entry.year}".strip()
    if entry.volume:
        tail += f";{entry.volume}" + (f"({entry.issue})" if entry.issue else "")
    if entry.pages:
        tail += f":{entry.pages}"
    if tail:
        parts.append(tail + ".")
    if entry.doi:
        parts.append(f"doi:{entry.doi}")
    if entry.pmid:
        parts.append(f"pmid:{entry.pmid}")
    return " ".join(parts)
