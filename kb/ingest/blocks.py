"""Lines -> blocks: headings, paragraphs and list items, each knowing its source lines.

Markdown (any ``#`` heading in the text): consecutive lines form a paragraph, a list item keeps
its indented or lazily continued lines, blank lines close blocks. Plain text (pasted web pages):
every line is a block, except a long line without closing punctuation followed by a line that
starts in lower case (a hard wrap), and indented lines under a list item.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from kb.ingest.inline import inline_text
from kb.ingest.records import Cite

BlockKind = Literal["heading", "paragraph", "item"]

# A heading's marks: up to three spaces, one to six "#" and a space. Its text runs to the end of
# the line, less any closing "#"s and spaces (see md_heading).
_HEADING_MARKS = re.compile(r"\s{0,3}(#{1,6})\s+")
# A whole line in bold is a heading; a line that merely starts and ends with bold words
# ("**Warning** opioids are **never** safe with **benzodiazepines**") is not.
BOLD_LINE = re.compile(r"\s*(\*\*|__)(?P<text>[^*_](?:(?!\1).)*)\1\s*:?\s*")
LIST_ITEM = re.compile(r"(?P<indent>\s*)(?P<bullet>[-*+•·▪●◦‣–—]|\d{1,3}[.)])\s+(?P<text>\S.*)")
_RULE = re.compile(r"\s*([-*_])(?:\s*\1){2,}\s*")
_FENCE = re.compile(r"\s*(```|~~~)")
_TABLE = re.compile(r"\s*\|.*\|\s*")
_CLOSING = re.compile(r"[.!?:;]['\"”’)\]]*$")


@dataclass
class Block:
    """A heading, paragraph or list item with the line where each of its pieces starts."""

    kind: BlockKind
    line: int
    text: str = ""
    level: int = 0  # heading level; 0 = unknown (plain text)
    bullet: str = ""
    indent: int = 0
    starts: list[int] = field(default_factory=list)  # offsets in text where a line starts
    lines: list[int] = field(default_factory=list)  # the source line of each start
    cites: list[Cite] = field(default_factory=list)  # citation marks the format makes
    place: str = ""  # where it is when that is not a line: "paragraph 7", an XML element path

    def add_lines(self, pieces: Sequence[tuple[int, str]]) -> None:
        """Append (source line, text) pieces, each stripped and after a space when there is
        text before it. Joined once: adding to ``text`` line by line copied it every time,
        quadratic in the lines of a paragraph."""
        parts = [self.text]
        length = len(self.text)
        for line, text in pieces:
            text = text.strip()
            if length:
                parts.append(" ")
                length += 1
            self.starts.append(length)
            self.lines.append(line)
            parts.append(text)
            length += len(text)
        self.text = "".join(parts)

    def line_at(self, offset: int) -> int:
        """Source line of a character offset in ``text``."""
        if not self.starts:
            return self.line
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def where(self, offset: int = 0) -> str:
        """Where a character of ``text`` is, as a user finds it ("line 12", "paragraph 3")."""
        return self.place or f"line {self.line_at(offset)}"

    @property
    def numbered(self) -> bool:
        return self.bullet[:1].isdigit()


def md_heading(line: str) -> tuple[int, str] | None:
    r"""(level, text) of a Markdown heading line ("## Text ##"), or None.

    What ``\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*`` fully matching the line gives, without that
    pattern's backtracking: it tried each end of the text against each way of splitting the
    spaces after it, cubic in a run of spaces ("# a", 4,000 spaces, "b": 100 s).
    """
    marks = _HEADING_MARKS.match(line)
    if marks is None:
        return None
    start = marks.end()
    end = max(start, len(line.rstrip().rstrip("#").rstrip()))
    if "\n" in line[start:end]:
        return None  # the text is one line
    return len(marks[1]), line[start:end]


def is_markdown(lines: list[str]) -> bool:
    """True when the text uses Markdown headings."""
    return any(md_heading(line) for line in lines)


def build_blocks(
    lines: list[tuple[int, str]], *, markdown: bool, warnings: list[str]
) -> list[Block]:
    """Turn (line number, text) pairs into blocks; a pair with text None-like '' is a break."""
    blocks: list[Block] = []
    current: Block | None = None
    # The lines of each paragraph and item, joined into its text once all are read.
    pieces: list[tuple[Block, list[tuple[int, str]]]] = []
    current_lines: list[tuple[int, str]] = []
    previous_blank = True
    in_fence = False
    for number, raw in lines:
        if _FENCE.match(raw):
            in_fence = not in_fence
            current = None
            if in_fence:  # said once, where the block opens
                warnings.append(f"line {number}: code block skipped")
            continue
        if in_fence:
            continue
        if not raw.strip() or _RULE.fullmatch(raw):
            current, previous_blank = None, True
            continue
        if _TABLE.fullmatch(raw):
            current = None
            warnings.append(f"line {number}: table row skipped")
            continue
        raw = re.sub(r"^\s*>\s?", "", raw)  # block quotes read as text
        heading = md_heading(raw) if markdown else None
        bold = BOLD_LINE.fullmatch(raw)
        item = LIST_ITEM.fullmatch(raw)
        if heading:
            level, text = heading
            blocks.append(Block("heading", number, inline_text(text).strip(), level=level))
            current = None
        elif bold and not item:
            blocks.append(Block("heading", number, bold.group("text").strip(), level=7))
            current = None
        elif item:
            current = Block("item", number, bullet=item.group("bullet"),
                            indent=len(item.group("indent").expandtabs(4)))  # fmt: skip
            current_lines = [(number, inline_text(item.group("text")))]
            pieces.append((current, current_lines))
            blocks.append(current)
        elif current is not None and _continues(
            current, current_lines[-1][1], raw, markdown, previous_blank
        ):
            current_lines.append((number, inline_text(raw)))
        else:
            current = Block("paragraph", number)
            current_lines = [(number, inline_text(raw))]
            pieces.append((current, current_lines))
            blocks.append(current)
        previous_blank = False
    for block, lines_of_block in pieces:
        block.add_lines(lines_of_block)
    return blocks


def _continues(block: Block, last: str, raw: str, markdown: bool, previous_blank: bool) -> bool:
    """Whether ``raw`` goes on the block whose last line so far reads ``last``."""
    if previous_blank:
        return False
    if markdown:
        return True  # a paragraph's next line, or a list item's lazy continuation
    if block.kind == "item" and raw[:1].isspace():
        return True
    last = last.strip()
    stripped = raw.strip()
    return len(last) >= 40 and not _CLOSING.search(last) and stripped[:1].islower()
