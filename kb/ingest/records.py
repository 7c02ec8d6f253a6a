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
