"""Article text -> ParsedArticle: title, sections, statements with markers, reference list.

How statements are cut and markers attached (what a careful editor expects):

* Headings, the title, site furniture and the reference list are not statements. A list whose
  items are fragments is one statement with its lead-in ("Types include: SCS; PNS; TENS.", see
  lists.py); a short lead-in that ends with ":" before a list of sentences is not a statement.
* A list item is one statement: a bullet is one point, and a marker printed after it cites the
  whole point.
* A paragraph that ends in a *block marker* -- a bare number or number list after its last
  sentence, "... concern. 1, 3", the answer-page style -- is one statement carrying that marker:
  the marker cites the paragraph, and cutting it would leave its first sentences looking
  unsupported.
* Any other paragraph is cut into sentences (abbreviations such as "e.g.", "vs.", "et al.",
  "Dr.", "Fig. 2", initials and decimals do not cut). A marker inside a sentence, or printed
  right after its closing punctuation ("... pain. [2] Next", "... pain.² Next"), belongs to
  that sentence -- the one it follows.

So the answer page in shared/seeds (one paragraph and fifteen bullets, each ending in a marker;
one bullet has two sentences) gives sixteen statements.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence

from kb.errors import ImportProblem
from kb.ingest.authoryear import Citation, citation_warnings
from kb.ingest.blocks import Block, build_blocks, is_markdown
from kb.ingest.citestyle import (
    as_groups,
    author_year_citations,
    read_references,
    reference_warnings,
)
from kb.ingest.document import Document, exact_links
from kb.ingest.furniture import compile_furniture, is_furniture
from kb.ingest.lists import merge_fragment_lists
from kb.ingest.markers import (
    MarkerGroup,
    has_brackets,
    strip_markers,
    unclosed_bracket,
)
from kb.ingest.records import ParsedArticle, Statement
from kb.ingest.reflist import is_reference_heading
from kb.ingest.sentences import sentence_spans

MAX_CHARS = 2_000_000
_LETTER = re.compile(r"[^\W\d_]")
_HEADING_END = re.compile(r"[.,;:!…]['\"”’]*$")


def parse_article(
    text: str, *, furniture: Sequence[str] | None = None, title: str | None = None
) -> ParsedArticle:
    """Read an article (plain text or Markdown) into statements and references; nothing stored."""
    return parse_document(read_text(text, furniture=furniture, title=title))


def read_text(
    text: str, *, furniture: Sequence[str] | None = None, title: str | None = None
) -> Document:
    """The text and Markdown reader: lines -> blocks, title and printed reference list."""
    warnings: list[str] = []
    lines = _checked_lines(text, warnings)
    patterns = compile_furniture(furniture)
    markdown = is_markdown(lines)
    numbered_lines = list(enumerate(lines, start=1))
    body, ref_lines, ref_line = _split_reference_section(numbered_lines, patterns, markdown)
    body = [(n, "" if is_furniture(t, patterns) else t) for n, t in body]
    blocks = build_blocks(body, markdown=markdown, warnings=warnings)
    check_unclosed(blocks)
    allow_parens = not any(has_brackets(b.text) for b in blocks if b.kind != "heading")
    if not markdown:
        _promote_plain_headings(blocks)
    title_text, blocks = _take_title(blocks, title, markdown)
    reference_warnings: list[str] = []
    references = read_references(ref_lines, reference_warnings)
    return Document(
        format="markdown" if markdown else "text",
        title=title_text,
        blocks=blocks,
        references=references,
        warnings=warnings,
        reference_warnings=reference_warnings,
        allow_parens=allow_parens,
        reference_line=ref_line,
        extent=f"lines 1-{len(lines)}",
        source_text=text,
    )


def parse_document(document: Document, *, title: str | None = None) -> ParsedArticle:
    """Any reader's Document -> statements with markers, references and the exact links.

    ``title`` replaces the title the document gives.
    """
    warnings = list(document.warnings)
    blocks = merge_fragment_lists(document.blocks)
    if document.format not in ("text", "markdown"):
        check_unclosed(blocks)  # the text reader checked before it took the title
    allow_parens = document.allow_parens
    if allow_parens is None:
        allow_parens = not any(has_brackets(b.text) for b in blocks if b.kind != "heading")
    links = exact_links(document, warnings)
    references = document.references
    # Author-year citations typed in the words; a format that marks its citations says them.
    read = None
    if document.find_markers and not any(b.cites for b in blocks):
        read = author_year_citations(blocks, references, allow_parens)
    cited, author_year = read or (None, {})
    statements, sections = _statements(blocks, document.find_markers, allow_parens, warnings, cited)
    if not statements:
        raise ImportProblem(
            f"{document.extent}: the article has no statements "
            "(only headings, site furniture or references were found)"
        )
    ref_line = document.reference_line
    if ref_line is not None:
        late = [s for s in statements if s.line > ref_line]
        if late:
            warnings.append(f"line {late[0].line}: text after the reference list read as content")
    warnings.extend(document.reference_warnings)
    numbered = any(r.number is not None for r in references)
    markers = list(dict.fromkeys(m for s in statements for m in s.markers))
    if cited is not None:
        warnings.extend(
            citation_warnings([(s.line, m) for s in statements for m in s.markers], author_year)
        )
    else:
        reference_warnings(statements, references, numbered, markers, links, warnings)
    title_text = _norm(title) if title else document.title
    if not title_text:
        title_text = sections[0].split(" > ")[0] if sections else statements[0].text[:80]
        where = "line 1: no title line" if document.format in ("text", "markdown") else "no title"
        warnings.append(f"{where}; using {title_text!r}")
    linked = [m for m in markers if m in links]
    return ParsedArticle(
        title=title_text,
        sections=sections,
        statements=statements,
        references=references,
        markers=markers,
        # The page says which marker is which entry: a numbered list, or the format's own links
        # for every marker.
        reference_list_numbered=numbered or bool(linked and len(linked) == len(markers)),
        warnings=warnings,
        links={m: links[m] for m in linked},
        format=document.format,
        source_text=document.source_text or "\n\n".join(b.text for b in blocks),
        citation_style="author-year" if cited is not None else "numbered",
        author_year=author_year,
    )


def _checked_lines(text: str, warnings: list[str]) -> list[str]:
    if not isinstance(text, str):
        raise ImportProblem("line 1: the article is not text")
    if len(text) > MAX_CHARS:
        raise ImportProblem(f"line 1: the article is too long ({len(text)} characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    stray = 0
    for number, line in enumerate(lines, start=1):
        # A printable line has no control, surrogate, private or unassigned character: only the
        # others need the character by character look.
        junk = [] if line.isprintable() else [c for c in line if _is_junk(c)]
        if "\x00" in line or "\ufffd" in line or len(junk) > max(2, len(line) // 100):
            raise ImportProblem(
                f"line {number}: the article contains binary data, not text "
                "(save it as plain text or Markdown and try again)"
            )
        if junk:
            stray += len(junk)
            lines[number - 1] = "".join(" " if _is_junk(c) else c for c in line)
    if stray:
        warnings.append(f"{stray} stray control character(s) removed")
    if not any(line.strip() for line in lines):
        raise ImportProblem("line 1: the article is empty")
    return lines


def _is_junk(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"} and char not in "\t\f\v"


def _split_reference_section(
    lines: list[tuple[int, str]], patterns: Sequence[re.Pattern[str]], markdown: bool
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], int | None]:
    """(body lines, reference-section lines, line of the reference heading)."""
    heads = [i for i, (_, t) in enumerate(lines) if is_reference_heading(t)]
    if not heads:
        return lines, [], None
    start = heads[-1]
    end = start + 1
    while end < len(lines):
        text = lines[end][1]
        if is_furniture(text, patterns) or (markdown and re.match(r"\s{0,3}#{1,6}\s", text)):
            break
        end += 1
    body = lines[:start] + [(lines[start][0], "")] + lines[end:]
    return body, lines[start + 1 : end], lines[start][0]


def check_unclosed(blocks: list[Block]) -> None:
    """An ImportProblem naming the first '[3'-style marker never closed, if any."""
    for block in blocks:
        offset = unclosed_bracket(block.text)
        if offset is not None:
            snippet = block.text[offset : offset + 12]
            raise ImportProblem(
                f"{block.where(offset)}: the citation marker {snippet!r} is never closed with ']'"
            )


def heading_like(text: str, max_words: int = 14) -> bool:
    """A line that reads as a heading: short, has letters, no closing punctuation."""
    words = text.split()
    if not words or len(words) > max_words or len(text) > 12 * max_words:
        return False
    if not _LETTER.search(text):
        return False
    return not _HEADING_END.search(text) and not strip_markers(text).groups


def _promote_plain_headings(blocks: list[Block]) -> None:
    """Plain text has no heading marks: short unpunctuated lines, and numbered ones that
    introduce a paragraph ("1. Interrupting Pain Signals"), are headings."""
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "paragraph" and len(block.starts) == 1 and heading_like(block.text):
            block.kind = "heading"
        elif (
            block.kind == "item"
            and block.numbered
            and heading_like(block.text, 10)
            and following is not None
            and following.kind == "paragraph"
            and not heading_like(following.text)
        ):
            block.kind = "heading"
            block.text = f"{block.bullet} {block.text}"


def _take_title(
    blocks: list[Block], given: str | None, markdown: bool
) -> tuple[str | None, list[Block]]:
    if not blocks:
        return given, blocks
    first = blocks[0]
    is_title = first.kind == "heading" or (
        not markdown and first.kind == "paragraph" and heading_like(first.text, 30)
    )
    if given is not None:
        same = is_title and _norm(first.text).lower() == _norm(given).lower()
        return _norm(given), blocks[1:] if same or (is_title and markdown) else blocks
    if is_title:
        return _norm(first.text), blocks[1:]
    return None, blocks


def _statements(
    blocks: list[Block],
    find: bool,
    allow_parens: bool,
    warnings: list[str],
    cited: dict[int, list[Citation]] | None = None,
) -> tuple[list[Statement], list[str]]:
    statements: list[Statement] = []
    sections: list[str] = []  # heading paths in the order they first appear
    seen: set[str] = set()  # the same, to look up: a scan of the list was quadratic
    path: list[tuple[int, str]] = []
    previous_heading = False
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "heading":
            text = _norm(strip_markers(block.text).text)
            if not text:
                continue
            if block.level:  # Markdown, a bold line, or a format that says the level
                level = block.level
                while path and path[-1][0] >= level:
                    path.pop()
                path.append((level, text))
            elif previous_heading:
                path.append((len(path) + 1, text))
            elif following is not None and following.kind == "heading":
                path = [(1, text)]
            else:
                path = [*path[:-1], (len(path) or 1, text)]
            joined = " > ".join(t for _, t in path)
            if joined not in seen:
                seen.add(joined)
                sections.append(joined)
            previous_heading = True
            continue
        previous_heading = False
        section = " > ".join(t for _, t in path) or None
        if _is_lead_in(block, following):
            continue
        typed = None if cited is None else as_groups(cited.get(i, []))
        for text, markers, line, where in _cut(block, find, allow_parens, warnings, typed):
            statements.append(
                Statement(
                    len(statements) + 1, section, text, markers, line, block.kind == "item", where
                )
            )
    return statements, sections


def _is_lead_in(block: Block, following: Block | None) -> bool:
    return (
        block.kind == "paragraph"
        and block.text.rstrip().endswith(":")
        and len(block.text.split()) <= 8
        and following is not None
        and following.kind == "item"
        and not strip_markers(block.text).groups
    )


def _cut(
    block: Block,
    find: bool,
    allow_parens: bool,
    warnings: list[str],
    typed: list[MarkerGroup] | None = None,
) -> list[tuple[str, list[str], int, str]]:
    """The statements of one paragraph or list item: (text, markers, line, where).

    typed, when given, are the block's author-year citations, read instead of numbered markers.
    """
    given = [
        MarkerGroup(c.start, c.end, list(c.markers), keep_text=c.narrative) for c in block.cites
    ]
    if typed is not None:
        given, find = [*given, *typed], False
    clean = strip_markers(block.text, allow_parens=allow_parens, given=given, find=find)
    for group in clean.groups:
        for problem in group.problems:
            warnings.append(f"{block.where(group.start)}: {problem}")

    def source(offset: int) -> int:
        if not clean.origin:
            return 0
        return clean.origin[min(offset, len(clean.origin) - 1)]

    if block.kind == "item" or any(g.block_marker for g in clean.groups):
        text = _norm(clean.text)
        if not _LETTER.search(text):
            return []
        numbers = [n for g in clean.groups for n in g.numbers]
        start = source(len(clean.text) - len(clean.text.lstrip()))
        return [(text, list(dict.fromkeys(numbers)), block.line_at(start), block.where(start))]
    spans = sentence_spans(clean.text)
    cut: list[tuple[str, list[str], int, str]] = []
    owners: list[list[str]] = [[] for _ in spans]
    starts = [s for s, _ in spans]
    for group in clean.groups:
        # The last sentence starting before the marker (the first when none does), found by
        # bisection: scanning every sentence for every marker was quadratic in long paragraphs.
        index = max(bisect.bisect_left(starts, group.position) - 1, 0)
        if owners:
            owners[index].extend(group.numbers)
    for (start, end), numbers in zip(spans, owners, strict=True):
        text = _norm(clean.text[start:end])
        if not _LETTER.search(text):
            if cut and numbers:
                cut[-1][1].extend(numbers)
            continue
        at = source(start)
        cut.append((text, numbers, block.line_at(at), block.where(at)))
    return [(t, list(dict.fromkeys(m)), n, w) for t, m, n, w in cut]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
