"""CSL-JSON (.json): an array of items, as Zotero, Mendeley and Better BibTeX export them.

raw_fields is the item itself, every variable as its JSON value. The key is the item's
`citation-key` (CSL 1.0.2), else its `id` when that is a citation key (Better BibTeX writes
one; Zotero writes an item URI, which is not), else one kb makes. kb's own values travel in the
item's `custom` object: {"kb-studytype": "rct", "kb-retraction": "retracted"}. JSON has no line
numbers a person can use once parsed, so a problem names the item by its number in the array.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kb.formats.citekeys import explicit_key, usable_key
from kb.formats.drafts import Draft, assemble
from kb.formats.records import ParseResult, Problem, Reader
from kb.formats.text import clean, decode_bytes, doi_of, visible, year_in

# CSL item types -> BibTeX entry types (anything else is misc).
TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "article": "article", "book": "book", "chapter": "incollection",
    "paper-conference": "inproceedings", "thesis": "phdthesis", "report": "techreport",
    "manuscript": "unpublished",
}  # fmt: skip
CUSTOM = "custom"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The only way JSON text that passed the decoder's check can hold such a character: an escape.
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class _NotJson(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


def _scalar(value: Any) -> str | None:
    if type(value) is str:  # most values: one test, not four
        return clean(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and value:  # some exporters give container-title as a list
        return _scalar(value[0])
    return clean(value)


def _name(person: Any) -> str | None:
    if not isinstance(person, dict):
        return _scalar(person)
    family, given = _scalar(person.get("family")), _scalar(person.get("given"))
    if family:
        particle = _scalar(person.get("non-dropping-particle"))
        family = f"{particle} {family}" if particle else family
        return f"{family}, {given}" if given else family
    return _scalar(person.get("literal")) or given


def _year(issued: Any) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
            if isinstance(year, int) and not isinstance(year, bool) and 0 < year < 10000:
                return year
            return year_in(_scalar(year))
        return year_in(_scalar(issued.get("raw")) or _scalar(issued.get("literal")))
    return year_in(_scalar(issued))


_WORD_SEPARATORS = re.compile(r"[;,]")


def _words(value: Any) -> list[str]:
    text = _scalar(value) if not isinstance(value, list) else "; ".join(map(str, value))
    if not text:
        return []
    return [w.strip() for w in _WORD_SEPARATORS.split(text) if w.strip()]


def _unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    return False


def draft_of(item: dict[str, Any], number: int) -> Draft:
    """The fields kb shows, from one CSL item."""
    custom_value, authors_value = item.get(CUSTOM), item.get("author")
    custom: dict[str, Any] = custom_value if isinstance(custom_value, dict) else {}
    authors: list[Any] = authors_value if isinstance(authors_value, list) else []
    kind = item.get("type")
    return Draft(
        entry_type=TYPES.get(kind, "misc") if isinstance(kind, str) else "misc",
        raw_fields=item,
        number=number,
        key=explicit_key(item.get("citation-key")) or usable_key(item.get("id")),
        title=_scalar(item.get("title")),
        authors=[n for n in map(_name, authors) if n],
        journal=_scalar(item.get("container-title")) or _scalar(item.get("journalAbbreviation")),
        year=_year(item.get("issued")),
        volume=_scalar(item.get("volume")),
        issue=_scalar(item.get("issue")),
        pages=_scalar(item.get("page")),
        doi=doi_of(_scalar(item.get("DOI"))),
        pmid=_scalar(item.get("PMID")),
        abstract=_scalar(item.get("abstract")),
        note=_scalar(item.get("note")),
        pubtypes=_words(item.get("genre")),
        keywords=_words(item.get("keyword")),
        studytype=_scalar(custom.get("kb-studytype")),
        retraction=_scalar(custom.get("kb-retraction")),
    )


def parse_csl_json(text: str) -> ParseResult:
    """Read a CSL-JSON text into records and problems; bad input is reported, never raised."""
    problems: list[Problem] = []
    try:
        data = json.loads(text, parse_constant=_constant)
    except json.JSONDecodeError as err:
        problems.append(
            Problem(
                "malformed record",
                err.lineno,
                None,
                f"This is not JSON: line {err.lineno}, column {err.colno}: {err.msg}.",
            )
        )
        return assemble("csl-json", [], problems)
    except (_NotJson, RecursionError) as err:
        why = str(err) if isinstance(err, _NotJson) else "it nests too deeply"
        problems.append(Problem("malformed record", None, None, f"This is not JSON: {why}."))
        return assemble("csl-json", [], problems)
    if not isinstance(data, list):
        problems.append(
            Problem(
                "malformed record",
                1,
                None,
                f"CSL-JSON is an array of items ([{{...}}, ...]); this file holds a JSON "
                f"{type(data).__name__.replace('dict', 'object').replace('str', 'string')}.",
            )
        )
        return assemble("csl-json", [], problems)
    drafts: list[Draft] = []
    escapes = _UNSTORABLE_ESCAPE.search(text) is not None
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            shown = visible(json.dumps(item, ensure_ascii=False), 40)
            problems.append(
                Problem(
                    "malformed record",
                    None,
                    None,
                    f"Item {number} is not an object ({shown}).",
                    number,
                )
            )
            continue
        try:
            draft = draft_of(item, number)
            unstorable = escapes and _unstorable(item)
        except RecursionError:
            problems.append(
                Problem("malformed record", None, None, f"Item {number} nests too deeply.", number)
            )
            continue
        if unstorable:
            draft.faults.append(
                (
                    "malformed record",
                    f"Item {number} holds a NUL character or a lone surrogate (\\u0000, "
                    "\\ud800-\\udfff), which no database stores.",
                )
            )
        drafts.append(draft)
    return assemble("csl-json", drafts, problems, label="item")


def _parse(text: str, library: object) -> ParseResult:
    return parse_csl_json(text)


def _decode(data: bytes, encoding: str | None, source: str) -> str:
    return decode_bytes(data, encoding, source, "a JSON file")


CSL_JSON = Reader(
    name="csl-json", label="CSL-JSON", suffixes=(".json",), decode=_decode, parse=_parse
)
