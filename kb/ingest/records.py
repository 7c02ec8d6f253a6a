"""The records article parsing produces: statements, reference entries, the parsed article."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Statement:
    """One statement of an article, as the reader reads it, with its printed markers."""

    position: int
    section: str | None
    text: str
    markers: list[str]
    line: int
    is_list_item: bool
    where: str = ""  # where a user finds it: "line 12", "paragraph 7", "/article/body/sec[2]/p[1]"


@dataclass
class RefEntry:
    """One entry of the article's printed reference list, with the fields read from it."""

    number: int | None
    text: str
    type_label: str | None
    line: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    key: str | None = None  # the id the format gives the entry (JATS ref id, HTML id, footnote)


@dataclass
class ParsedArticle:
    """Everything read from one article's text; nothing stored yet."""

    title: str
    sections: list[str]
    statements: list[Statement]
    references: list[RefEntry]
    markers: list[str]
    reference_list_numbered: bool
    warnings: list[str]
    citation_style: str = "numbered"  # or "author-year"
    # author-year marker ("Zhou et al. 2002") -> indexes of the references it can mean
    author_year: dict[str, list[int]] = field(default_factory=dict)
    # marker -> index in references, where the format itself says which entry a marker is
    # (JATS xref rid, an HTML link to the entry, a Word footnote): confirmed, never guessed.
    links: dict[str, int] = field(default_factory=dict)
    format: str = "text"
    # The article as text, for the record: what a text file holds, the read text of other formats.
    source_text: str = ""


@dataclass
class Cite:
    """A citation mark the format itself makes in a block's text (a JATS xref, an HTML link or
    superscript, a Word footnote reference): never guessed from the words.

    ``markers`` are what it prints ("2", "3", "4" for "[2-4]"; "Zhou et al. 2002"); ``targets``
    gives, for each, the key of the reference entry the format says it is, or None.
    ``narrative`` marks a citation that is part of the sentence ("Zhou et al. (2002) showed"):
    its words stay in the claim text.
    """

    start: int
    end: int
    markers: list[str]
    targets: list[str | None]
    narrative: bool = False
