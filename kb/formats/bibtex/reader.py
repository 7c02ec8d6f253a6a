"""Reading a .bib text: bibtexparser v2 splits it into blocks, this module reads and reports.

bibtexparser runs with an empty middleware stack (its LaTeX and string middlewares are slow);
macro expansion and LaTeX decoding are done with plain dicts and str methods by the modules
beside this one (values, macros, latex), and only the fields a reference displays are decoded
(fields). Problems in a file are returned as data, never raised, so an import can list them all
with line numbers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)

from kb.formats.bibtex.fields import decode_record
from kb.formats.bibtex.latex import clean_text
from kb.formats.bibtex.macros import expanded_macros, read_string
from kb.formats.bibtex.rules import KEY_RULE, LOOKS_LIKE_FIELDS, MAX_ENTRY_TYPE, key_fault, visible
from kb.formats.bibtex.values import BadValue, read_value
from kb.formats.records import (
    LibraryBlock,
    ParseResult,
    Problem,
    ReferenceRecord,
    block_name,
)

PROBLEM_KINDS = (
    "malformed block",
    "duplicate key",
    "missing title",
    "undefined macro",
    "missing crossref",
    "invalid key",
)

# bibtexparser logs each malformed block as a warning; we return the same news as a Problem,
# so without this Python's last-resort handler would print it to stderr a second time. An
# application that configures logging still receives the records.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

# What a child entry takes from its crossref parent when it lacks it: the container's data.
# Identifiers, pages, abstract and study type describe the child alone, so a parent's DOI or
# PMID is never copied (it would merge distinct papers).
_INHERITED = (
    "title", "author", "journal", "journaltitle", "year", "date", "volume", "number", "issue",
)  # fmt: skip


@dataclass
class BibParseResult(ParseResult):
    """Everything read from one .bib text, with its @string, @preamble and @comment blocks."""

    format: str = "bibtex"
    strings: dict[str, str] = field(default_factory=dict)
    preambles: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def dependants(self, skipped: Iterable[str]) -> list[Problem]:
        """The entries whose crossref chain leads to a skipped key (see crossref_dependants)."""
        return crossref_dependants(self.records, skipped)

    def library_blocks(self) -> list[LibraryBlock]:
        """@string blocks by macro name, then @preamble and @comment blocks by their value."""
        blocks = [LibraryBlock("string", name, raw) for name, raw in self.strings.items()]
        blocks += [LibraryBlock("preamble", block_name(v), v) for v in self.preambles]
        blocks += [LibraryBlock("comment", block_name(v), v) for v in self.comments]
        return blocks


def parse_library(text: str, library: Sequence[LibraryBlock]) -> BibParseResult:
    """parse_bib with the library's @string macros (its string blocks, in their order)."""
    return parse_bib(text, macros={b.name: b.value for b in library if b.kind == "string"})


# --------------------------------------------------------------------------- parsing

_FAILED_KEY = re.compile(r"@\s*(\w*)\s*[{(]\s*([^,\s{}()]*)")


def _line(block_line: int | None) -> int | None:
    # bibtexparser counts lines from 0.
    return None if block_line is None else block_line + 1


def _malformed(block: ParsingFailedBlock) -> Problem:
    line = _line(block.start_line)
    found = _FAILED_KEY.match(block.raw or "")
    kind, key = (found.group(1).lower(), found.group(2) or None) if found else ("", None)
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    what = f"@{kind} block '{visible(key)}'" if key else f"@{kind} block" if kind else "block"
    return Problem(
        "malformed block",
        line,
        key,
        f"Could not read the {what} starting on line {line}: {visible(reason.strip(), 200)}",
    )


def _cut_off(after: Block) -> str | None:
    """Why the entry before `after` is incomplete, when `after` is text that looks like fields.

    One closing brace too many ends an entry early (in BibTeX too); what follows it is then
    free text between entries, and the fields in it would be lost without a word.
    """
    if not isinstance(after, ImplicitComment) or not LOOKS_LIKE_FIELDS.match(after.comment):
        return None
    return (
        f"a closing brace on line {_line(after.start_line)} ends it before the text "
        f"'{visible(' '.join(after.comment.split()), 40)}', which was not read; "
        "is there one closing brace too many?"
    )


def _read_entry(
    entry: Entry,
    known: Mapping[str, str],
    problems: list[Problem],
    unreadable: Mapping[str, int | None],
    cut_off: str | None,
) -> tuple[ReferenceRecord, dict[str, str]] | None:
    """Record with raw fields, and the expanded values to decode; None when it is unreadable."""
    line = _line(entry.start_line)
    key = entry.key
    names = [f.key.lower() for f in entry.fields]

    def malformed(reason: str) -> None:
        problems.append(
            Problem(
                "malformed block",
                line,
                key or None,
                f"Could not read the entry '{key}' starting on line {line}: {reason}.",
            )
        )

    if not key:
        malformed("it has no citation key")
        return None
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        malformed(f"it gives the field(s) {', '.join(repeated)} more than once")
        return None
    if len(entry.entry_type) > MAX_ENTRY_TYPE:
        malformed(
            f"its entry type '@{visible(entry.entry_type)}' is longer than "
            f"{MAX_ENTRY_TYPE} characters"
        )
        return None
    if cut_off is not None:
        malformed(cut_off)
        return None
    raw_fields: dict[str, str] = {}
    expanded: dict[str, str] = {}
    for name, fld in zip(names, entry.fields, strict=True):
        try:
            raw, value, undefined = read_value(fld.value, known)
        except BadValue as bad:
            malformed(
                f"its {visible(name)} field on line {_line(fld.start_line)} has {bad} "
                f"({visible(fld.value, 40)})"
            )
            return None
        raw_fields[name] = raw
        expanded[name] = value
        for macro in undefined:
            why = (
                f"its @string on line {unreadable[macro.lower()]} could not be read"
                if macro.lower() in unreadable
                else "no @string defines it"
            )
            problems.append(
                Problem(
                    "undefined macro",
                    line,
                    key,
                    f"The entry '{key}' on line {line} uses the macro '{visible(macro)}' in its "
                    f"{visible(name)} field, but {why}.",
                )
            )
    record = ReferenceRecord(key, entry.entry_type.lower(), line, raw_fields)
    return record, expanded


def _inherit(
    record: ReferenceRecord,
    values: dict[str, str],
    by_key: Mapping[str, tuple[ReferenceRecord, dict[str, str]]],
    problems: list[Problem],
) -> dict[str, str]:
    """Values with the missing container fields filled in along the crossref chain."""
    target = clean_text(values.get("crossref"))
    if target is None:
        return values
    if target.lower() not in by_key:
        problems.append(
            Problem(
                "missing crossref",
                record.line,
                record.citekey,
                f"The entry '{record.citekey}' on line {record.line} has crossref '{target}', "
                "but no entry with that key is in the file.",
            )
        )
        return values
    merged = dict(values)
    visited = {record.citekey.lower()}
    while target is not None and target.lower() in by_key and target.lower() not in visited:
        visited.add(target.lower())  # a circular chain stops where it comes back
        parent = by_key[target.lower()][1]
        for name in _INHERITED:
            if name not in merged and name in parent:
                merged[name] = parent[name]
        target = clean_text(parent.get("crossref"))
    return merged


def parse_bib(text: str, *, macros: Mapping[str, str] | None = None) -> BibParseResult:
    """Read a .bib text into records and problems; a bad entry is reported, never raised."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    result = BibParseResult()
    problems = result.problems
    known = expanded_macros(macros)
    # Macros whose @string could not be read (and that nothing else defines), by lower name.
    unreadable: dict[str, int | None] = {}
    defined: dict[str, int | None] = {}  # line of each @string of this file, by lower name
    order = {name: i for i, name in enumerate(macros or {})}  # export order of the library
    entries: list[Entry] = []
    cut_off: dict[int, str] = {}  # id(entry) -> why it ended early
    blocks = library.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            # Judged below: keys ignoring case like BibTeX, repeated fields case-insensitively.
            block = block.ignore_error_block or block
        if isinstance(block, Entry):
            entries.append(block)
            if i + 1 < len(blocks) and (why := _cut_off(blocks[i + 1])) is not None:
                cut_off[id(block)] = why
        elif isinstance(block, String):
            read_string(
                block,
                _line(block.start_line),
                known,
                result.strings,
                problems,
                unreadable,
                defined,
                order,
            )
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_malformed(block))
        elif isinstance(block, Preamble):
            result.preambles.append(block.value)
        elif isinstance(block, ExplicitComment):
            result.comments.append(block.comment)

    # Entries after all @strings: a macro defined below its first use is still expanded.
    first_line: dict[str, int | None] = {}
    pending: list[tuple[ReferenceRecord, dict[str, str]]] = []
    for entry in entries:
        fault = key_fault(entry.key)
        if fault is not None:
            line = _line(entry.start_line)
            problems.append(
                Problem(
                    "invalid key",
                    line,
                    entry.key,
                    f"The entry on line {line} has the key '{visible(entry.key)}', which BibTeX "
                    f"cannot cite: {fault} ({KEY_RULE}).",
                )
            )
            continue
        lower = entry.key.lower()
        if lower in first_line:
            line = _line(entry.start_line)
            problems.append(
                Problem(
                    "duplicate key",
                    line,
                    entry.key,
                    f"The key '{entry.key}' on line {line} is already used by the entry on "
                    f"line {first_line[lower]} (keys are compared ignoring case); "
                    "this second entry was not read.",
                )
            )
            continue
        read = _read_entry(entry, known, problems, unreadable, cut_off.get(id(entry)))
        if read is not None:
            first_line[lower] = read[0].line
            pending.append(read)

    by_key = {record.citekey.lower(): (record, values) for record, values in pending}
    for record, values in pending:
        decode_record(record, _inherit(record, values, by_key, problems))
        if record.title is None:
            problems.append(
                Problem(
                    "missing title",
                    record.line,
                    record.citekey,
                    f"The entry '{record.citekey}' on line {record.line} has no title.",
                )
            )
        result.records.append(record)
    problems.sort(key=lambda p: p.line or 0)
    return result


def crossref_dependants(
    records: Iterable[ReferenceRecord], skipped: Iterable[str]
) -> list[Problem]:
    """Problems for the records whose crossref chain leads to a skipped key (ignoring case).

    Written without their parent, they would point at nothing, and the library's own export
    would no longer import. Chains of any length and cycles are followed.
    """
    children: dict[str, list[ReferenceRecord]] = {}
    for record in records:
        if record.crossref:
            children.setdefault(record.crossref.casefold(), []).append(record)
    gone = {key.casefold() for key in skipped}
    waiting = list(gone)
    found: list[Problem] = []
    while waiting:
        for child in children.get(waiting.pop(), ()):
            key = child.citekey.casefold()
            if key in gone:
                continue
            gone.add(key)
            waiting.append(key)
            found.append(
                Problem(
                    "missing crossref",
                    child.line,
                    child.citekey,
                    f"The entry '{child.citekey}' on line {child.line} has crossref "
                    f"'{child.crossref}', which is skipped; so it is skipped too.",
                )
            )
    found.sort(key=lambda p: p.line or 0)
    return found
