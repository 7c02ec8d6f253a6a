"""BibTeX <-> reference records: bibtexparser v2 splits, this module reads values and reports.

bibtexparser runs with an empty middleware stack (its LaTeX and string middlewares are slow);
macro expansion and LaTeX decoding are done here with plain dicts and str methods, and only
the fields a reference displays are decoded. Problems in a file are returned as data (BibProblem),
never raised, so an import can list them all with line numbers.

Raw field values keep what the file says so an export round-trips: a braced or quoted value is
kept as its text without the delimiters; a value written as an expression (a macro `jan`, a
number `2014`, a concatenation `a # " " # b`) is kept verbatim behind the BARE marker.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field

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

from kb.bibrules import (
    KEY_RULE,
    LOOKS_LIKE_FIELDS,
    MAX_ENTRY_TYPE,
    check_storable,
    key_fault,
    visible,
)
from kb.bibvalues import (
    BARE,
    BadValue,
    balanced,
    expand_raw,
    macro_names,
    read_value,
    value_expression,
)
from kb.enums import RetractionStatus
from kb.errors import ImportProblem
from kb.latex import clean_text, decode_latex, split_authors
from kb.studytype import UNKNOWN, infer_study_type

__all__ = [
    "BARE",
    "MONTHS",
    "PROBLEM_KINDS",
    "BibParseResult",
    "BibProblem",
    "BibRecord",
    "check_storable",
    "crossref_dependants",
    "decode_latex",
    "infer_study_type",
    "parse_bib",
    "read_bib_bytes",
    "render_bib",
    "split_authors",
    "value_expression",
]


PROBLEM_KINDS = (
    "malformed block",
    "duplicate key",
    "missing title",
    "undefined macro",
    "missing crossref",
    "invalid key",
)

# Predefined by every BibTeX style; names are case-insensitive like all macro names.
MONTHS = {
    m[:3].lower(): m
    for m in [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
}

_RETRACTION_VALUES = {s.value for s in RetractionStatus}

# bibtexparser logs each malformed block as a warning; we return the same news as BibProblem,
# so without this Python's last-resort handler would print it to stderr a second time. An
# application that configures logging still receives the records.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class BibProblem:
    """One thing wrong in a .bib file, located by the line where its block starts."""

    kind: str
    line: int | None
    citekey: str | None
    message: str

    def as_dict(self) -> dict:
        """Plain dict for reports and JSON."""
        return asdict(self)


@dataclass
class BibRecord:
    """One entry: its raw fields (for export) and the decoded fields a reference shows."""

    citekey: str
    entry_type: str
    line: int | None = None
    raw_fields: dict[str, str] = field(default_factory=dict)
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
    crossref: str | None = None  # the key its crossref field names, as written

    def content_hash(self) -> str:
        """Stable sha256 of the entry type and raw fields: equal hashes mean an unchanged entry."""
        payload = json.dumps(
            [self.entry_type, sorted(self.raw_fields.items())],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class BibParseResult:
    """Everything read from one .bib text."""

    records: list[BibRecord] = field(default_factory=list)
    problems: list[BibProblem] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)
    preambles: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading bytes


def read_bib_bytes(data: bytes, encoding: str | None = None, source: str = "<input>") -> str:
    """Decode a .bib file's bytes (UTF-8 unless told otherwise), refusing to guess."""
    if encoding is None:
        codec = "utf-8"
    else:
        try:
            info: codecs.CodecInfo | None = codecs.lookup(encoding)
        except LookupError:
            info = None
        # rot13, base64, zlib, ... are codecs but not text encodings: bytes.decode refuses them.
        if info is None or not info._is_text_encoding:
            raise ImportProblem(
                f"{source}: unknown encoding {encoding!r}; try e.g. utf-8, latin-1 or gbk."
            )
        codec = info.name
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 1].hex()
        hint = (
            "pass --encoding with the file's encoding (e.g. --encoding latin-1 or --encoding gbk)"
            if encoding is None
            else "check the --encoding given"
        )
        raise ImportProblem(
            f"{source} is not valid {codec}: byte 0x{bad} at byte offset {err.start} "
            f"(line {line}) cannot be decoded; {hint}."
        ) from None
    except UnicodeError as err:  # codecs such as punycode or idna fail without a position
        raise ImportProblem(
            f"{source} cannot be decoded as {codec} ({err}); check the --encoding given."
        ) from None
    # A byte-order mark decodes to U+FEFF, which would become part of the first citekey.
    # Line numbers count "\n"; a stray "\r" would otherwise end up inside raw values.
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    check_storable(text, source)
    return text


# --------------------------------------------------------------------------- decoded fields


_YEAR = re.compile(r"\d{4}")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_ESCAPED = re.compile(r"\\([_%&#$])|[{}]")


def _identifier(text: str | None) -> str | None:
    # DOIs and PMIDs are identifiers: unescape and unbrace, but no dash or tilde typography.
    if not text:
        return None
    text = _ESCAPED.sub(lambda m: m.group(1) or "", text).strip()
    return _DOI_PREFIX.sub("", text).strip() or None


def _year(values: Mapping[str, str]) -> int | None:
    for name in ("year", "date"):
        found = _YEAR.search(values.get(name) or "")
        if found:
            return int(found.group())
    return None


def _retraction(text: str | None) -> str:
    value = "-".join((text or "").lower().split())
    return value if value in _RETRACTION_VALUES else RetractionStatus.none.value


# What a child entry takes from its crossref parent when it lacks it: the container's data.
# Identifiers, pages, abstract and study type describe the child alone, so a parent's DOI or
# PMID is never copied (it would merge distinct papers).
_INHERITED = (
    "title", "author", "journal", "journaltitle", "year", "date", "volume", "number", "issue",
)  # fmt: skip
_STUDY_FIELDS = ("studytype", "pubtype", "publicationtype", "publication_type", "keywords")


def _decode_record(record: BibRecord, values: Mapping[str, str]) -> None:
    """Fill the decoded fields of `record` from expanded (not yet LaTeX-decoded) values."""
    record.title = clean_text(values.get("title"))
    record.authors = split_authors(values.get("author") or "")
    record.journal = clean_text(values.get("journal") or values.get("journaltitle"))
    record.year = _year(values)
    record.volume = clean_text(values.get("volume"))
    record.number = clean_text(values.get("number") or values.get("issue"))
    record.pages = clean_text(values.get("pages"))
    record.doi = _identifier(values.get("doi"))
    pmid = values.get("pmid")
    if not pmid and (values.get("eprinttype") or "").strip().lower() == "pubmed":
        pmid = values.get("eprint")
    record.pmid = _identifier(pmid)
    record.abstract = clean_text(values.get("abstract"))
    record.note = clean_text(values.get("note"))
    study = {name: clean_text(values.get(name)) or "" for name in _STUDY_FIELDS if name in values}
    study["title"] = record.title or ""
    record.study_type, record.study_type_inferred = infer_study_type(study)
    record.retraction = _retraction(clean_text(values.get("retraction")))
    record.crossref = clean_text(values.get("crossref"))


# --------------------------------------------------------------------------- parsing

_FAILED_KEY = re.compile(r"@\s*(\w*)\s*[{(]\s*([^,\s{}()]*)")


def _line(block_line: int | None) -> int | None:
    # bibtexparser counts lines from 0.
    return None if block_line is None else block_line + 1


def _malformed(block: ParsingFailedBlock) -> BibProblem:
    line = _line(block.start_line)
    found = _FAILED_KEY.match(block.raw or "")
    kind, key = (found.group(1).lower(), found.group(2) or None) if found else ("", None)
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    what = f"@{kind} block '{visible(key)}'" if key else f"@{kind} block" if kind else "block"
    return BibProblem(
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
    problems: list[BibProblem],
    unreadable: Mapping[str, int | None],
    cut_off: str | None,
) -> tuple[BibRecord, dict[str, str]] | None:
    """Record with raw fields, and the expanded values to decode; None when it is unreadable."""
    line = _line(entry.start_line)
    key = entry.key
    names = [f.key.lower() for f in entry.fields]

    def malformed(reason: str) -> None:
        problems.append(
            BibProblem(
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
                BibProblem(
                    "undefined macro",
                    line,
                    key,
                    f"The entry '{key}' on line {line} uses the macro '{visible(macro)}' in its "
                    f"{visible(name)} field, but {why}.",
                )
            )
    record = BibRecord(key, entry.entry_type.lower(), line, raw_fields)
    return record, expanded


def _inherit(
    record: BibRecord,
    values: dict[str, str],
    by_key: Mapping[str, tuple[BibRecord, dict[str, str]]],
    problems: list[BibProblem],
) -> dict[str, str]:
    """Values with the missing container fields filled in along the crossref chain."""
    target = clean_text(values.get("crossref"))
    if target is None:
        return values
    if target.lower() not in by_key:
        problems.append(
            BibProblem(
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


def expanded_macros(macros: Mapping[str, str] | None) -> dict[str, str]:
    """Expanded macro text by lower-case name (BibTeX macro names ignore case), months included.

    `macros` holds values in raw_fields form, in definition order, e.g. the `strings` of a
    library: each may use the ones before it.
    """
    known: dict[str, str] = dict(MONTHS)
    for name, raw in (macros or {}).items():
        known[name.lower()] = expand_raw(raw, known)[0]
    return known


def _read_string(
    block: String,
    known: dict[str, str],
    result: BibParseResult,
    unreadable: dict[str, int | None],
    defined: dict[str, int | None],
    library: Mapping[str, int],
) -> None:
    """Define the macro of a @string block, or report why it cannot be defined.

    A @string that uses a macro not defined before it (itself included) is not kept: its
    value would not read back the same, so the entries that use it are reported instead.
    Nor is a second @string of the same name: the library keeps one value per macro, and the
    @strings between the two could not be written back in an order that means the same.
    Nor is one that gives a library macro (`library`: position by name) a value using a
    macro the library defines after it: exported in the library's order, it would not read.
    """
    line = _line(block.start_line)
    name = block.key
    if name.lower() in defined:
        result.problems.append(
            BibProblem(
                "duplicate key",
                line,
                None,
                f"The @string '{visible(name)}' on line {line} is already defined on line "
                f"{defined[name.lower()]} (macro names are compared ignoring case); this "
                "second definition was not read.",
            )
        )
        return
    defined[name.lower()] = line
    try:
        raw, value, undefined = read_value(block.value, known)
    except BadValue as bad:
        faults = [
            BibProblem(
                "malformed block",
                line,
                None,
                f"Could not read the @string '{visible(name)}' on line {line}: its value has "
                f"{bad} ({visible(block.value, 40)}).",
            )
        ]
    else:
        faults = [
            BibProblem(
                "undefined macro",
                line,
                None,
                f"The @string '{visible(name)}' on line {line} uses the macro "
                f"'{visible(macro)}', which is not defined before it.",
            )
            for macro in undefined
        ]
        if not faults and name in library:  # updated in place, so exported where it was
            at = library[name]
            faults = [
                BibProblem(
                    "undefined macro",
                    line,
                    None,
                    f"The @string '{visible(name)}' on line {line} changes the library's "
                    f"'{visible(name)}' to use the macro '{visible(macro)}', which the library "
                    "does not define before it, so its export would not read; this definition "
                    "was not read.",
                )
                for macro in macro_names(raw)
                if macro.lower() not in MONTHS
                and min((i for n, i in library.items() if n.lower() == macro.lower()), default=at)
                >= at
            ]
    if faults:
        result.problems.extend(faults)
        if name.lower() not in known:
            unreadable[name.lower()] = line
        return
    result.strings[name] = raw
    known[name.lower()] = value
    unreadable.pop(name.lower(), None)


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
            _read_string(block, known, result, unreadable, defined, order)
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_malformed(block))
        elif isinstance(block, Preamble):
            result.preambles.append(block.value)
        elif isinstance(block, ExplicitComment):
            result.comments.append(block.comment)

    # Entries after all @strings: a macro defined below its first use is still expanded.
    first_line: dict[str, int | None] = {}
    pending: list[tuple[BibRecord, dict[str, str]]] = []
    for entry in entries:
        fault = key_fault(entry.key)
        if fault is not None:
            line = _line(entry.start_line)
            problems.append(
                BibProblem(
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
                BibProblem(
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
        _decode_record(record, _inherit(record, values, by_key, problems))
        if record.title is None:
            problems.append(
                BibProblem(
                    "missing title",
                    record.line,
                    record.citekey,
                    f"The entry '{record.citekey}' on line {record.line} has no title.",
                )
            )
        result.records.append(record)
    problems.sort(key=lambda p: p.line or 0)
    return result


def crossref_dependants(records: Iterable[BibRecord], skipped: Iterable[str]) -> list[BibProblem]:
    """Problems for the records whose crossref chain leads to a skipped key (ignoring case).

    Written without their parent, they would point at nothing, and the library's own export
    would no longer import. Chains of any length and cycles are followed.
    """
    children: dict[str, list[BibRecord]] = {}
    for record in records:
        if record.crossref:
            children.setdefault(record.crossref.casefold(), []).append(record)
    gone = {key.casefold() for key in skipped}
    waiting = list(gone)
    found: list[BibProblem] = []
    while waiting:
        for child in children.get(waiting.pop(), ()):
            key = child.citekey.casefold()
            if key in gone:
                continue
            gone.add(key)
            waiting.append(key)
            found.append(
                BibProblem(
                    "missing crossref",
                    child.line,
                    child.citekey,
                    f"The entry '{child.citekey}' on line {child.line} has crossref "
                    f"'{child.crossref}', which is skipped; so it is skipped too.",
                )
            )
    found.sort(key=lambda p: p.line or 0)
    return found


# --------------------------------------------------------------------------- writing


def _fields_to_write(record: BibRecord, known: Mapping[str, str]) -> dict[str, str]:
    """Raw fields, with `studytype` and `retraction` brought in line with the record.

    known: the expanded macros the written file defines (expanded_macros), so a field such as
    `keywords = kw` is judged by what it says when read back.
    """
    fields = dict(record.raw_fields)
    # The file keeps what it said unless reading it back would give another study type.
    study = {
        name: clean_text(expand_raw(fields[name], known)[0]) or ""
        for name in _STUDY_FIELDS
        if name in fields
    }
    study["title"] = record.title or ""
    if infer_study_type(study) != (record.study_type, record.study_type_inferred):
        if record.study_type_inferred:
            fields.pop("studytype", None)  # a guess is not written down; it is guessed again
        else:
            fields["studytype"] = str(record.study_type)
    written = _retraction(clean_text(expand_raw(fields.get("retraction", ""), known)[0]))
    if written != record.retraction:
        if record.retraction == RetractionStatus.none:
            fields.pop("retraction", None)
        else:
            fields["retraction"] = str(record.retraction)
    return fields


def _block(kind: str, body: str) -> str:
    # Parentheses hold a body whose braces do not balance (as BibTeX allows). A comment is read
    # without its surrounding space, so a line end keeps a last backslash from escaping `}`.
    if kind == "comment" and body.endswith("\\"):
        body += "\n"
    return f"@{kind}{{{body}}}" if balanced(body) else f"@{kind}({body})"


def render_bib(
    records: Iterable[BibRecord],
    *,
    strings: Mapping[str, str] | None = None,
    preambles: Iterable[str] = (),
    comments: Iterable[str] = (),
    extra_fields: Callable[[BibRecord], dict[str, str]] | None = None,
) -> str:
    """BibTeX text for the records, after the @string, @preamble and @comment blocks."""
    head = [f"@string{{{name} = {value_expression(raw)}}}" for name, raw in (strings or {}).items()]
    head += [_block("preamble", value) for value in preambles]
    head += [_block("comment", value) for value in comments]
    out = ["\n".join(head) + "\n"] if head else []
    known = expanded_macros(strings)
    for record in records:
        fields = _fields_to_write(record, known)
        if extra_fields is not None:
            fields.update(extra_fields(record))
        lines = [f"@{record.entry_type}{{{record.citekey},"]
        lines += [f"  {name} = {value_expression(raw)}," for name, raw in fields.items()]
        lines.append("}\n")
        out.append("\n".join(lines))
    return "\n".join(out)
