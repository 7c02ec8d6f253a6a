"""From what a reader found in one record to a ReferenceRecord: keys, study type, retraction.

The RIS, MEDLINE, PubMed XML and CSL-JSON readers each fill a Draft per record (the plain
fields, the record's own key if it has one, its publication types) and hand the list to
assemble(), so every format makes keys, study types and retraction statuses, and reports a
missing title or a repeated key, the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.enums import RetractionStatus
from kb.formats.citekeys import KeyMaker
from kb.formats.records import ParseResult, Problem, ReferenceRecord
from kb.formats.studytype import infer_study_type
from kb.formats.text import visible

# NLM publication types (and the same words in RIS and CSL-JSON type fields) that say a work is
# in doubt; checked in this order, so a record typed both ways is the stronger.
_RETRACTION_TYPES = (
    ("retracted publication", RetractionStatus.retracted.value),
    ("expression of concern", RetractionStatus.expression_of_concern.value),
    ("corrected and republished article", RetractionStatus.corrected.value),
)
_STATUSES = {s.value for s in RetractionStatus}


def retraction_from_types(types: Iterable[str]) -> str:
    """The retraction status publication types name ("Retracted Publication" -> retracted)."""
    lowered = [" ".join(t.lower().split()) for t in types]
    for name, status in _RETRACTION_TYPES:
        if name in lowered:
            return status
    return RetractionStatus.none.value


@dataclass
class Draft:
    """One record as a reader found it, before kb gives it a key and a study type.

    key: the record's own citation key when it carries a usable one (else kb makes one).
    studytype / retraction: kb's own values, as kb's writers put them in the file.
    pubtypes: publication types (PubMed's PT, RIS's M3, ...); keywords: subject terms.
    faults: (kind, message) of what is wrong with the record; each becomes a Problem that
    names the record's key, so that --skip-bad leaves exactly this record out.
    """

    entry_type: str
    raw_fields: dict[str, Any]
    line: int | None = None
    number: int | None = None
    key: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    abstract: str | None = None
    note: str | None = None
    pubtypes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    studytype: str | None = None
    retraction: str | None = None
    faults: list[tuple[str, str]] = field(default_factory=list)


def where(line: int | None, number: int | None) -> str:
    """ "Record 3 (line 17)", or what of it is known."""
    if number is not None and line is not None:
        return f"Record {number} (line {line})"
    if number is not None:
        return f"Record {number}"
    return f"The record on line {line}" if line is not None else "A record"


def judged(draft: Draft) -> tuple[str, bool, str]:
    """Study type, whether it was guessed, and retraction status, as kb reads them from a draft."""
    study = {
        "studytype": draft.studytype or "",
        "pubtype": "; ".join(draft.pubtypes),
        "keywords": "; ".join(draft.keywords),
        "title": draft.title or "",
    }
    study_type, inferred = infer_study_type(study)
    retraction = (draft.retraction or "").strip().lower()
    if retraction not in _STATUSES:
        retraction = retraction_from_types(draft.pubtypes)
    return study_type, inferred, retraction


def _record(fmt: str, draft: Draft, key: str, generated: bool) -> ReferenceRecord:
    study_type, inferred, retraction = judged(draft)
    return ReferenceRecord(
        citekey=key,
        entry_type=draft.entry_type,
        line=draft.line,
        raw_fields=draft.raw_fields,
        title=draft.title,
        authors=draft.authors,
        journal=draft.journal,
        year=draft.year,
        volume=draft.volume,
        number=draft.issue,
        pages=draft.pages,
        doi=draft.doi,
        pmid=draft.pmid,
        abstract=draft.abstract,
        note=draft.note,
        study_type=study_type,
        study_type_inferred=inferred,
        retraction=retraction,
        source=fmt,
        key_generated=generated,
        number_in_file=draft.number,
    )


def assemble(
    fmt: str, drafts: Sequence[Draft], problems: list[Problem], label: str = "record"
) -> ParseResult:
    """Records with keys (the file's own first, then made ones), and their problems."""
    keys = KeyMaker()
    first: dict[str, Draft] = {}
    result = ParseResult(fmt, problems=problems)
    # Keys the file gives are taken before any is made, so a made key never takes a given one.
    for draft in drafts:
        if draft.key is not None and draft.key.casefold() not in first:
            first[draft.key.casefold()] = draft
            keys.claim(draft.key)
    for draft in drafts:
        at = where(draft.line, draft.number)
        if draft.key is not None:
            if first[draft.key.casefold()] is not draft:
                other = first[draft.key.casefold()]
                problems.append(
                    Problem(
                        "duplicate key",
                        draft.line,
                        draft.key,
                        f"{at} has the key '{visible(draft.key)}', already used by "
                        f"{where(other.line, other.number).lower()} (keys are compared ignoring "
                        f"case); this second {label} was not read.",
                        draft.number,
                    )
                )
                continue
            record = _record(fmt, draft, draft.key, generated=False)
        else:
            key = keys.make(draft.authors, draft.year, draft.title)
            record = _record(fmt, draft, key, generated=True)
        for kind, message in draft.faults:
            problems.append(Problem(kind, draft.line, record.citekey, message, draft.number))
        if record.title is None:
            problems.append(
                Problem(
                    "missing title",
                    draft.line,
                    record.citekey,
                    f"{at} ('{visible(record.citekey)}') has no title.",
                    draft.number,
                )
            )
        result.records.append(record)
    problems.sort(key=lambda p: (p.line or 0, p.record or 0))
    return result
