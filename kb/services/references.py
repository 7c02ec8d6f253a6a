"""The reference library: BibTeX import (upsert, problems as data), export, look-ups, merge.

Import is all-or-nothing by default: any problem in the file means nothing is written and the
report says what and where. With skip_bad the good entries are written and the bad listed.
Either way, what export_bib writes, import_bib reads back without a problem.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from kb.db import begin_write
from kb.enums import STUDY_TYPE_BY_CODE, RetractionStatus, Stance
from kb.errors import InvalidInput, NotFound
from kb.formats import Problem, ReferenceRecord
from kb.formats.bibtex import (
    check_storable,
    crossref_dependants,
    parse_bib,
    read_bib_bytes,
    render_bib,
)
from kb.models import Article, BibBlock, Citation, Claim, Reference, User, utcnow
from kb.permissions import Action, require
from kb.services.checks import check_claims
from kb.services.claim_actions import lock_claims
from kb.services.events import change_claim, record_event
from kb.workflow import EventAction

_CHUNK = 500
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

# Reference columns filled from a parsed record (everything the .bib says).
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

# Columns that show a field the .bib may give at any length: longer text is cut for display
# and search, and the whole value stays in raw_fields, so an export writes it unchanged.
_CUT_COLUMNS = {
    name: Reference.__table__.c[name].type.length  # type: ignore[attr-defined]
    for name in ("volume", "number", "pages", "doi", "pmid")
}


def normalize_title(title: str | None) -> str | None:
    """Lower-case words only: the key for "same title" duplicate detection."""
    if not title:
        return None
    norm = _NON_WORD.sub(" ", title.casefold()).strip()
    return norm[:500] or None


def _norm_doi(doi: str | None) -> str | None:
    if not doi:
        return None
    doi = doi.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:"):
        if doi.startswith(prefix):
            doi = doi[len(prefix) :]
    return doi or None


@dataclass
class PossibleDuplicate:
    """Two keys that look like the same work; listed for an editor, never merged silently."""

    citekeys: tuple[str, str]
    reason: str


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


def _row_values(record: ReferenceRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _RECORD_COLUMNS}
    for name, width in _CUT_COLUMNS.items():
        if values[name] is not None and len(values[name]) > width:
            values[name] = values[name][: width - 1] + "…"
    values["title_norm"] = normalize_title(record.title)
    values["content_hash"] = record.content_hash()
    if values["study_type"] not in STUDY_TYPE_BY_CODE:
        values["study_type"] = "unknown"
    return values


def _library_macros(session: Session) -> dict[str, str]:
    # In the order they were defined, as export_bib writes them: one may use those before it.
    rows = session.exec(
        select(BibBlock.name, BibBlock.value)
        .where(BibBlock.kind == "string")
        .order_by(col(BibBlock.id))
    )
    return {name: value for name, value in rows}


def _case_clashes(session: Session, records: Sequence[ReferenceRecord]) -> list[Problem]:
    """Entries whose key differs only in case from one already in the library.

    Keys are compared ignoring case (as BibTeX and the file's own duplicate check do), so both
    in the library would make its export a file with a duplicate key.
    """
    folded = {r.citekey.casefold(): r for r in records}
    problems = []
    for key in session.exec(select(Reference.citekey)):
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


def _find_duplicates(
    session: Session, records: Sequence[ReferenceRecord]
) -> list[PossibleDuplicate]:
    """Same DOI, same PMID, or same normalized title and year under different keys."""
    seen: dict[tuple[str, str], str] = {}
    found: dict[frozenset[str], PossibleDuplicate] = {}

    def check(kind: str, value: str | None, key: str, label: str) -> None:
        if not value:
            return
        other = seen.setdefault((kind, value), key)
        if other.casefold() != key.casefold():
            pair = frozenset((other, key))
            if pair not in found:
                found[pair] = PossibleDuplicate((other, key), f"same {label}")

    existing = session.execute(
        sa_select(
            col(Reference.citekey),
            col(Reference.doi),
            col(Reference.pmid),
            col(Reference.title_norm),
            col(Reference.year),
        )
    )
    for key, doi, pmid, title_norm, year in existing:
        for kind, value, label in _dup_keys(doi, pmid, title_norm, year):
            check(kind, value, key, label)
    for r in records:
        for kind, value, label in _dup_keys(r.doi, r.pmid, normalize_title(r.title), r.year):
            check(kind, value, r.citekey, label)
    return list(found.values())


def _dup_keys(
    doi: str | None, pmid: str | None, title_norm: str | None, year: int | None
) -> Iterable[tuple[str, str | None, str]]:
    d = _norm_doi(doi)
    yield "doi", d, f"DOI {d}"
    yield "pmid", pmid, f"PMID {pmid}"
    if title_norm and year:
        yield "title", f"{title_norm}|{year}", f"title and year ({year})"


def import_bib(
    *,
    session: Session,
    actor: User | None,
    data: bytes | None = None,
    text: str | None = None,
    encoding: str | None = None,
    skip_bad: bool = False,
    source: str = "<upload>",
) -> ImportReport:
    """Upsert the entries of a .bib file by citekey; actor None is the local operator (CLI)."""
    if actor is not None:
        require(actor, Action.reference_import)
    if text is None:
        if data is None:
            raise InvalidInput("nothing to import: give the file's bytes or text")
        text = read_bib_bytes(data, encoding=encoding, source=source)
    else:
        check_storable(text, source)
    begin_write(session)
    parsed = parse_bib(text, macros=_library_macros(session))
    clashes = _case_clashes(session, parsed.records)
    problems = sorted(parsed.problems + clashes, key=lambda p: p.line or 0)
    report = ImportReport(source=source, entries=len(parsed.records), problems=problems)
    records = parsed.records
    if problems:
        if not skip_bad:
            session.rollback()
            return report
        # A duplicate key's second copy was never read; the first copy is a good entry.
        bad = [p for p in problems if p.citekey and p.kind != "duplicate key"] + clashes
        # A child whose crossref parent is skipped goes too: exported alone it would point at
        # nothing, and kb would refuse its own export.
        follow = crossref_dependants(records, {p.citekey for p in bad if p.citekey})
        report.problems = problems = sorted(problems + follow, key=lambda p: p.line or 0)
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
    report.possible_duplicates = _find_duplicates(session, records)
    _upsert(session, records, report)
    _save_blocks(session, parsed.strings, parsed.preambles, parsed.comments)
    counts = Counter(r.study_type for r in records)
    report.study_types = dict(sorted(counts.items()))
    report.unknown_study_type = [r.citekey for r in records if r.study_type == "unknown"]
    session.commit()
    report.written = True
    return report


def _upsert(session: Session, records: Sequence[ReferenceRecord], report: ImportReport) -> None:
    existing: dict[str, tuple[int | None, str]] = {}
    keys = [r.citekey for r in records]
    for i in range(0, len(keys), _CHUNK):
        rows = session.exec(
            select(Reference.citekey, Reference.id, Reference.content_hash).where(
                col(Reference.citekey).in_(keys[i : i + _CHUNK])
            )
        )
        existing.update({k: (rid, h) for k, rid, h in rows})
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    for record in records:
        values = _row_values(record)
        found = existing.get(record.citekey)
        if found is None:
            new_rows.append(
                {**values, "citekey": record.citekey, "source": "bibtex", "created_at": now,
                 "updated_at": now, "retraction_note": None}
            )  # fmt: skip
            report.created.append(record.citekey)
        elif found[1] == values["content_hash"]:
            report.unchanged += 1
        else:
            session.execute(
                update(Reference)
                .where(col(Reference.id) == found[0])
                .values(**values, updated_at=now)
            )
            report.updated.append(record.citekey)
    for i in range(0, len(new_rows), 5000):
        session.execute(insert(Reference), new_rows[i : i + 5000])


def _block_name(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def _save_blocks(
    session: Session, strings: dict[str, str], preambles: list[str], comments: list[str]
) -> None:
    wanted = [("string", k, v) for k, v in strings.items()]
    wanted += [("preamble", _block_name(v), v) for v in preambles]
    wanted += [("comment", _block_name(v), v) for v in comments]
    if not wanted:
        return
    have = {(b.kind, b.name): b for b in session.exec(select(BibBlock))}
    for kind, name, value in wanted:
        block = have.get((kind, name))
        if block is None:
            block = BibBlock(kind=kind, name=name, value=value)
            have[(kind, name)] = block
        block.value = value
        session.add(block)


def _record_from_row(ref: Reference) -> ReferenceRecord:
    return ReferenceRecord(
        citekey=ref.citekey,
        entry_type=ref.entry_type,
        raw_fields=dict(ref.raw_fields or {}),
        title=ref.title,
        authors=list(ref.authors or []),
        journal=ref.journal,
        year=ref.year,
        volume=ref.volume,
        number=ref.number,
        pages=ref.pages,
        doi=ref.doi,
        pmid=ref.pmid,
        abstract=ref.abstract,
        note=ref.note,
        study_type=ref.study_type,
        study_type_inferred=ref.study_type_inferred,
        retraction=ref.retraction,
    )


def export_bib(*, session: Session) -> str:
    """The whole library as BibTeX, with kb's own fields (studytype, retraction)."""
    blocks = list(session.exec(select(BibBlock).order_by(col(BibBlock.id))))
    refs = session.exec(select(Reference).order_by(col(Reference.citekey)))
    return render_bib(
        (_record_from_row(r) for r in refs),
        strings={b.name: b.value for b in blocks if b.kind == "string"},
        preambles=[b.value for b in blocks if b.kind == "preamble"],
        comments=[b.value for b in blocks if b.kind == "comment"],
    )


def get_reference(*, session: Session, citekey: str) -> Reference:
    """The reference with this citekey (surrounding spaces ignored), or NotFound."""
    citekey = citekey.strip()
    ref = session.exec(select(Reference).where(Reference.citekey == citekey)).first()
    if ref is None:
        raise NotFound(f"no reference with citekey {citekey!r}")
    return ref


def reference_summary(ref: Reference, cited_by: int = 0) -> dict[str, Any]:
    """The fields of a reference for lists and JSON."""
    st = STUDY_TYPE_BY_CODE.get(ref.study_type)
    return {
        "citekey": ref.citekey,
        "title": ref.title,
        "authors": list(ref.authors or []),
        "journal": ref.journal,
        "year": ref.year,
        "doi": ref.doi,
        "pmid": ref.pmid,
        "study_type": ref.study_type,
        "study_type_inferred": ref.study_type_inferred,
        "evidence_level": st.level if st else None,
        "retraction": ref.retraction,
        "source": ref.source,
        "cited_by": cited_by,
    }


def reference_detail(*, session: Session, citekey: str) -> dict[str, Any]:
    """A reference with every claim and article that cites it, and each stance."""
    ref = get_reference(session=session, citekey=citekey)
    rows = session.exec(
        select(Citation, Claim, Article)
        .join(Claim, col(Claim.id) == Citation.claim_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .where(Citation.reference_id == ref.id)
        .order_by(col(Article.slug), col(Claim.position))
    ).all()
    cited = [
        {
            "claim_id": claim.id,
            "article": article.slug,
            "article_title": article.title,
            "position": claim.position,
            "claim_text": claim.text,
            "claim_status": claim.status,
            "marker": cit.marker,
            "stance": cit.stance,
            "quote": cit.quote,
        }
        for cit, claim, article in rows
    ]
    out = reference_summary(ref, len(cited))
    out.update(
        {
            "entry_type": ref.entry_type,
            "volume": ref.volume,
            "number": ref.number,
            "pages": ref.pages,
            "abstract": ref.abstract,
            "note": ref.note,
            "retraction_note": ref.retraction_note,
            "articles": sorted({str(c["article"]) for c in cited}),
            "cited_by_claims": cited,
        }
    )
    return out


def list_references(
    *,
    session: Session,
    study_type: str | None = None,
    uncited: bool = False,
    retracted: bool = False,
    search: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """References with cited-by counts, filtered; ordered by citekey."""
    if study_type is not None and study_type not in STUDY_TYPE_BY_CODE:
        allowed = ", ".join(STUDY_TYPE_BY_CODE)
        raise InvalidInput(f"unknown study type {study_type!r}: choose one of {allowed}")
    # Counted per listed reference (an index lookup each), never by grouping every citation:
    # a search for 20 references must not read 1.5 million citations first.
    n = (
        select(func.count())
        .select_from(Citation)
        .where(Citation.reference_id == Reference.id)
        .scalar_subquery()
    )
    query = select(Reference, n)
    if study_type:
        query = query.where(Reference.study_type == study_type)
    if uncited:
        query = query.where(n == 0)
    if retracted:
        query = query.where(Reference.retraction != RetractionStatus.none.value)
    if search:
        like = f"%{search.strip().casefold()}%"
        query = query.where(
            or_(
                func.lower(Reference.citekey).like(like),
                col(Reference.title_norm).like(f"%{normalize_title(search) or ''}%"),
                func.lower(Reference.doi).like(like),
                col(Reference.pmid) == search.strip(),
            )
        )
    query = query.order_by(col(Reference.citekey))
    if limit:
        query = query.limit(limit)
    return [reference_summary(ref, int(count)) for ref, count in session.exec(query)]


def merge_references(
    *, session: Session, actor: User | None, keep: str, drop: str
) -> dict[str, Any]:
    """Move every citation of DROP onto KEEP, then remove DROP; each claim records the move.

    A claim citing both keeps its KEEP citation; DROP's assessment is carried over only when
    KEEP's was never assessed. The claims' status does not change: the evidence is the same work
    under another key. Their automatic checks re-run (a flag about DROP, say its retraction,
    goes when KEEP gives no cause for it) and marker mappings naming DROP name KEEP.
    """
    if actor is not None:
        require(actor, Action.reference_merge)
    if keep == drop:
        raise InvalidInput("cannot merge a reference into itself")
    begin_write(session)
    keep_ref = get_reference(session=session, citekey=keep)
    drop_ref = get_reference(session=session, citekey=drop)
    moving = session.exec(select(Citation).where(Citation.reference_id == drop_ref.id)).all()
    claims = lock_claims(session, [c.claim_id for c in moving])
    twins = {
        t.claim_id: t
        for t in session.exec(
            select(Citation).where(
                Citation.reference_id == keep_ref.id,
                col(Citation.claim_id).in_([c.claim_id for c in moving]),
            )
        )
    }
    not_assessed = Stance.not_assessed.value
    for cit in moving:
        twin = twins.get(cit.claim_id)
        if twin is None:
            cit.reference_id = keep_ref.id  # type: ignore[assignment]
            session.add(cit)
        else:
            if twin.stance == not_assessed and cit.stance != not_assessed:
                twin.stance, twin.quote, twin.locator = cit.stance, cit.quote, cit.locator
                twin.assessed_by, twin.assessed_at = cit.assessed_by, cit.assessed_at
                session.add(twin)
            session.delete(cit)
    session.flush()
    comment = f"citation of {drop} moved to {keep} (duplicate references merged)"
    for claim in claims:
        change_claim(session, claim=claim, actor=actor, seen_version=None)
        record_event(
            session, claim=claim, actor=actor, action=EventAction.reference_merged.value,
            from_status=claim.status, to_status=claim.status, comment=comment,
        )  # fmt: skip
    for article in session.exec(
        select(Article).where(col(Article.id).in_({c.article_id for c in claims}))
    ):
        if drop in article.marker_map.values():
            article.marker_map = {
                m: keep if k == drop else k for m, k in article.marker_map.items()
            }
            session.add(article)
    session.flush()
    session.execute(delete(Reference).where(col(Reference.id) == drop_ref.id))
    # Flags and evidence summaries follow the moved citations (no commit inside).
    check_claims(session, claims, actor=actor)
    session.commit()
    return {"kept": keep, "removed": drop, "claims": [c.id for c in claims]}
