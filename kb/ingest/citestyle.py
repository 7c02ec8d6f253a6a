"""How an article's citations meet its reference list: the list read, its warnings, and the
citation style the words use, with author-year citations as markers.

An article whose reference list is cited by author and year ("(Zhou et al. 2002)") rather than
by number gets its citations read here, block by block, before statements are cut: each becomes
a marker group that takes the place of the numbered markers the words would otherwise give.
"""

from __future__ import annotations

from kb.ingest.authoryear import (
    Citation,
    cites_author_year,
    find_citations,
    keep_named,
    parse_entry_names,
    resolve_all,
)
from kb.ingest.blocks import Block
from kb.ingest.markers import MarkerGroup, find_groups
from kb.ingest.records import RefEntry, Statement
from kb.ingest.reflist import parse_reference_entry, split_entries


def author_year_citations(
    blocks: list[Block], references: list[RefEntry], allow_parens: bool
) -> tuple[dict[int, list[Citation]], dict[str, list[int]]] | None:
    """(block index -> its author-year citations, marker -> candidate entries), when the
    article cites that way; None when it does not."""
    texts = {i: b.text for i, b in enumerate(blocks) if b.kind != "heading"}
    cited = {i: c for i, t in texts.items() if (c := find_citations(t))} if references else {}
    if not cited:
        return None
    # At most this many could link: counting numbered markers stops there, and a numbered
    # article with a stray "England (2009)" is not read further.
    most = sum(len(c.items) for cs in cited.values() for c in cs)
    numbered = 0
    for text in texts.values():
        numbered += len(find_groups(text, allow_parens=allow_parens))
        if numbered >= most:
            return None
    entries = [parse_entry_names(r.text) for r in references]
    cited = {i: kept for i, cs in cited.items() if (kept := keep_named(cs, entries))}
    found = resolve_all([c for cs in cited.values() for c in cs], entries)
    return (cited, found) if cites_author_year(found, numbered) else None


def as_groups(citations: list[Citation]) -> list[MarkerGroup]:
    """The citations as the marker groups strip_markers takes out."""
    return [MarkerGroup(c.start, c.end, [i.printed for i in c.items]) for c in citations]


def read_references(lines: list[tuple[int, str]], warnings: list[str]) -> list[RefEntry]:
    """A text file's reference section, entry by entry; an entry not understood is warned of."""
    entries = []
    for raw in split_entries(lines):
        entry = parse_reference_entry(
            "\n".join(raw.lines),
            line=raw.line,
            number=raw.number,
            type_label=raw.type_label,
            wrapped=raw.wrapped,
        )
        if entry.title is None and entry.year is None:
            warnings.append(f"line {raw.line}: reference entry not understood: {entry.text[:60]!r}")
        entries.append(entry)
    return entries


def reference_warnings(
    statements: list[Statement],
    references: list[RefEntry],
    numbered: bool,
    markers: list[str],
    links: dict[str, int],
    warnings: list[str],
) -> None:
    """Warnings about how numbered markers meet the reference list (links: the format's own)."""
    markers = [m for m in markers if m not in links]  # the format said which entry these are
    if markers and not references:
        warnings.append("the article prints citation markers but no reference list was found")
        return
    if numbered:
        numbers = [r.number for r in references if r.number is not None]
        # A footnote or other entry a link points to needs no number.
        linked = set(links.values())
        unnumbered = [i for i, r in enumerate(references) if r.number is None]
        if any(i not in linked for i in unnumbered):
            warnings.append("the reference list mixes numbered and unnumbered entries")
        if numbers != list(range(1, len(numbers) + 1)):
            warnings.append("reference numbers are not 1, 2, 3, ... in order")
        known = {str(n) for n in numbers}
        for statement in statements:
            for marker in statement.markers:
                if marker not in known and marker not in links:
                    warnings.append(
                        f"{statement.where}: marker {marker} has no entry in the reference list"
                    )
    elif markers and references and len(markers) != len(references):
        warnings.append(
            f"{len(markers)} distinct markers but {len(references)} unnumbered references: "
            "the page does not say which marker is which reference"
        )
