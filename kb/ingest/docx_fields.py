"""Citations a reference manager wrote into a Word file as fields: exact, with their data.

Zotero and Mendeley insert each in-text citation as a field whose instruction carries the
cited items as CSL-JSON (``ADDIN ZOTERO_ITEM CSL_CITATION {...}``, ``ADDIN CSL_CITATION
{...}``); EndNote as its own XML (``ADDIN EN.CITE <EndNote><Cite>...<record>...``). The field's
result is the printed citation ("[1]", "(Smith et al., 2020)"). The items say exactly which
work each marker is, with DOI, PMID, title, authors and journal, so they are the article's
reference list; the printed bibliography (a ``ZOTERO_BIBL``, ``CSL_BIBLIOGRAPHY`` or
``EN.REFLIST`` field) repeats them and is not read again. EndNote's base64 form
(``EN.CITE.DATA``) is not decoded: those citations are read as printed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from lxml import etree

from kb.ingest.document import expand_numbers, is_number_list
from kb.ingest.records import RefEntry

_CITATION = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_ITEM\s+)?CSL_CITATION\s*", re.IGNORECASE)
_BIBLIOGRAPHY = re.compile(
    r"^\s*ADDIN\s+(?:ZOTERO_BIBL|Mendeley\s+Bibliography|CSL_BIBLIOGRAPHY|EN\.REFLIST)",
    re.IGNORECASE,
)
_ENDNOTE = re.compile(r"^\s*ADDIN\s+EN\.CITE\s*(?=<)", re.IGNORECASE)


def is_bibliography(instruction: str) -> bool:
    """True for the field that prints a reference manager's bibliography."""
    return bool(_BIBLIOGRAPHY.match(instruction))


def cited_entries(instruction: str) -> list[RefEntry]:
    """The reference entries a citation field cites, each keyed; [] for any other field."""
    if _ENDNOTE.match(instruction):
        return _endnote_entries(instruction)
    return [item_entry(item, item_key(item)) for item in citation_items(instruction)]


def _endnote_entries(instruction: str) -> list[RefEntry]:
    start, end = instruction.find("<EndNote"), instruction.rfind("</EndNote>")
    if start < 0 or end < 0:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(instruction[start : end + len("</EndNote>")].encode(), parser)
    except etree.XMLSyntaxError:
        return []

    def text(el: etree._Element, path: str) -> str | None:
        found = el.find(path)
        value = re.sub(r"\s+", " ", "".join(found.itertext())).strip() if found is not None else ""
        return value or None

    entries = []
    for cite in root.iter("Cite"):
        record = cite.find("record")
        number = text(cite, "RecNum") or (
            text(record, "rec-number") if record is not None else None
        )
        if record is None or number is None:
            continue
        authors = []
        for author in record.iterfind("contributors/authors/author"):
            family, _, given = "".join(author.itertext()).partition(",")
            initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
            authors.append(f"{family.strip()} {initials}".strip())
        year = text(record, "dates/year") or text(cite, "Year") or ""
        accession = text(record, "accession-num") or ""
        entry = RefEntry(
            number=None,
            text="",
            type_label=None,
            line=0,
            title=text(record, "titles/title"),
            authors=[a for a in authors if a],
            journal=text(record, "titles/secondary-title") or text(record, "periodical/full-title"),
            year=int(year[:4]) if year[:4].isdigit() else None,
            volume=text(record, "volume"),
            issue=text(record, "number"),
            pages=text(record, "pages"),
            doi=text(record, "electronic-resource-num"),
            pmid=accession if accession.isdigit() else None,
            key=f"endnote:{number}",
        )
        entry.text = _printed(entry)
        entries.append(entry)
    return entries


def citation_items(instruction: str) -> list[dict[str, Any]]:
    """The cited items of a CSL citation field ([] for any other field or unreadable JSON)."""
    match = _CITATION.match(instruction)
    if not match:
        return []
    try:  # the JSON may be followed by more words ("... } CSL_CITATION")
        data, _ = json.JSONDecoder().raw_decode(instruction[match.end() :].lstrip())
    except ValueError:
        return []
    items = data.get("citationItems") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("itemData"), dict)]


def item_key(item: dict[str, Any]) -> str:
    """The id the reference manager gives the item (its URI, else its id)."""
    uris = item.get("uris") or item.get("uri") or []
    uri = uris[0] if isinstance(uris, list) and uris else uris if isinstance(uris, str) else ""
    name = uri or item.get("id") or item["itemData"].get("id")
    if not name:  # no id at all: the same data is the same item
        data = json.dumps(item["itemData"], sort_keys=True, default=str).encode()
        name = hashlib.sha256(data).hexdigest()[:16]
    return f"csl:{name}"


def item_entry(item: dict[str, Any], key: str) -> RefEntry:
    """A reference entry from a CSL item's data."""
    data = item["itemData"]
    authors = []
    people = data.get("author")
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        family, given = str(person.get("family") or ""), str(person.get("given") or "")
        initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
        name = f"{family} {initials}".strip() or str(person.get("literal") or "")
        if name:
            authors.append(name)
    parts = (
        (data.get("issued") or {}).get("date-parts")
        if isinstance(data.get("issued"), dict)
        else None
    )
    year = None
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = str(parts[0][0])
        year = int(first) if first.isdigit() and len(first) == 4 else None

    def text(name: str) -> str | None:
        value = data.get(name)
        return str(value).strip() or None if value not in (None, "") else None

    entry = RefEntry(
        number=None,
        text="",
        type_label=None,
        line=0,
        title=text("title"),
        authors=authors,
        journal=text("container-title"),
        year=year,
        volume=text("volume"),
        issue=text("issue"),
        pages=text("page"),
        doi=text("DOI"),
        pmid=text("PMID"),
        key=key,
    )
    entry.text = _printed(entry)
    return entry


def _printed(entry: RefEntry) -> str:
    printed = [", ".join(entry.authors), entry.title, entry.journal, str(entry.year or "")]
    return ". ".join(p for p in printed if p) + "."


def field_markers(printed: str, entries: list[RefEntry]) -> list[str]:
    """The marker of each cited item, from the printed citation where it says so.

    "[1,3]" or "1-2" for two items: 1, 3 (the printed numbers in order); "(Smith 2020; Lee
    2019)": "Smith 2020", "Lee 2019"; otherwise the first author and year of each item.
    """
    bare = printed.strip()
    if is_number_list(bare):
        numbers = expand_numbers(bare)
        if len(numbers) == len(entries):
            return numbers
    parts = [p.strip(" ()[]") for p in re.split(r";", bare.strip("()[] "))]
    if len(parts) == len(entries) and all(parts):
        return parts
    return [
        f"{(e.authors[0].split(' ')[0] if e.authors else e.title or 'item')} {e.year or ''}".strip()
        for e in entries
    ]
