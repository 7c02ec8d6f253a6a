"""The document model every article reader gives, whatever the file's format.

A reader (plain text and Markdown, HTML, Word, JATS XML) turns a file into a ``Document``: its
title, its blocks in reading order, and its printed reference list. Everything after reading --
statements, markers, measures, checks, the preview -- is one code path over this model
(``kb.ingest.parse.parse_document``).

* A block (``kb.ingest.blocks.Block``) is a heading with its level, a paragraph or a list item,
  with its printed text and where a user finds it: the line of a text or HTML file
  (``line_at``), the paragraph of a Word file or the element path of an XML file (``place``).
* The citation marks the format itself makes (a JATS ``<xref ref-type="bibr">``, an HTML link
  to a reference or a ``<sup>`` number, a Word footnote reference) are ``Cite`` spans of the
  block text, each with the markers it prints and, where the format says it, the key of the
  reference entry each points to. Printed forms the format does not mark ("[1]" typed in the
  text) are read from the text, as in plain text.
* Reference entries (``RefEntry``) carry whatever identifiers they have: number, DOI, PMID and
  ``key``, the id the format gives them (a JATS ref id, an HTML id, a footnote's id).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kb.ingest.blocks import Block
from kb.ingest.records import Cite, RefEntry

__all__ = [
    "Cite",
    "Document",
    "exact_links",
    "expand_numbers",
    "group_cites",
    "is_number_list",
    "Pieces",
    "squeeze",
]

FORMATS = ("text", "markdown", "html", "docx", "jats")


@dataclass
class Document:
    """One article as read from its file; nothing interpreted beyond what the format says."""

    format: str  # one of FORMATS
    title: str | None
    blocks: list[Block]
    references: list[RefEntry]
    warnings: list[str] = field(default_factory=list)
    # Said after the statements' own warnings (the order plain text always gave them in).
    reference_warnings: list[str] = field(default_factory=list)
    find_markers: bool = True  # also read printed markers from the words ("[1]", "¹", "(2)")
    allow_parens: bool | None = None  # "(1)" is a marker; None: decided from the text
    reference_line: int | None = None  # a text file's reference heading (text after it is odd)
    extent: str = "the document"  # the whole input, as an error names it ("lines 1-40")
    source_text: str = ""  # the article as text for the record; "" = the blocks' text


# Between two marks of one citation: "1, 3", "2-4", "Hites 2004; Law et al. 2003".
_SEPARATOR = re.compile(r"\s*(?:[,;]|[-‐‑‒–—]|and|&)?\s*")
_DASH = re.compile(r"[-‐‑‒–—]")
# Words a citation's brackets may hold before its marks: "(see Zhou et al. 2002)".
_LEAD = re.compile(
    r"[(\[]\s*(?:(?:see(?: also)?|e\.\s?g\.|cf\.|reviewed (?:by|in)|for (?:a )?review,? see)"
    r"\s*,?\s*)?$",
    re.IGNORECASE,
)
_CLOSE = {"(": ")", "[": "]"}
# What a superscript or a link prints when it is a numbered citation: "1", "1,3-5", "[4]".
_NUMBER_LIST = re.compile(r"[\[(]?\s*\d{1,3}(?:\s*[,\-‐‑–—]\s*\d{1,3})*\s*[\])]?")


def group_cites(text: str, cites: Sequence[Cite], order: Sequence[str] = ()) -> list[Cite]:
    """Merge a block's marks into the citations a reader sees, each with its brackets.

    Marks separated only by a comma, semicolon, dash or "and" are one citation; a dash between
    two numbered marks is a range, whose inner markers point to the entries between the two in
    ``order`` (the reference list's keys in printed order) -- "[2-4]" marked as 2 and 4 cites
    2, 3 and 4. Brackets around a citation belong to it. A citation that prints names and is
    not in brackets ("Zhou et al. (2002) showed") is narrative: its words stay in the sentence.
    """
    position = {key: i for i, key in enumerate(order)}
    runs: list[list[Cite]] = []
    for cite in sorted(cites, key=lambda c: c.start):
        if runs and _SEPARATOR.fullmatch(text[runs[-1][-1].end : cite.start]):
            runs[-1].append(cite)
        else:
            runs.append([cite])
    grouped = []
    for run in runs:
        markers: list[str] = []
        targets: list[str | None] = []
        for previous, cite in zip([None, *run], run, strict=False):
            if previous is not None and _DASH.search(text[previous.end : cite.start]):
                inner = _range_inside(previous, cite, position, order)
                markers.extend(m for m, _ in inner)
                targets.extend(t for _, t in inner)
            markers.extend(cite.markers)
            targets.extend(cite.targets)
        start, end = run[0].start, run[-1].end
        lead = _LEAD.search(text, max(0, start - 40), start)
        close = re.compile(r"\s*" + re.escape(_CLOSE[lead.group()[0]])) if lead else None
        tail = close.match(text, end) if close else None
        if lead and tail:
            start, end = lead.start(), tail.end()
        names = any(re.search(r"[^\W\d_]{2}", m) for m in markers)
        # "(Smith, 2020)" printed as one mark, its brackets inside it, is not narrative either.
        enclosed = text[start : start + 1] in ("(", "[") and text[end - 1 : end] in (")", "]")
        narrative = names and not tail and not enclosed
        grouped.append(Cite(start, end, markers, targets, narrative=narrative))
    return grouped


def _range_inside(
    low: Cite, high: Cite, position: dict[str, int], order: Sequence[str]
) -> list[tuple[str, str | None]]:
    """The markers a printed range "2-5" leaves out between its two ends: 3 and 4."""
    first, last = low.markers[-1], high.markers[0]
    if not (first.isdigit() and last.isdigit()) or not 1 < int(last) - int(first) <= 200:
        return []
    numbers = [str(n) for n in range(int(first) + 1, int(last))]
    a, b = low.targets[-1], high.targets[0]
    if a in position and b in position and position[b] - position[a] == len(numbers) + 1:
        keys: list[str | None] = list(order[position[a] + 1 : position[b]])
        return list(zip(numbers, keys, strict=True))
    return [(n, None) for n in numbers]


def exact_links(document: Document, warnings: list[str]) -> dict[str, int]:
    """marker -> index of its reference entry, where the format says it.

    The same printed marker pointing to two entries ("Smith 2002" for two works) is kept apart
    as "Smith 2002 [id]" with a warning, so that neither is linked to the other's entry.
    """
    index = {r.key: i for i, r in enumerate(document.references) if r.key}
    links: dict[str, int] = {}
    for block in document.blocks:
        for cite in block.cites:
            for i, (marker, target) in enumerate(zip(cite.markers, cite.targets, strict=True)):
                if target is None:
                    continue
                if target not in index:
                    warnings.append(
                        f"{block.where(cite.start)}: marker {marker} points to {target!r}, "
                        "which is not in the reference list"
                    )
                    continue
                if links.get(marker, index[target]) != index[target]:
                    warnings.append(
                        f"{block.where(cite.start)}: marker {marker} points to two reference "
                        f"entries; this one is kept apart as {marker} [{target}]"
                    )
                    marker = cite.markers[i] = f"{marker} [{target}]"
                links[marker] = index[target]
    return links


def squeeze(raw: str) -> tuple[str, list[int]]:
    """Runs of white space -> one space, outer space dropped; shift[i] = new offset of raw[i]."""
    out: list[str] = []
    shift: list[int] = []
    length = 0
    space = True  # drops leading space
    for ch in raw:
        shift.append(length)
        if ch.isspace():
            if not space:
                out.append(" ")
                length += 1
            space = True
        else:
            out.append(ch)
            length += 1
            space = False
    shift.append(length)
    text = "".join(out)
    if text.endswith(" "):
        text = text[:-1]
        shift = [min(s, len(text)) for s in shift]
    return text, shift


def is_number_list(printed: str) -> bool:
    """True for what a numbered citation mark prints: "1", "1,3-5", "[4]", "(2, 3)"."""
    return bool(_NUMBER_LIST.fullmatch(printed))


def expand_numbers(printed: str) -> list[str]:
    """ "1,3-5" -> 1, 3, 4, 5 (a range of more than 200 is kept as its two ends)."""
    numbers: list[str] = []
    for part in re.split(r"\s*,\s*", printed.strip("[]() ")):
        ends = re.split(r"\s*[\-‐‑–—]\s*", part)
        if len(ends) == 2 and 0 < int(ends[1]) - int(ends[0]) <= 200:
            numbers.extend(str(n) for n in range(int(ends[0]), int(ends[1]) + 1))
        else:
            numbers.extend(e for e in ends if e)
    return list(dict.fromkeys(numbers))


class Pieces:
    """A block's text built piece by piece, knowing its length and its last characters without
    joining it: a reader asks both at every mark, which joining made quadratic."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def append(self, text: str) -> None:
        """Add a piece at the end."""
        self.parts.append(text)
        self.length += len(text)

    def tail(self, n: int) -> str:
        """The last n characters (fewer when the text is shorter)."""
        taken: list[str] = []
        size = 0
        for part in reversed(self.parts):
            taken.append(part)
            size += len(part)
            if size >= n:
                break
        return "".join(reversed(taken))[-n:]

    def text(self) -> str:
        """The whole text."""
        return "".join(self.parts)
