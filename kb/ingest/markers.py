"""In-text citation markers: find them in a block of text, expand them, and take them out.

Printed forms read as markers:

* brackets ``[1]``, ``[2, 3]``, ``[13-17]``, ``[20–22]``, linked ranges ``[4]–[7]``, and Markdown
  links whose text is a number list (``[1](#ref-1)``);
* superscripts ``¹²``, ``¹,³``, ``¹⁻³`` and HTML ``<sup>1</sup>``;
* parentheses ``(1)``, ``(1, 3)``, ``(2-4)`` -- only a list of small whole numbers followed by
  punctuation or the end of the text, and only when the article uses no brackets (so
  "(p < 0.05)", "(n = 69)", "(SCS)", "(2009)" and enumerations such as "(1) balance" are not
  markers);
* a number glued to the end of a sentence, "pathways.1 Next" (a flattened superscript);
* a bare number or number list after the block's last sentence end, "... pathways. 1",
  "... concern. 1, 3": the *block marker* of answer pages, which cites the whole block.

A number that belongs to the sentence ("p = 0.002", "27 months", "VAS 7.4", "2.8 ± 2.4",
years, "60-90 days", "kg/m²", "10⁹/L") is never one of these shapes, so it stays in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS + "⁻", "0123456789-")
_DASH = r"[-‐‑‒–—]"
_NUM = r"\d{1,3}"
_ITEM = rf"{_NUM}(?:\s*{_DASH}\s*{_NUM})?"
NUMBER_LIST = rf"{_ITEM}(?:\s*[,;]\s*{_ITEM})*"
_SUP = f"[{SUPERSCRIPT_DIGITS}]"
# Whole words that, before a period, make a following number part of the text ("Fig. 2").
NUMBERED_ABBREVIATIONS = frozenset(
    {"fig", "figs", "no", "nos", "vol", "vols", "p", "pp", "ch", "chap", "ref", "refs", "eq",
     "sec", "tab", "table", "step", "grade", "stage", "type", "level", "version", "v", "n"}
)  # fmt: skip

_LINKED_RANGE = re.compile(rf"\[\s*({_NUM})\s*\]\s*{_DASH}\s*\[\s*({_NUM})\s*\]")
_BRACKET = re.compile(rf"\[\s*({NUMBER_LIST})\s*\](?:\((?:#|https?:)[^)\s]*\))?")
_HTML_SUP = re.compile(rf"<sup>\s*\[?\s*({NUMBER_LIST})\s*\]?\s*</sup>", re.IGNORECASE)
_UNICODE_SUP = re.compile(rf"{_SUP}+(?:\s?[,˒⁻–-]\s?{_SUP}+)*")
_PAREN = re.compile(rf"\(\s*({NUMBER_LIST})\s*\)(?=\s*(?:[.,;:!?)\]]|$))")
_GLUED = re.compile(rf"(?<=[^\W\d_]{{3}})([.,;])({_NUM}(?:[,–-]{_NUM})*)(?=\s+[A-Z]|\s*$)")
_BARE_TRAILING = re.compile(
    rf"(?:(?<=[.!?])|(?<=[.!?][\"”’')\]]))\s+({_NUM}(?:\s*[,–-]\s*{_NUM})*)\s*$"
)
_UNIT_BEFORE = re.compile(r"(?:^|[\s/(\d·])(?:[kcmdµμn]?m|ft|s|l|L|g)$")
_UNIT_WINDOW = 8  # longer than any match of _UNIT_BEFORE
_UNCLOSED = re.compile(rf"\[\s*{_NUM}(?:\s*[-‐‑‒–—,;]\s*{_NUM})*(?=[^\]]*(?:\[|$))")
_MAX_RANGE = 200


@dataclass
class MarkerGroup:
    """One printed marker (or a run of adjacent ones) found in a block."""

    start: int
    end: int
    numbers: list[str]
    block_marker: bool = False
    position: int = 0  # where it stood in the cleaned text
    problems: list[str] = field(default_factory=list)
    keep_text: bool = False  # a narrative citation: its words stay in the text


@dataclass
class CleanText:
    """A block's text with its markers taken out, and where each kept character came from."""

    text: str
    origin: list[int]
    groups: list[MarkerGroup]


def expand(number_list: str) -> tuple[list[str], list[str]]:
    """'1, 3' -> ['1', '3']; '13-17' -> 13..17; returns (numbers, problems)."""
    numbers: list[str] = []
    problems: list[str] = []
    for item in re.split(r"\s*[,;˒]\s*", number_list.translate(_FROM_SUPERSCRIPT).strip()):
        bounds = [b for b in re.split(_DASH, item) if b.strip()]
        if len(bounds) == 2:
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low <= _MAX_RANGE:
                numbers.extend(str(n) for n in range(low, high + 1))
                continue
            why = "is not ascending" if low > high else f"spans more than {_MAX_RANGE} references"
            problems.append(f"marker range {item.strip()!r} {why}; read as two numbers")
            numbers.extend([str(low), str(high)])
        elif bounds:
            numbers.append(str(int(bounds[0])))
    return [n for n in numbers if n != "0"], problems


def _word_before(text: str, index: int) -> str:
    # A window, not text[:index]: searching everything before each marker made long
    # paragraphs with many markers quadratic.
    match = re.search(r"([^\W\d_]+)\W*$", text[max(0, index - 200) : index])
    return match.group(1).lower() if match else ""


def _superscript_ok(text: str, start: int) -> bool:
    if start and (text[start - 1].isdigit() or text[start - 1] in "⁻⁺"):
        return False  # an exponent: 10⁹/L, 2², s⁻¹
    # m², cm³, kg/m². A match lies within the last 4 characters before start, so searching a
    # few of them (endpos makes "$" match at start) finds what searching text[:start] would,
    # without copying the text before every superscript.
    return not _UNIT_BEFORE.search(text, max(0, start - _UNIT_WINDOW), start)


class _Taken:
    """The spans of the markers found so far, each new candidate checked in O(log n).

    The spans taken are disjoint and non-empty, so sorted by start they are sorted by end too:
    a candidate overlaps one of them exactly when the last span starting before the
    candidate's end ends after its start. Candidates arrive one pattern after another, each
    pattern's in printed order, so a pattern's spans are appended to ``pending`` in order and
    merged into the sorted lists when the next pattern starts over from the beginning.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.pending_starts: list[int] = []
        self.pending_ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        if self.pending_starts and start < self.pending_starts[-1]:
            self._merge()  # out of printed order: a new pattern starts over
        if self.pending_starts and start < self.pending_ends[-1] and self.pending_starts[-1] < end:
            return True
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        self.pending_starts.append(start)
        self.pending_ends.append(end)

    def _merge(self) -> None:
        # Two sorted runs: sorting them is a linear merge. Indexes, not (start, end) tuples,
        # so that no object per span is made for the garbage collector to walk.
        starts = self.starts + self.pending_starts
        ends = self.ends + self.pending_ends
        order = sorted(range(len(starts)), key=starts.__getitem__)
        self.starts = [starts[i] for i in order]
        self.ends = [ends[i] for i in order]
        self.pending_starts, self.pending_ends = [], []


def find_groups(
    text: str,
    *,
    allow_parens: bool = True,
    given: Sequence[MarkerGroup] = (),
    find: bool = True,
) -> list[MarkerGroup]:
    """Find the markers in one block of text, adjacent ones merged, in printed order.

    ``given`` are the marks the format itself made (in printed order, disjoint): they win over
    any printed form found in the same place; ``find`` False reads only those.
    """
    found: list[MarkerGroup] = list(given)
    taken = _Taken()
    for group in given:
        taken.add(group.start, group.end)
    if not find:
        return _merge_adjacent(text, found)

    def add(start: int, end: int, raw: str, *, block: bool = False) -> None:
        # A span already taken by an earlier pattern wins: patterns run in priority order.
        if taken.overlaps(start, end):
            return
        numbers, problems = expand(raw)
        if numbers:
            taken.add(start, end)
            found.append(MarkerGroup(start, end, numbers, block, problems=problems))

    for m in _LINKED_RANGE.finditer(text):
        add(m.start(), m.end(), f"{m.group(1)}-{m.group(2)}")
    for m in _BRACKET.finditer(text):
        add(m.start(), m.end(), m.group(1))
    for m in _HTML_SUP.finditer(text):
        add(m.start(), m.end(), m.group(1))
    for m in _UNICODE_SUP.finditer(text):
        if _superscript_ok(text, m.start()):
            add(m.start(), m.end(), m.group(0))
    if allow_parens:
        for m in _PAREN.finditer(text):
            add(m.start(), m.end(), m.group(1))
    for m in _GLUED.finditer(text):
        if _word_before(text, m.start()) not in NUMBERED_ABBREVIATIONS:
            add(m.start(2), m.end(2), m.group(2))
    bare = _BARE_TRAILING.search(text)
    if bare and _word_before(text, bare.start()) not in NUMBERED_ABBREVIATIONS:
        add(bare.start(1), bare.end(1), bare.group(1), block=True)
    found.sort(key=lambda g: g.start)
    return _merge_adjacent(text, found)


def _merge_adjacent(text: str, groups: list[MarkerGroup]) -> list[MarkerGroup]:
    merged: list[MarkerGroup] = []
    for group in groups:
        if (
            merged
            and not (group.keep_text or merged[-1].keep_text)
            and re.fullmatch(r"\s*[,;]?\s*", text[merged[-1].end : group.start])
        ):
            last = merged[-1]
            last.end = group.end
            last.numbers.extend(group.numbers)
            last.problems.extend(group.problems)
            last.block_marker = last.block_marker or group.block_marker
        else:
            merged.append(group)
    return merged


def has_brackets(text: str) -> bool:
    """True when the text prints bracketed number markers (then parentheses are not markers)."""
    return bool(_BRACKET.search(text) or _LINKED_RANGE.search(text))


def unclosed_bracket(text: str) -> int | None:
    """Offset of a '[3'-style marker that is never closed, or None."""
    match = _UNCLOSED.search(text)
    return match.start() if match else None


def strip_markers(
    text: str,
    *,
    allow_parens: bool = True,
    given: Sequence[MarkerGroup] = (),
    find: bool = True,
) -> CleanText:
    """Remove every marker (and the space before it) and record where each one stood.

    A narrative citation (``keep_text``) stays in the text; it stands where its words end.
    """
    groups = find_groups(text, allow_parens=allow_parens, given=given, find=find)
    kept: list[str] = []  # pieces of text
    origin: list[int] = []
    cursor = 0
    for group in groups:
        if group.keep_text:
            kept.append(text[cursor : group.end])
            origin.extend(range(cursor, group.end))
            group.position = len(origin)
            cursor = group.end
            continue
        start = group.start
        while start > cursor and text[start - 1].isspace():
            start -= 1
        kept.append(text[cursor:start])
        origin.extend(range(cursor, start))
        group.position = len(origin)
        cursor = group.end
        if group.end < len(text) and text[group.end].isalnum() and start < group.start:
            kept.append(" ")  # "pain [1]and" keeps its word break
            origin.append(group.end)
    kept.append(text[cursor:])
    origin.extend(range(cursor, len(text)))
    return CleanText("".join(kept), origin, groups)
