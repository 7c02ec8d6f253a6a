"""Importing references into the library, whatever format they were read from.

A reader (kb.formats) turns a file into a ParseResult; this module writes it: upsert by citekey,
problems as data, possible duplicates listed. It knows no format: a problem that names a key
skips that key, and the format's own links between records (ParseResult.dependants) say what
must go with it.

Import is all-or-nothing by default: any problem means nothing is written and the report says
what and where. With skip_bad the good records are written and the bad listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from kb.db import end_read, writing
from kb.enums import STUDY_TYPE_BY_CODE
from kb.formats import LibraryBlock, ParseResult, Problem, Reader, ReferenceRecord
from kb.formats.citekeys import candidate, key_base
from kb.models import BibBlock, Reference, User, utcnow
from kb.permissions import Action, require
from kb.services.progress import Progress
from kb.services.references.duplicates import (
    Identity,
    PossibleDuplicate,
    find_duplicates,
    library_identities,
    normalize_title,
    same_work,
)

_CHUNK = 500
# Records written per executemany, and per step of progress.
_WRITE_CHUNK = 2000

# The formats whose own fields a reference's raw_fields hold when its source names them; any
# other source (bibtex, an article's reference list) means BibTeX fields.
RAW_FORMATS = frozenset({"ris", "medline", "pubmed-xml", "csl-json"})


def raw_format(source: str | None) -> str:
    """The format of a reference's raw_fields, from its source column."""
    return source if source in RAW_FORMATS else "bibtex"


# Reference columns filled from a parsed record (everything the file says).
_RECORD_COLUMNS = (
    "entry_type",
    "title",
    "authors",
    "journal",
    "year",
    "volume",
    "number",
    "pages",
    "doi",
    "pmid",
    "abstract",
    "note",
    "study_type",
    "study_type_inferred",
    "retraction",
    "raw_fields",
)

# Columns that show a field a file may give at any length: longer text is cut for display
# and search, and the whole value stays in raw_fields, so an export writes it unchanged.
_CUT_COLUMNS = {
    name: Reference.__table__.c[name].type.length  # type: ignore[attr-defined]
    for name in ("volume", "number", "pages", "doi", "pmid")
}


@dataclass
class ImportReport:
    """What an import did or would have done, as data for the CLI, the UI and tests."""

    source: str
    entries: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)
    study_types: dict[str, int] = field(default_factory=dict)
    unknown_study_type: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> bool:
        """True when problems stopped the import (nothing was written)."""
        return bool(self.problems) and not self.written

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["problems"] = [p.as_dict() for p in self.problems]
        data["possible_duplicates"] = [
            {"citekeys": list(d.citekeys), "reason": d.reason} for d in self.possible_duplicates
        ]
        data["refused"] = self.refused
        return data


def import_references(
    *,
    session: Session,
    actor: User | None,
    parsed: ParseResult,
    skip_bad: bool = False,
    source: str = "<upload>",
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert the records of a parse by citekey; actor None is the local operator (CLI).

    For a parse that does not depend on the library; import_text parses against it. progress
    hears the records stored so far against the records to store, per chunk written.
    """
    if actor is not None:
        require(actor, Action.reference_import)
    with writing(session):
        return _store(session, parsed, skip_bad=skip_bad, source=source, progress=progress)


def import_text(
    *,
    session: Session,
    actor: User | None,
    reader: Reader,
    text: str,
    skip_bad: bool = False,
    source: str = "<upload>",
    progress: Progress | None = None,
) -> ImportReport:
    """Parse `text` with `reader` against the library's blocks, then upsert its records.

    The parse runs before the write lock is taken, so a large file does not keep every other
    writer waiting: the library's blocks (a BibTeX entry may use a @string the library defines)
    are read, the read transaction ends, and the text is parsed with no transaction open. Inside
    the write transaction the blocks are read again; if another import changed them meanwhile,
    the text is parsed again against what the write sees, so the records written always agree
    with the library they are written into.

    progress hears nothing while the text is parsed, then the records stored so far against the
    records to store (from 0), per chunk written; a refused import hears only that 0.
    """
    if actor is not None:
        require(actor, Action.reference_import)
    library = _library_blocks(session)
    end_read(session)
    parsed = reader.parse(text, library)
    with writing(session):
        now = _library_blocks(session)
        if now != library:
            parsed = reader.parse(text, now)
        return _store(session, parsed, skip_bad=skip_bad, source=source, progress=progress)


def _library_blocks(session: Session) -> list[LibraryBlock]:
    # In the order they were stored, as an export writes them: a @string may use those before it.
    rows = session.exec(
        select(BibBlock.kind, BibBlock.name, BibBlock.value).order_by(col(BibBlock.id))
    )
    return [LibraryBlock(kind, name, value) for kind, name, value in rows]


def _store(
    session: Session,
    parsed: ParseResult,
    *,
    skip_bad: bool,
    source: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a parse inside the caller's write transaction; nothing at all when it is refused."""
    # The library's works, read once: made keys are settled against them, and duplicates found.
    identities = library_identities(session)
    parsed.problems = _settle_keys(identities, parsed.records, parsed.problems)
    clashes = _case_clashes(identities, parsed.records)
    problems = sorted(parsed.problems + clashes, key=lambda p: (p.line or 0, p.record or 0))
    report = ImportReport(source=source, entries=len(parsed.records), problems=problems)
    records = parsed.records
    if problems:
        if not skip_bad:
            if progress is not None:
                progress(0, len(records))  # read, and nothing stored
            return report
        # A duplicate key's second copy was never read; the first copy is a good entry.
        bad = [p for p in problems if p.citekey and p.kind != "duplicate key"] + clashes
        # A record that needs a skipped one goes too (a BibTeX child whose crossref parent is
        # skipped): exported alone it would point at nothing, and kb would refuse its export.
        follow = parsed.dependants({p.citekey for p in bad if p.citekey})
        report.problems = problems = sorted(
            problems + follow, key=lambda p: (p.line or 0, p.record or 0)
        )
        skipped = {p.citekey.casefold() for p in bad + follow if p.citekey}
        listed: dict[str, str] = {}
        for p in problems:
            if p.citekey and p.citekey.casefold() in skipped:
                listed.setdefault(p.citekey.casefold(), p.citekey)
        report.skipped = list(listed.values())
        records = [r for r in records if r.citekey.casefold() not in skipped]
    # One record per key (a duplicate key is a problem; with skip_bad the first copy stays).
    unique: dict[str, ReferenceRecord] = {}
    for r in records:
        unique.setdefault(r.citekey, r)
    records = list(unique.values())
    if progress is not None:
        progress(0, len(records))
    # Normalized once: duplicates are found by it, and each row stores it.
    title_norms = [normalize_title(r.title) for r in records]
    report.possible_duplicates = find_duplicates(session, records, title_norms, identities)
    _upsert(session, records, title_norms, report, origin=parsed.format, progress=progress)
    _save_blocks(session, parsed.library_blocks())
    counts = Counter(r.study_type for r in records)
    report.study_types = dict(sorted(counts.items()))
    report.unknown_study_type = [r.citekey for r in records if r.study_type == "unknown"]
    report.written = True
    return report


def _settle_keys(
    identities: Sequence[Identity], records: Sequence[ReferenceRecord], problems: list[Problem]
) -> list[Problem]:
    """Keys kb made for records that came without one, made again against the library.

    The same work gets the same key on every import (so a second import of a file updates
    rather than adds), and a made key never takes over a key the library gives another work:
    it moves on to the next letter. Problems are renamed with their records.
    """
    made = [r for r in records if r.key_generated]
    if not made:
        return problems
    library = {i[0].casefold(): i for i in identities}
    taken = {r.citekey.casefold() for r in records if not r.key_generated}
    renamed: dict[str, str] = {}
    # Per base, where to start: every earlier candidate is taken by this file or is another
    # work's key in the library, so a file of many works by one author and year stays linear.
    start: dict[str, int] = {}
    for record in made:
        base = key_base(record.authors, record.year, record.title)
        n = start.get(base, 1)
        while True:
            key = candidate(base, n)
            folded = key.casefold()
            if folded not in taken and (
                folded not in library or same_work(library[folded], record)
            ):
                break
            n += 1
        start[base] = n + 1
        taken.add(folded)
        if key != record.citekey:
            renamed[record.citekey] = key
            record.citekey = key
    if not renamed:
        return problems
    return [
        replace(
            p,
            citekey=renamed[p.citekey],
            message=p.message.replace(f"'{p.citekey}'", f"'{renamed[p.citekey]}'"),
        )
        if p.citekey in renamed
        else p
        for p in problems
    ]


def _case_clashes(
    identities: Sequence[Identity], records: Sequence[ReferenceRecord]
) -> list[Problem]:
    """Entries whose key differs only in case from one already in the library.

    Keys are compared ignoring case (as BibTeX and the file's own duplicate check do), so both
    in the library would make its export a file with a duplicate key.
    """
    folded = {r.citekey.casefold(): r for r in records}
    problems = []
    for key, *_ in identities:
        record = folded.get(key.casefold())
        if record is not None and record.citekey != key:
            problems.append(
                Problem(
                    "duplicate key",
                    record.line,
                    record.citekey,
                    f"The key '{record.citekey}' on line {record.line} differs only in case "
                    f"from '{key}', already in the library (keys are compared ignoring case); "
                    "this entry was not read.",
                )
            )
    return problems


def _row_values(record: ReferenceRecord, title_norm: str | None) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _RECORD_COLUMNS}
    for name, width in _CUT_COLUMNS.items():
        if values[name] is not None and len(values[name]) > width:
            values[name] = values[name][: width - 1] + "…"
    values["title_norm"] = title_norm
    values["content_hash"] = record.content_hash()
    if values["study_type"] not in STUDY_TYPE_BY_CODE:
        values["study_type"] = "unknown"
    return values


def _upsert(
    session: Session,
    records: Sequence[ReferenceRecord],
    title_norms: Sequence[str | None],
    report: ImportReport,
    *,
    origin: str,
    progress: Progress | None = None,
) -> None:
    existing: dict[str, tuple[int | None, str, str]] = {}
    keys = [r.citekey for r in records]
    for i in range(0, len(keys), _CHUNK):
        rows = session.exec(
            select(Reference.citekey, Reference.id, Reference.content_hash, Reference.source).where(
                col(Reference.citekey).in_(keys[i : i + _CHUNK])
            )
        )
        existing.update({k: (rid, h, src) for k, rid, h, src in rows})
    now = utcnow()
    # Core executemany, not the ORM's bulk insert: nothing needs the new ids back, and the ORM
    # path costs a statement per few rows (a fifth of a 20,000-entry import).
    table = Reference.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    total = len(records)
    for start in range(0, total, _WRITE_CHUNK):
        new_rows: list[dict[str, Any]] = []
        end = start + _WRITE_CHUNK
        for record, title_norm in zip(records[start:end], title_norms[start:end], strict=True):
            values = _row_values(record, title_norm)
            found = existing.get(record.citekey)
            if found is None:
                new_rows.append(
                    {**values, "citekey": record.citekey, "source": origin, "created_at": now,
                     "updated_at": now, "retraction_note": None}
                )  # fmt: skip
                report.created.append(record.citekey)
            elif found[1] == values["content_hash"]:
                report.unchanged += 1
            else:
                if raw_format(found[2]) != origin:  # raw_fields now hold another format's fields
                    values["source"] = origin
                session.execute(
                    update(Reference)
                    .where(col(Reference.id) == found[0])
                    .values(**values, updated_at=now)
                )
                report.updated.append(record.citekey)
        if new_rows:
            connection.execute(insert(table), new_rows)
        if progress is not None:
            progress(min(end, total), total)


def _save_blocks(session: Session, blocks: Sequence[LibraryBlock]) -> None:
    if not blocks:
        return
    have = {(b.kind, b.name): b for b in session.exec(select(BibBlock))}
    for wanted in blocks:
        block = have.get((wanted.kind, wanted.name))
        if block is None:
            block = BibBlock(kind=wanted.kind, name=wanted.name, value=wanted.value)
            have[(wanted.kind, wanted.name)] = block
        block.value = wanted.value
        session.add(block)
