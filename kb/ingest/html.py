"""The HTML reader (a saved web page, a CMS export): page -> Document.

Which part of a page is the article is decided by trafilatura, a library made for it: of the
three compared on our own pages (a saved page with cookie banner, navigation, sidebar, footer and
scripts; a CMS export), it kept every paragraph, list item, heading, the reference list and the
footnotes, and dropped the furniture; readability-lxml kept the byline and dropped the footnotes;
justext dropped list items, headings and the reference list as boilerplate. Its output loses
the link targets and ids citations need, so it only *locates* the content: the blocks of the
page itself whose text it kept are then read here, from the page's own tree.

* Headings h1-h6 (the first h1 is the title), paragraphs, list items (nested lists included).
* Markers: ``<sup>1</sup>``, ``<sup>1,3-5</sup>``, ``<a href="#ref1">[1]</a>`` and a footnote
  link ``<sup><a href="#fn1">a</a></sup>``; "[1]" typed in the text is read as in plain text.
  A link's target is the exact reference entry of its marker.
* The reference list: the items or paragraphs under a References/Bibliography/Sources heading,
  a footnotes section, and any other element a marker link points to.
* Scripts, styles, forms, tables and images are never text; nothing of the page is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import lxml.html
import trafilatura
from lxml import etree

from kb.errors import ImportProblem
from kb.ingest.blocks import Block
from kb.ingest.document import (
    Document,
    Pieces,
    expand_numbers,
    group_cites,
    is_number_list,
    squeeze,
)
from kb.ingest.furniture import compile_furniture, is_furniture
from kb.ingest.records import Cite, RefEntry
from kb.ingest.reflist import is_reference_heading, parse_reference_entry

_SKIP = {
    "script", "style", "noscript", "template", "svg", "math", "button", "form", "input",
    "select", "textarea", "iframe", "img", "video", "audio", "object", "canvas", "head",
    "title", "meta", "link", "table", "picture", "map",
}  # fmt: skip
_BLOCKS = {
    "address", "article", "aside", "blockquote", "details", "dialog", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul", "body", "html",
}  # fmt: skip
_BEFORE_POWER = re.compile(r"(?:\d|\b(?:[kcmµu]?m|ft|in|mm|cm|km|s|sec|h|kg\s*/\s*m))$")
_FOOTNOTES = re.compile(r"foot-?notes?|end-?notes?|doc-(?:end|foot)notes?", re.IGNORECASE)
_BACKLINK = {"↩", "↑", "^", "⏎", "back", "return", "↩︎"}
_FURNITURE_ROLES = {"navigation", "contentinfo", "complementary", "banner", "search", "dialog"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(eq=False)  # runs are told apart by identity: two may print the same text
class _Run:
    """One block of the page as read: its text and the citation marks in it."""

    kind: str  # "heading", "paragraph", "item"
    level: int
    text: str
    cites: list[Cite]
    line: int
    el: etree._Element
    ids: list[str] = field(default_factory=list)
    footnote: bool = False
    furniture: bool = False  # in the site's navigation, footer or sidebar


def read_html(
    data: bytes, *, source: str = "the page", furniture: Sequence[str] | None = None
) -> Document:
    """Read a web page or HTML fragment; a page with no main content is an ImportProblem."""
    try:
        markup = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        markup = data.decode("cp1252", errors="replace")  # what browsers assume without charset
    markup = _XML_DECLARATION.sub("", markup)
    if not markup.strip():
        raise ImportProblem(f"{source}: the page is empty")
    try:
        root = lxml.html.fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise ImportProblem(f"{source}: not readable as HTML ({exc})") from None
    kept = _main_texts(markup)
    reader = _Reader()
    reader.walk(root, footnote=False)
    return reader.document(root, kept, source, compile_furniture(furniture))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _main_texts(markup: str) -> tuple[set[str], str]:
    """The texts of the blocks trafilatura takes for the main content, and all of it joined."""
    out = trafilatura.extract(
        markup, output_format="xml", include_links=True, include_formatting=True,
        include_tables=False, include_comments=False, favor_recall=True,
    )  # fmt: skip
    if not out:
        return set(), ""
    tree = etree.fromstring(out.encode("utf-8"), etree.XMLParser(recover=True))
    texts = {
        _norm("".join(el.itertext()))
        for el in tree.iter("head", "p", "item", "quote", "cell")
        if el.getparent() is not None
    }
    return texts, _norm(" ".join(tree.itertext()))


def _is_furniture_element(el: etree._Element) -> bool:
    """Navigation, a footer or a sidebar; a header outside the article (the site's banner)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in ("nav", "footer", "aside") or el.get("role") in _FURNITURE_ROLES:
        return True
    return tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors())


class _Reader:
    def __init__(self) -> None:
        self.runs: list[_Run] = []
        self.pending: list[str] = []  # ids of containers whose first block is still to come

    def walk(self, el: etree._Element, *, footnote: bool, furniture: bool = False) -> None:
        """Split el into runs of inline content between its block-level children."""
        label = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
        footnote = footnote or bool(_FOOTNOTES.search(label))
        furniture = furniture or _is_furniture_element(el)
        # A container's id names the first block inside it when it has no text of its own
        # (<li id="fn1"><p>...</p></li>, as pandoc writes footnotes).
        own = [i for i in (el.get("id"), el.get("name")) if i]
        self.pending.extend(own)
        nodes: list[str | etree._Element] = [el.text] if el.text else []
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in _BLOCKS:
                self._flush(el, nodes, footnote, furniture)
                nodes = []
                self.walk(child, footnote=footnote, furniture=furniture)
            elif tag and tag not in _SKIP:
                nodes.append(child)
            if child.tail:
                nodes.append(child.tail)
        self._flush(el, nodes, footnote, furniture)
        self.pending = [i for i in self.pending if i not in own]

    def _flush(
        self, el: etree._Element, nodes: list[str | etree._Element], footnote: bool, furniture: bool
    ) -> None:
        pieces = Pieces()
        cites: list[Cite] = []
        ids: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                pieces.append(node)
            else:
                ids.extend(i for d in node.iter() if (i := d.get("id") or d.get("name")))
                self._inline(node, pieces, cites)
        text, shift = squeeze(pieces.text())
        if not text:
            return
        ids[:0] = list(dict.fromkeys(reversed(self.pending)))  # the innermost first
        self.pending = []
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        heading = re.fullmatch(r"h([1-6])", tag)
        parent = el.getparent()
        in_item = tag == "li" or (tag == "p" and parent is not None and parent.tag == "li")
        kind = "heading" if heading else "item" if in_item else "paragraph"
        cites = [
            Cite(shift[c.start], shift[c.end], c.markers, c.targets, c.narrative)
            for c in cites
            if shift[c.end] > shift[c.start]
        ]
        level = int(heading.group(1)) if heading else 0
        run = _Run(kind, level, text, cites, el.sourceline or 0, el, ids, footnote, furniture)
        self.runs.append(run)

    def _inline(self, el: etree._Element, pieces: Pieces, cites: list[Cite]) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "br":
            pieces.append(" ")
            return
        back = "back" in (el.get("class") or "") or _norm(el.text_content()) in _BACKLINK
        if tag == "a" and back:
            return  # a footnote's link back to its marker
        if tag in ("sup", "a") and self._marker(el, tag, pieces, cites):
            return
        if el.text:
            pieces.append(el.text)
        for child in el:
            self._inline(child, pieces, cites)
            if child.tail:
                pieces.append(child.tail)

    def _marker(self, el: etree._Element, tag: str, pieces: Pieces, cites: list[Cite]) -> bool:
        """Read a <sup> or in-page link as a citation mark; False when it is not one."""
        printed = _norm(el.text_content())
        links = [a for a in ([el] if tag == "a" else el.iter("a")) if a.get("href", "")[:1] == "#"]
        targets = [a.get("href", "")[1:] for a in links]
        if not printed or (tag == "a" and not targets) or len(printed) > 60:
            return False
        numeric = is_number_list(printed)
        if tag == "sup" and not targets:
            before = pieces.tail(20).rstrip()
            if not numeric or _BEFORE_POWER.search(before):
                return False  # an exponent or a unit ("m²", "10⁶"), not a citation
        if numeric:
            markers = expand_numbers(printed)
            by_number = {_norm(a.text_content()).strip("[]()"): a.get("href")[1:] for a in links}
            marks = [by_number.get(m) for m in markers]
            if len(markers) == 1 and len(targets) == 1:
                marks = [targets[0]]
        elif len(targets) == 1:
            markers, marks = [printed.strip("[]() ")], [targets[0]]
        else:
            return False
        start = pieces.length
        pieces.append(printed)
        # A link that prints words is a citation only if it points to a reference entry:
        # checked once the entries are known (see _Reader.document).
        cites.append(Cite(start, start + len(printed), markers, marks, narrative=not numeric))
        return True

    def document(
        self, root: etree._Element, kept: tuple[set[str], str], source: str, patterns: object
    ) -> Document:
        texts, joined = kept
        content = [
            r
            for r in self.runs
            if not r.footnote
            and not r.furniture
            and (r.text in texts or (len(r.text) >= 25 and r.text in joined))
            and not is_furniture(r.text, patterns)  # type: ignore[arg-type]
        ]
        entries: list[_Run] = [r for r in self.runs if r.footnote and r.kind != "heading"]
        claims: list[_Run] = []
        in_refs = 0
        for run in content:
            if run.kind == "heading" and (in_refs == 0 or run.level <= in_refs):
                in_refs = run.level if is_reference_heading(run.text) else 0
                if in_refs:
                    continue
            if in_refs:
                if run.kind != "heading":
                    entries.append(run)
            else:
                claims.append(run)
        # Elements a marker links to are entries too, wherever they stand.
        by_id = {i: r for r in self.runs for i in r.ids}
        chosen = set(entries)
        for run in claims:
            for cite in run.cites:
                for target in cite.targets:
                    entry = by_id.get(target or "")
                    if entry is None or entry in chosen or entry.kind == "heading" or entry.cites:
                        continue  # no element, known already, or text that cites: no entry
                    # A link printing words ("Lee 2019") names an entry only if it reads as one
                    # (authors and a year), not a paragraph of the article it points to.
                    if not cite.narrative or _reads_as_entry(entry.text):
                        chosen.add(entry)
                        entries.append(entry)
        claims = [r for r in claims if r not in chosen]
        order = {r: i for i, r in enumerate(self.runs)}
        entries.sort(key=order.__getitem__)
        numbers = _list_numbers(entries)
        references = [_entry(r, numbers.get(r)) for r in entries]
        # Any id of an entry -> the id it is known by (its first).
        first_of = {k: r.ids[0] for r in entries for k in r.ids}
        title = None
        first_h1 = next((r for r in claims if r.kind == "heading" and r.level == 1), None)
        if first_h1 is not None:
            title = first_h1.text
            claims.remove(first_h1)
        else:  # trafilatura may keep the page's h1 as metadata only
            h1 = next((r for r in self.runs if r.level == 1 and not r.furniture), None)
            title = h1.text if h1 is not None else None
            title = title or _norm(root.findtext(".//title") or "").split(" | ")[0] or None
        if not any(r.kind != "heading" for r in claims):
            raise ImportProblem(
                f"{source}: no main content found (only navigation, scripts or site furniture)"
            )
        blocks = [_block(r, first_of) for r in claims]
        return Document(
            format="html", title=title, blocks=blocks, references=references, extent=source
        )


def _reads_as_entry(text: str) -> bool:
    entry = parse_reference_entry(text, wrapped=True)
    return bool(entry.authors and entry.year)


def _list_numbers(entries: list[_Run]) -> dict[_Run, int]:
    """The number an <ol> prints before each of its items (footnotes are known by their id)."""
    numbers: dict[_Run, int] = {}
    counted: dict[etree._Element, dict[etree._Element, int]] = {}
    for run in entries:
        parent = run.el.getparent()
        if run.kind != "item" or parent is None or parent.tag != "ol" or run.footnote:
            continue
        if parent not in counted:
            start = parent.get("start", "1")
            first = int(start) if start.isdigit() else 1
            items = [li for li in parent if li.tag == "li"]
            counted[parent] = {li: first + i for i, li in enumerate(items)}
        numbers[run] = counted[parent][run.el]
    return numbers


def _entry(run: _Run, number: int | None) -> RefEntry:
    entry = parse_reference_entry(run.text, line=run.line, number=number, wrapped=True)
    entry.key = run.ids[0] if run.ids else None
    return entry


def _block(run: _Run, first_of: dict[str, str]) -> Block:
    block = Block(run.kind, run.line, run.text, level=run.level)  # type: ignore[arg-type]
    block.bullet = "-" if run.kind == "item" else ""
    cites = []
    for cite in run.cites:
        if cite.narrative and not any(t in first_of for t in cite.targets if t):
            continue  # a link that prints words and points elsewhere: not a citation
        # A mark pointing at an entry's other id (an anchor inside it) goes to that entry.
        targets = [first_of.get(t) if t is not None else None for t in cite.targets]
        cites.append(Cite(cite.start, cite.end, cite.markers, targets))
    block.cites = group_cites(run.text, cites)
    return block
