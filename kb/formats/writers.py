"""Writing reference records as RIS or CSL-JSON, and giving a record of another format BibTeX
fields.

A record read from the format being written goes back as it came (its raw fields, in their
order), with only kb's own values brought in line: its key, study type and retraction status,
written where that format's reader looks for them (RIS: the ID tag or `KB  - citekey: ...`,
`KB  - studytype: ...`, `KB  - retraction: ...`; CSL-JSON: `id` or `citation-key`, and the
`custom` object). So an export imported again gives the same records, and its export the same
file. A record from another format is written from the fields kb shows (title, authors,
journal, year, volume, issue, pages, DOI, PMID, abstract, note, study type, retraction).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from kb.formats.citekeys import explicit_key, usable_key
from kb.formats.csl_json import CUSTOM
from kb.formats.csl_json import TYPES as CSL_TYPES
from kb.formats.csl_json import draft_of as csl_draft
from kb.formats.drafts import judged
from kb.formats.records import ReferenceRecord
from kb.formats.ris import KB_TAG
from kb.formats.ris import TYPES as RIS_TYPES
from kb.formats.ris import draft_of as ris_draft

_TO_RIS = {bib: ris for ris, bib in reversed(RIS_TYPES.items())} | {
    "article": "JOUR", "inbook": "CHAP", "conference": "CPAPER", "mastersthesis": "THES",
}  # fmt: skip
_TO_CSL = {bib: csl for csl, bib in reversed(CSL_TYPES.items())} | {"article": "article-journal"}
_KB_NAMES = ("citekey", "studytype", "retraction")


def _kb_values(record: ReferenceRecord, study: tuple[str, bool, str]) -> dict[str, str]:
    """kb's values the written fields would not give back by themselves."""
    study_type, inferred, retraction = study
    out = {}
    # A guess is not written down: it is guessed again from the same fields.
    mismatch = (study_type, inferred) != (record.study_type, record.study_type_inferred)
    if mismatch and not record.study_type_inferred:
        out["studytype"] = record.study_type
    if retraction != record.retraction:
        out["retraction"] = record.retraction
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _split_pages(pages: str) -> tuple[str, str | None]:
    start, sep, end = pages.partition("-")
    return (start, end) if sep and start and end else (pages, None)


# --------------------------------------------------------------------------- RIS


def _ris_from_fields(record: ReferenceRecord) -> dict[str, Any]:
    tags: dict[str, Any] = {"TY": _TO_RIS.get(record.entry_type, "GEN")}
    if usable_key(record.citekey) == record.citekey:
        tags["ID"] = record.citekey
    plain = {"TI": record.title, "AU": record.authors or None, "JO": record.journal}
    plain |= {"PY": str(record.year) if record.year else None, "VL": record.volume}
    plain |= {"IS": record.number}
    if record.pages:
        plain["SP"], plain["EP"] = _split_pages(record.pages)
    plain |= {"DO": record.doi, "AN": f"PMID: {record.pmid}" if record.pmid else None}
    plain |= {"AB": record.abstract, "N1": record.note}
    tags |= {tag: value for tag, value in plain.items() if value}
    return tags


def ris_tags(record: ReferenceRecord) -> dict[str, Any]:
    """The tags to write for a record, kb's values included (without ER)."""
    if record.source == "ris" and record.raw_fields.get("TY") is not None:
        raw = dict(record.raw_fields)
    else:
        raw = _ris_from_fields(record)
    kept = [v for v in _as_list(raw.pop(KB_TAG, None)) if not _is_kb(v)]
    kb: dict[str, str] = {}
    if usable_key(next(iter(_as_list(raw.get("ID"))), None)) != record.citekey:
        if "ID" not in raw and usable_key(record.citekey) == record.citekey:
            raw = {"TY": raw["TY"], "ID": record.citekey, **raw}
        else:
            kb["citekey"] = record.citekey
    kb |= _kb_values(record, judged(ris_draft(raw, None, None)))
    kept += [f"{name}: {value}" for name, value in kb.items()]
    if kept:
        raw[KB_TAG] = kept[0] if len(kept) == 1 else kept
    return raw


def _is_kb(value: Any) -> bool:
    name = str(value).partition(":")[0].strip().lower()
    return name in _KB_NAMES


def render_ris(records: Iterable[ReferenceRecord]) -> str:
    """RIS text for the records: TY first, every tag's values one line each, then ER."""
    out = []
    for record in records:
        tags = ris_tags(record)
        lines = [f"TY  - {_line(tags.pop('TY'))}"]
        for tag, value in tags.items():
            lines += [f"{tag}  - {_line(v)}" for v in _as_list(value)]
        lines.append("ER  - ")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def _line(value: Any) -> str:
    return " ".join(str(value).split()) if "\n" in str(value) else str(value)


# --------------------------------------------------------------------------- CSL-JSON


def _person(name: str) -> dict[str, str]:
    family, sep, given = name.partition(",")
    if sep and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def _csl_from_fields(record: ReferenceRecord) -> dict[str, Any]:
    item: dict[str, Any] = {"id": record.citekey, "type": _TO_CSL.get(record.entry_type, "")}
    plain: dict[str, Any] = {
        "title": record.title,
        "author": [_person(a) for a in record.authors] or None,
        "container-title": record.journal,
        "issued": {"date-parts": [[record.year]]} if record.year else None,
        "volume": record.volume,
        "issue": record.number,
        "page": record.pages,
        "DOI": record.doi,
        "PMID": record.pmid,
        "abstract": record.abstract,
        "note": record.note,
    }
    item["type"] = item["type"] or "document"
    item |= {name: value for name, value in plain.items() if value}
    return item


def csl_item(record: ReferenceRecord) -> dict[str, Any]:
    """The CSL-JSON item to write for a record, kb's values included."""
    native = record.source == "csl-json"
    item = dict(record.raw_fields) if native else _csl_from_fields(record)
    custom = dict(item[CUSTOM]) if isinstance(item.get(CUSTOM), dict) else {}
    had_custom = CUSTOM in item
    for name in ("kb-studytype", "kb-retraction"):
        custom.pop(name, None)
    item.pop(CUSTOM, None)
    if _csl_key(item) != record.citekey:
        item.setdefault("id", record.citekey)
        if _csl_key(item) != record.citekey:
            item["citation-key"] = record.citekey
    values = _kb_values(record, judged(csl_draft(item, 0)))
    custom |= {f"kb-{name}": value for name, value in values.items()}
    if custom or had_custom:
        item[CUSTOM] = custom
    return item


def _csl_key(item: dict[str, Any]) -> str | None:
    # As the reader finds it.
    return explicit_key(item.get("citation-key")) or usable_key(item.get("id"))


def render_csl_json(records: Iterable[ReferenceRecord]) -> str:
    """A CSL-JSON array of the records."""
    return json.dumps([csl_item(r) for r in records], ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- BibTeX


_LATEX_SPECIAL = re.compile(r"([&%$#_])")


def _latex(text: str | None) -> str | None:
    # Plain text from RIS or JSON: LaTeX's special characters escaped, as kb's reader undoes.
    return _LATEX_SPECIAL.sub(r"\\\1", text) if text else text


def bib_fields(record: ReferenceRecord) -> dict[str, str]:
    """BibTeX fields for a record read from another format, from the fields kb shows.

    A name without a comma (an organisation, or "Lee J" as MEDLINE abbreviates) is braced so
    BibTeX keeps it whole.
    """
    names = [_latex(a if "," in a else "{" + a + "}") or "" for a in record.authors]
    fields = {
        "title": _latex(record.title),
        "author": " and ".join(names) or None,
        "journal": _latex(record.journal),
        "year": str(record.year) if record.year else None,
        "volume": record.volume,
        "number": record.number,
        "pages": record.pages,
        "doi": _latex(record.doi),
        "pmid": record.pmid,
        "abstract": _latex(record.abstract),
        "note": _latex(record.note),
    }
    return {name: value for name, value in fields.items() if value}
