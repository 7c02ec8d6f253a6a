"""What every reader returns: reference records, problems as data, and the result of one parse.

Format-neutral: a record carries the fields a reference shows, decoded to plain text, and the
source record's own fields as written (raw_fields), so that an export can write them back. A
problem names what is wrong and where; a reader returns problems, it never raises for bad input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.enums import RetractionStatus
from kb.formats.studytype import UNKNOWN


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located by the line where its record starts.

    record is the record's number in the file (1 for the first), for formats that count records:
    in a JSON file it is the only place a problem has, as JSON gives no line numbers.
    """

    kind: str
    line: int | None
    citekey: str | None
    message: str
    record: int | None = None

    def as_dict(self) -> dict:
        """Plain dict for reports and JSON."""
        return asdict(self)


@dataclass
class ReferenceRecord:
    """One reference as a file gives it: the decoded fields a reference shows, and its raw fields.

    raw_fields keeps every field of the source record as the format wrote it, so that an export
    round-trips; content_hash() is computed from them. Their names and values are the format's
    own, named by `source` (a reader's name): BibTeX fields are strings, a RIS or MEDLINE tag
    given more than once holds a list, a CSL-JSON variable holds its JSON value. crossref is
    the key of another record of the same file this one takes its container (book,
    proceedings) from, as BibTeX's crossref field names it; formats without such links leave it
    None. key_generated says the file gave no citation key, so kb made one (kb.formats.citekeys).
    entry_type is BibTeX's name of the kind of work (article, book, ...) whatever the format.
    """

    citekey: str
    entry_type: str
    line: int | None = None
    raw_fields: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    abstract: str | None = None
    note: str | None = None
    study_type: str = UNKNOWN
    study_type_inferred: bool = False
    retraction: str = RetractionStatus.none.value
    crossref: str | None = None
    source: str = "bibtex"
    key_generated: bool = False
    number_in_file: int | None = None

    def content_hash(self) -> str:
        """Stable sha256 of the entry type and raw fields: equal hashes mean an unchanged entry.

        The format is part of it except for BibTeX (whose hashes predate the other formats), so
        the same fields read from another format are news.
        """
        head: list[Any] = [self.entry_type]
        if self.source != "bibtex":
            head.insert(0, self.source)
        payload = json.dumps(
            [*head, sorted(self.raw_fields.items())],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LibraryBlock:
    """A library-level block a format keeps besides its records, so an export writes it back.

    name is unique within its kind: BibTeX's @string is named by its macro; a @preamble or
    @comment, which has no name, by a digest of its value (block_name), so the same block
    imported twice is stored once.
    """

    kind: str
    name: str
    value: str


def block_name(value: str) -> str:
    """The name of a block that has none: a digest of its value."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


@dataclass
class ParseResult:
    """Everything a reader read from one file.

    format names the reader (kb stores it as the source of the references it creates). A format
    whose records can depend on each other, or that has library-level blocks, returns a subclass
    that overrides dependants() and library_blocks().
    """

    format: str
    records: list[ReferenceRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def dependants(self, skipped: Iterable[str]) -> list[Problem]:
        """Problems for the records that cannot be written once the `skipped` keys are left out."""
        return []

    def library_blocks(self) -> list[LibraryBlock]:
        """The library-level blocks to store with the records, in the file's order."""
        return []


@dataclass(frozen=True)
class Reader:
    """One exchange format kb reads references from.

    decode(data, encoding, source) turns a file's bytes into text, or raises ImportProblem
    saying where it cannot; parse(text, library) reads the text into a ParseResult, given the
    blocks the library already holds (a BibTeX entry may use a @string the library defines).
    """

    name: str
    label: str
    suffixes: tuple[str, ...]
    decode: Callable[[bytes, str | None, str], str]
    parse: Callable[[str, Sequence[LibraryBlock]], ParseResult]
