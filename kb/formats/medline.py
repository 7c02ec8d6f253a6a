"""MEDLINE / .nbib: PubMed's "PubMed" (MEDLINE display) format.

A record is a run of lines with no blank line between them: a tag of up to four characters
padded to four, "- ", the value (`PMID- 12230038`, `TI  - ...`, `FAU - Mangalam, Harry`), and
continuation lines indented by six spaces. A blank line ends a record. Every tag is kept in
raw_fields in the file's order (a repeated tag as the list of its values).

Written by hand: the format is a handful of line rules, and the one maintained reader (in
Biopython) brings a large scientific package for them and gives no line numbers, which every
problem kb reports needs.
"""

from __future__ import annotations

import re
from typing import Any

from kb.formats.drafts import Draft, assemble, where
from kb.formats.records import ParseResult, Problem, Reader
from kb.formats.text import clean, decode_bytes, doi_of, year_in

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,2}- ?(.*)")
_DOI = re.compile(r"^(.*?)\s*\[doi\]\s*$", re.I)


def _values(raw: dict[str, Any], tag: str) -> list[str]:
    value = raw.get(tag)
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [text for text in map(clean, items) if text]


def _first(raw: dict[str, Any], *tags: str) -> str | None:
    for tag in tags:
        values = _values(raw, tag)
        if values:
            return values[0]
    return None


def _doi(raw: dict[str, Any]) -> str | None:
    for tag in ("AID", "LID"):
        for value in _values(raw, tag):
            found = _DOI.match(value)
            if found:
                return doi_of(found.group(1))
    return None


def _retraction(raw: dict[str, Any]) -> str | None:
    # "Retraction in:" and "Expression of concern in:" link the article to the notice about it.
    if "RIN" in raw:
        return "retracted"
    if "EIN" in raw:
        return "expression-of-concern"
    return None


def draft_of(raw: dict[str, Any], line: int | None, number: int | None) -> Draft:
    """The fields kb shows, from one record's tags."""
    return Draft(
        entry_type="incollection" if "BTI" in raw and "TI" in raw else
        "book" if "BTI" in raw else "article",
        raw_fields=raw,
        line=line,
        number=number,
        title=_first(raw, "TI", "BTI", "TT"),
        authors=_values(raw, "FAU") or _values(raw, "AU") or _values(raw, "CN"),
        journal=_first(raw, "JT", "TA"),
        year=year_in(_first(raw, "DP", "DEP")),
        volume=_first(raw, "VI"),
        issue=_first(raw, "IP"),
        pages=_first(raw, "PG"),
        doi=_doi(raw),
        pmid=_first(raw, "PMID"),
        abstract=_first(raw, "AB"),
        pubtypes=_values(raw, "PT"),
        keywords=_values(raw, "MH") + _values(raw, "OT"),
        retraction=_retraction(raw),
    )  # fmt: skip


def _add(raw: dict[str, Any], tag: str, value: str) -> None:
    if tag not in raw:
        raw[tag] = value
    elif isinstance(raw[tag], list):
        raw[tag].append(value)
    else:
        raw[tag] = [raw[tag], value]


def _extend(raw: dict[str, Any], tag: str, text: str) -> None:
    if isinstance(raw[tag], list):
        raw[tag][-1] = f"{raw[tag][-1]} {text}".strip()
    else:
        raw[tag] = f"{raw[tag]} {text}".strip()


def parse_medline(text: str) -> ParseResult:
    """Read a MEDLINE text into records and problems; a bad record is reported, never raised."""
    drafts: list[Draft] = []
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    bad: list[int] = []  # lines of the record being read that are neither tag nor continuation
    junk: list[int] = []  # first and last line of a run of paragraphs with no tag line
    start: int | None = None
    last: str | None = None

    def flush_junk() -> None:
        if junk:
            first, end = junk[0], junk[-1]
            lines = f"Line {first}" if first == end else f"Lines {first}-{end}"
            problems.append(
                Problem(
                    "malformed record",
                    first,
                    None,
                    f"{lines}: no MEDLINE tag line ('PMID- ', 'TI  - ', ...); not read.",
                )
            )
            junk.clear()

    def close(end: int) -> None:
        nonlocal raw, start, last
        if start is not None and not raw:  # text, but not MEDLINE: one problem for the run
            junk[:] = [junk[0] if junk else start, end]
        elif start is not None:
            flush_junk()
            number = len(drafts) + 1
            draft = draft_of(raw, start, number)
            if bad:
                more = f" (and {len(bad) - 1} more line(s) of it)" if len(bad) > 1 else ""
                draft.faults.append(
                    (
                        "malformed record",
                        f"Line {bad[0]}{more} is neither a tag line ('TI  - ...') nor an "
                        "indented continuation of one.",
                    )
                )
            if not draft.pmid:
                draft.faults.append(
                    (
                        "missing pmid",
                        f"{where(start, number)} has no PMID line; a MEDLINE record starts with "
                        "'PMID- ' and its number (is the file cut, or not from PubMed?).",
                    )
                )
            drafts.append(draft)
        raw, start, last = {}, None, None
        bad.clear()

    number = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            close(number - 1)
            continue
        if start is None:
            start = number
        found = _TAG_LINE.fullmatch(line.rstrip()) if len(line) > 4 and line[4] == "-" else None
        if found is not None:
            last = found.group(1)
            _add(raw, last, found.group(2).strip())
        elif line[:1].isspace() and last is not None:
            _extend(raw, last, line.strip())
        else:
            bad.append(number)
    close(number)
    flush_junk()
    return assemble("medline", drafts, problems)


def _parse(text: str, library: object) -> ParseResult:
    return parse_medline(text)


def _decode(data: bytes, encoding: str | None, source: str) -> str:
    return decode_bytes(data, encoding, source, "a MEDLINE file")


MEDLINE = Reader(
    name="medline", label="MEDLINE (.nbib)", suffixes=(".nbib", ".medline"), decode=_decode,
    parse=_parse,
)  # fmt: skip
