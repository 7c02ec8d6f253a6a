"""Planning an ingestion without writing: parse the text, resolve its printed reference list
against the library, and decide which marker links which reference.

The printed reference list is resolved to the library (DOI, PMID, else a fuzzy title match with
the year), markers are mapped to references only when the page says which is which (a numbered
list, or an unnumbered list exactly as long as markers 1..n, marked "inferred"), and anything
else is left for an editor: no link is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from kb.config import get_settings
from kb.enums import LinkState
from kb.errors import InvalidInput
from kb.formats import infer_study_type
from kb.formats.citekeys import KeyMaker
from kb.ingest import ParsedArticle, RefEntry, claim_kinds, parse_article
from kb.ingest.parse import parse_document
from kb.ingest.readers import read_document
from kb.models import Article, Reference, utcnow
from kb.services.references import library_identities, normalize_title

# printed marker -> (citekey, how the link was made)
MarkerPlan = dict[str, tuple[str, LinkState]]

TITLE_MATCH = 90  # rapidfuzz token_sort_ratio needed to call two printed titles the same work


@dataclass
class ResolvedEntry:
    """One printed reference-list entry and what it became in the library."""

    index: int
    number: int | None
    text: str
    type_label: str | None
    citekey: str | None
    how: str  # "doi", "pmid", "title", "added", "unresolved"
    # author-year markers this entry is one of several candidates for (an editor chooses)
    ambiguous: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class IngestResult:
    """What an ingestion stored (or, for a preview, would store)."""

    slug: str
    title: str
    claims: list[dict[str, Any]] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    mapping: str = "none"  # "exact", "numbered", "author-year", "inferred", "ambiguous", "none"
    links: list[dict[str, Any]] = field(default_factory=list)
    references: list[ResolvedEntry] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    article_id: int | None = None

    @property
    def unresolved(self) -> list[ResolvedEntry]:
        """Printed entries that match nothing in the library."""
        return [r for r in self.references if r.how == "unresolved"]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["unresolved"] = [r.as_dict() for r in self.unresolved]
        return data


def slugify(text: str) -> str:
    """A URL slug: ASCII words joined by hyphens."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:80].strip("-") or "article"


class Library:
    """Look-ups of the library for resolving printed references: the entries' DOIs and PMIDs
    by one query per article; every title and citekey only when an entry needs them (a title
    match, a new citekey)."""

    def __init__(self, session: Session, entries: Sequence[RefEntry]) -> None:
        self.session = session
        self.by_doi: dict[str, str] = {}
        self.by_pmid: dict[str, str] = {}
        self._everything: tuple[list[tuple[str, int | None, str]], KeyMaker] | None = None
        dois = sorted({e.doi.lower() for e in entries if e.doi})
        pmids = sorted({e.pmid for e in entries if e.pmid})
        if not all(d.isascii() for d in dois):  # SQL's lower() may fold only ASCII
            rows = [(k, d, p) for k, d, p, _t, _y in library_identities(session)]
        elif dois or pmids:
            ref = Reference.__table__.c  # type: ignore[attr-defined]
            wanted = []
            if dois:
                wanted.append(func.lower(ref.doi).in_(dois))
            if pmids:
                wanted.append(ref.pmid.in_(pmids))
            found = session.connection().execute(
                sa_select(ref.citekey, ref.doi, ref.pmid).where(or_(*wanted)).order_by(ref.id)
            )
            rows = [(k, d, p) for k, d, p in found]
        else:
            rows = []
        self.by_doi = {d.lower(): k for k, d, _ in rows if d}
        self.by_pmid = {p: k for k, _, p in rows if p}

    def _load_all(self) -> tuple[list[tuple[str, int | None, str]], KeyMaker]:
        if self._everything is None:
            rows = library_identities(self.session)
            titles = [(t, y, k) for k, _, _, t, y in rows if t]
            self._everything = titles, KeyMaker(k for k, *_ in rows)
        return self._everything

    @property
    def titles(self) -> list[tuple[str, int | None, str]]:
        """(normalized title, year, citekey) of every reference with a title."""
        return self._load_all()[0]

    @property
    def keys(self) -> KeyMaker:
        """New citekeys, none of them the library's (or one given out since)."""
        return self._load_all()[1]

    def resolve(self, entry: RefEntry) -> tuple[str | None, str]:
        if entry.doi and entry.doi.lower() in self.by_doi:
            return self.by_doi[entry.doi.lower()], "doi"
        if entry.pmid and entry.pmid in self.by_pmid:
            return self.by_pmid[entry.pmid], "pmid"
        title = normalize_title(entry.title or entry.text)
        if not title or not self.titles:
            return None, "unresolved"
        candidates = [
            (t, k) for t, y, k in self.titles if entry.year is None or y is None or y == entry.year
        ]
        best = process.extractOne(
            title,
            [t for t, _ in candidates],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=TITLE_MATCH,
        )
        if best is None:
            return None, "unresolved"
        return candidates[best[2]][1], "title"

    def new_key(self, entry: RefEntry) -> str:
        return self.keys.make(entry.authors, entry.year, entry.title)


def reference_from_entry(entry: RefEntry, citekey: str, slug: str) -> dict[str, Any]:
    """A library row for a printed entry an editor will complete ("taken from the article")."""
    fields = {
        "title": entry.title,
        "author": " and ".join(entry.authors) if entry.authors else None,
        "journal": entry.journal,
        "year": str(entry.year) if entry.year else None,
        "volume": entry.volume,
        "number": entry.issue,
        "pages": entry.pages,
        "doi": entry.doi,
        "pmid": entry.pmid,
        "pubtype": entry.type_label,
    }
    raw = {k: v for k, v in fields.items() if v}
    raw["note"] = f"Taken from the reference list of article {slug}; an editor should complete it."
    study_type, inferred = infer_study_type(raw)
    now = utcnow()
    return {
        "citekey": citekey,
        "entry_type": "article" if entry.journal else "misc",
        "title": entry.title or entry.text[:500],
        "title_norm": normalize_title(entry.title or entry.text),
        "authors": list(entry.authors),
        "journal": entry.journal,
        "year": entry.year,
        "volume": entry.volume,
        "number": entry.issue,
        "pages": entry.pages,
        "doi": entry.doi,
        "pmid": entry.pmid,
        "abstract": None,
        "note": raw["note"],
        "study_type": study_type,
        "study_type_inferred": inferred or study_type == "unknown",
        "retraction": "none",
        "retraction_note": None,
        "raw_fields": raw,
        "content_hash": "",
        "source": f"article:{slug}"[:200],
        "created_at": now,
        "updated_at": now,
    }


def marker_plan(parsed: ParsedArticle, resolved: Sequence[ResolvedEntry]) -> tuple[str, MarkerPlan]:
    """(mapping kind, marker -> (citekey or None, link state)) by DOMAIN.md's rules."""
    markers = parsed.markers
    if not markers:
        return "none", {}
    # Where the format says which entry a marker is (JATS xref, a link, a footnote): confirmed.
    plan: MarkerPlan = {}
    for m, index in parsed.links.items():
        key = resolved[index].citekey
        if key:
            plan[m] = (key, LinkState.confirmed)
    if parsed.links and all(m in parsed.links for m in markers):
        return "exact", plan
    if parsed.citation_style == "author-year":
        # By name and year: a marker naming exactly one entry links it; others stay unlinked.
        for m in markers:
            found = parsed.author_year.get(m, [])
            if m not in plan and len(found) == 1 and resolved[found[0]].citekey:
                plan[m] = (resolved[found[0]].citekey or "", LinkState.confirmed)
        return "author-year", plan
    if parsed.reference_list_numbered:
        by_number = {r.number: r for r in resolved if r.number is not None}
        for m in markers:
            if m in parsed.links:
                continue
            entry = by_number.get(int(m)) if m.isdigit() else None
            if entry is not None and entry.citekey:
                plan[m] = (entry.citekey, LinkState.confirmed)
        return "numbered", plan
    if plan:
        return "exact", plan
    numbers = sorted(int(m) for m in markers if m.isdigit())
    run_1_n = numbers == list(range(1, len(resolved) + 1)) and len(numbers) == len(markers)
    if resolved and run_1_n:
        plan = {
            str(i): (r.citekey, LinkState.inferred) for i, r in enumerate(resolved, 1) if r.citekey
        }
        return "inferred", plan
    return ("ambiguous" if resolved else "none"), {}


def configured_furniture() -> list[str] | None:
    """The site-furniture patterns of KB_FURNITURE_FILE, or None for the built-in list."""
    path = get_settings().furniture_file
    if path is None:
        return None
    if not path.is_file():
        raise InvalidInput(f"KB_FURNITURE_FILE {path} does not exist")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def decode_article(data: bytes, *, source: str) -> str:
    """An uploaded or read article's text: UTF-8 (a BOM is dropped); anything else refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source} is not UTF-8 text (byte offset {exc.start})") from None


def plan_article(
    *,
    session: Session,
    text: str | bytes,
    title: str | None = None,
    slug: str | None = None,
    furniture: Sequence[str] | None = None,
    add_missing: bool = False,
    filename: str | None = None,
) -> tuple[ParsedArticle, IngestResult, MarkerPlan]:
    """Parse and resolve an article without writing anything (the preview).

    furniture None means the configured patterns (KB_FURNITURE_FILE, else the built-in list),
    so the CLI and the web page cut the same lines. ``text`` as bytes is a file (``filename``
    its name): HTML, Word, JATS XML or text, detected by suffix and content.
    """
    if furniture is None:
        furniture = configured_furniture()
    if isinstance(text, bytes):
        document = read_document(text, name=filename or "", furniture=furniture, title=title)
        parsed = parse_document(document, title=title)
    else:
        parsed = parse_article(text, furniture=furniture, title=title)
    the_title = (title or parsed.title).strip()
    the_slug = slugify(slug or the_title)
    if session.exec(select(Article.id).where(Article.slug == the_slug)).first() is not None:
        raise InvalidInput(f"an article with slug {the_slug!r} already exists; choose --slug")
    library = Library(session, parsed.references)
    result = IngestResult(slug=the_slug, title=the_title, markers=list(parsed.markers))
    result.warnings = list(parsed.warnings)
    for i, entry in enumerate(parsed.references):
        key, how = library.resolve(entry)
        if key is None and add_missing:
            key, how = library.new_key(entry), "added"
        result.references.append(
            ResolvedEntry(i, entry.number, entry.text, entry.type_label, key, how)
        )
    for marker, found in parsed.author_year.items():
        for i in found if len(found) > 1 else []:
            result.references[i].ambiguous.append(marker)
    mapping, plan = marker_plan(parsed, result.references)
    result.mapping = mapping
    result.links = [
        {"marker": m, "citekey": key, "state": state.value} for m, (key, state) in plan.items()
    ]
    result.claims = [
        {
            "position": s.position,
            "section": s.section,
            "text": s.text,
            "markers": s.markers,
            "kind": kind.value,
            "line": s.line,
        }
        for s, kind in zip(
            parsed.statements, claim_kinds(parsed.statements, parsed.sections), strict=True
        )
    ]
    return parsed, result, plan
