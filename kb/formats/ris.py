"""RIS (.ris), as EndNote, Web of Science, Scopus, Embase, Zotero and PubMed write it.

rispy reads the lines (what a tag line is, what continues a value, where records start and
end); kb gives it a tag-for-tag mapping so that every tag is kept as written, known or not, in
the file's order: raw_fields maps each tag to its value, or to the list of its values when the
tag is repeated. What rispy drops silently, kb reports: a record with no ER line (the next
record's TY, or the end of the file, comes first) is read up to there and named as a problem.

kb's own values travel in a tag of their own, `KB`, which other programs keep as an unknown
tag: `KB  - citekey: smith2020` (when the record's ID is some other number),
`KB  - studytype: rct` and `KB  - retraction: retracted`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from rispy import RisParser

from kb.formats.citekeys import explicit_key, usable_key
from kb.formats.drafts import Draft, assemble, where
from kb.formats.records import ParseResult, Problem, Reader
from kb.formats.text import clean, decode_bytes, doi_of, year_in

# RIS reference types -> BibTeX entry types (anything else is misc).
TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article",
    "NEWS": "article", "ABST": "article", "INPR": "article", "BOOK": "book", "EBOOK": "book",
    "EDBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection", "CONF": "inproceedings",
    "CPAPER": "inproceedings", "THES": "phdthesis", "RPRT": "techreport", "GOVDOC": "techreport",
    "UNPB": "unpublished",
}  # fmt: skip
KB_TAG = "KB"
_PMID = re.compile(r"^(?:PMID:?\s*)?(\d{1,9})$", re.I)
_SAYS_PMID = re.compile(r"^PMID", re.I)


class _Parser(RisParser):
    """rispy's line rules with every tag kept under its own name, as a list, and line numbers."""

    PATTERN = ""
    DEFAULT_MAPPING: ClassVar[dict] = {"TY": "TY"}

    def __init__(self) -> None:
        super().__init__(list_tags=[], delimiter_tags_mapping={}, enforce_list_tags=False)
        self.starts: list[int] = []  # line of each record's TY
        self.unended: dict[int, int | None] = {}  # record index -> line of the next TY, or None
        self._last: str | None = None

    def _iter_till_start(self, lines: Any) -> dict:
        record = super()._iter_till_start(lines)
        self._last = self.START_TAG
        return {self.START_TAG: [record[self.START_TAG]]}

    def _add_tag(
        self, record: dict, tag: str, content: str, extend_multiline: bool = False
    ) -> None:
        if extend_multiline:
            # A line that is no tag continues the last value read (rispy's own last tag may
            # belong to the record before).
            if content and self._last is not None:
                values = record[self._last]
                values[-1] = f"{values[-1]} {content}" if values[-1] else content
            return
        record.setdefault(tag, []).append(content)
        self._last = tag

    def lines(self, text: str) -> Iterator[str]:
        """The text's lines, with an ER put in where a record lacks one, counting lines."""
        open_ = False
        for number, line in enumerate(text.split("\n"), 1):
            if not open_:
                if line.startswith(self.START_TAG):  # as rispy finds a start
                    open_ = True
                    self.starts.append(number)
            elif line[2:5] == "  -":  # a tag line, as rispy's parse_line tells it
                tag = line[:2]
                if tag == self.START_TAG:
                    self.unended[len(self.starts) - 1] = number
                    self.starts.append(number)
                    yield f"{self.END_TAG}  - "
                elif tag == self.END_TAG:
                    open_ = False
            yield line
        if open_:
            self.unended[len(self.starts) - 1] = None
            yield f"{self.END_TAG}  - "


def _values(raw: dict[str, Any], *tags: str) -> list[str]:
    out = []
    for tag in tags:
        value = raw.get(tag)
        if value is not None:
            for item in value if isinstance(value, list) else (value,):
                text = clean(item)
                if text:
                    out.append(text)
    return out


def _first(raw: dict[str, Any], *tags: str) -> str | None:
    for tag in tags:
        value = raw.get(tag)
        if value is not None:
            for item in value if isinstance(value, list) else (value,):
                text = clean(item)
                if text:
                    return text
    return None


def _kb_values(raw: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in _values(raw, KB_TAG):
        name, sep, value = item.partition(":")
        if sep:
            found.setdefault(name.strip().lower(), value.strip())
    return found


def _pmid(raw: dict[str, Any]) -> str | None:
    database = " ".join(_values(raw, "DB", "DP")).lower()
    from_pubmed = "pubmed" in database or "medline" in database
    for value in _values(raw, "AN", "C2"):
        found = _PMID.match(value)
        if found and (from_pubmed or _SAYS_PMID.match(value)):
            return found.group(1)
    return None


def _entry_type(ty: str | None) -> str:
    code = (ty or "").strip().upper()
    if code in TYPES:
        return TYPES[code]
    return "article" if "JOURNAL" in code else "misc"


def draft_of(raw: dict[str, Any], line: int | None, number: int | None) -> Draft:
    """The fields kb shows, from one record's tags."""
    kb = _kb_values(raw)
    start, end = _first(raw, "SP"), _first(raw, "EP")
    pages = f"{start}-{end}" if start and end and "-" not in start else start or end
    notes = _values(raw, "N1")
    return Draft(
        entry_type=_entry_type(_first(raw, "TY")),
        raw_fields=raw,
        line=line,
        number=number,
        key=explicit_key(kb.get("citekey")) or usable_key(_first(raw, "ID")),
        title=_first(raw, "TI", "T1", "CT", "BT", "ST"),
        authors=_values(raw, "AU", "A1"),
        journal=_first(raw, "JF", "JO", "T2", "JA", "J2", "J1"),
        year=next((y for y in map(year_in, _values(raw, "PY", "Y1", "DA", "Y2")) if y), None),
        volume=_first(raw, "VL", "VO"),
        issue=_first(raw, "IS"),
        pages=pages,
        doi=next((d for d in map(doi_of, _values(raw, "DO", "DI")) if d), None),
        pmid=_pmid(raw),
        abstract=_first(raw, "AB", "N2"),
        note=" ".join(notes) if notes else None,
        pubtypes=_values(raw, "M3"),
        keywords=_values(raw, "KW"),
        studytype=kb.get("studytype"),
        retraction=kb.get("retraction"),
    )


def _flatten(record: dict[str, list[str]]) -> dict[str, Any]:
    # A tag given once holds its value; a repeated one the list of them.
    return {tag: values[0] if len(values) == 1 else values for tag, values in record.items()}


def parse_ris(text: str) -> ParseResult:
    """Read a RIS text into records and problems; a bad record is reported, never raised."""
    parser = _Parser()
    found = parser.parse_lines(parser.lines(text))
    drafts: list[Draft] = []
    problems: list[Problem] = []
    for index, record in enumerate(found):
        line = parser.starts[index] if index < len(parser.starts) else None
        draft = draft_of(_flatten(record), line, index + 1)
        if index in parser.unended:
            nxt = parser.unended[index]
            before = f"the next record's TY on line {nxt}" if nxt else "the end of the file"
            draft.faults.append(
                (
                    "malformed record",
                    f"{where(line, index + 1)} has no ER line before {before}; "
                    "it was read up to there (is the file cut off, or an ER line missing?).",
                )
            )
        drafts.append(draft)
    if not found and text.strip():
        problems.append(
            Problem(
                "malformed record",
                None,
                None,
                "No RIS record in the file: a record starts with a line such as 'TY  - JOUR'.",
            )
        )
    return assemble("ris", drafts, problems)


def _parse(text: str, library: object) -> ParseResult:
    return parse_ris(text)


def _decode(data: bytes, encoding: str | None, source: str) -> str:
    return decode_bytes(data, encoding, source, "a .ris file")


RIS = Reader(name="ris", label="RIS", suffixes=(".ris",), decode=_decode, parse=_parse)

__all__ = ["KB_TAG", "RIS", "TYPES", "draft_of", "parse_ris"]
