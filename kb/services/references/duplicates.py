"""Possible duplicates: two keys that look like the same work (DOI, PMID, or title and year)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from kb.formats import ReferenceRecord
from kb.models import Reference

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_title(title: str | None) -> str | None:
    """Lower-case words only: the key for "same title" duplicate detection."""
    if not title:
        return None
    norm = _NON_WORD.sub(" ", title.casefold()).strip()
    return norm[:500] or None


# (citekey, DOI, PMID, normalized title, year)
Identity = tuple[str, str | None, str | None, str | None, int | None]


def library_identities(session: Session) -> list[Identity]:
    """What tells the library's works apart: every reference's Identity."""
    rows = session.execute(
        sa_select(
            col(Reference.citekey),
            col(Reference.doi),
            col(Reference.pmid),
            col(Reference.title_norm),
            col(Reference.year),
        )
    )
    return [(k, d, p, t, y) for k, d, p, t, y in rows]


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


def find_duplicates(
    session: Session,
    records: Sequence[ReferenceRecord],
    title_norms: Sequence[str | None] | None = None,
    identities: Sequence[Identity] | None = None,
) -> list[PossibleDuplicate]:
    """Same DOI, same PMID, or same normalized title and year under different keys.

    title_norms, when given, are the records' normalize_title(title), in their order;
    identities the library's, when the caller has read them already.
    """
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

    if identities is None:
        identities = library_identities(session)
    for key, doi, pmid, title_norm, year in identities:
        for kind, value, label in _dup_keys(doi, pmid, title_norm, year):
            check(kind, value, key, label)
    if title_norms is None:
        title_norms = [normalize_title(r.title) for r in records]
    for r, title_norm in zip(records, title_norms, strict=True):
        for kind, value, label in _dup_keys(r.doi, r.pmid, title_norm, r.year):
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


def same_work(identity: Identity, record: ReferenceRecord) -> bool:
    """Whether a library row and a record are one work: same DOI, PMID, or title and year."""
    _, doi, pmid, title_norm, year = identity
    if doi and record.doi and _norm_doi(doi) == _norm_doi(record.doi):
        return True
    if pmid and record.pmid and pmid == record.pmid:
        return True
    return bool(title_norm) and year == record.year and title_norm == normalize_title(record.title)
