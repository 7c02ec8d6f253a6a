"""The decoded fields of a BibTeX entry: what a reference shows, read from its expanded values.

Values arrive expanded (macros replaced, `#` joined) but not yet LaTeX-decoded; only the fields
a reference displays are decoded, identifiers (DOI, PMID) without any typography.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.enums import RetractionStatus
from kb.formats.bibtex.latex import clean_text, split_authors
from kb.formats.records import ReferenceRecord
from kb.formats.studytype import infer_study_type

# The fields a study type is read from (besides the title), as kb.formats.studytype names them.
STUDY_FIELDS = ("studytype", "pubtype", "publicationtype", "publication_type", "keywords")

_RETRACTION_VALUES = {s.value for s in RetractionStatus}
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


def retraction_status(text: str | None) -> str:
    """The retraction status a `retraction` field's text names; none for anything else."""
    value = "-".join((text or "").lower().split())
    return value if value in _RETRACTION_VALUES else RetractionStatus.none.value


def decode_record(record: ReferenceRecord, values: Mapping[str, str]) -> None:
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
    study = {name: clean_text(values.get(name)) or "" for name in STUDY_FIELDS if name in values}
    study["title"] = record.title or ""
    record.study_type, record.study_type_inferred = infer_study_type(study)
    record.retraction = retraction_status(clean_text(values.get("retraction")))
    record.crossref = clean_text(values.get("crossref"))
