"""Study type of a reference from its fields: explicit code, NLM publication type, title.

A reader passes its format's fields under the names used here (studytype, pubtype,
publicationtype, publication_type, keywords, title).

The order of the tables is the priority: a PubMed record typed "Meta-Analysis; Review" is a
systematic review, not a narrative one, and "a nested case-control study in a cohort" is
case-control.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.enums import STUDY_TYPE_BY_CODE

UNKNOWN = "unknown"

# Each row: code, substrings one of which every match contains, pattern (lower case).
# The substring test runs first because it is far cheaper than a regex search and most
# titles and keyword lists name no design at all.
_Row = tuple[str, tuple[str, ...], str]

# NLM publication types (and MeSH design headings found in `keywords`), strongest design first.
# A match here is taken as stated by the source, so it is not marked inferred, except where
# the heading is too broad to name one design (see _WEAK_PUBTYPES).
_PUBTYPES: tuple[_Row, ...] = (
    ("guideline", ("guideline",), r"practice guidelines?|guidelines?"),
    ("systematic-review", ("meta", "systematic"), r"(?:network )?meta-analysis|systematic review"),
    ("rct", ("random",), r"randomi[sz]ed controlled trials?"),
    ("case-control", ("case-control",), r"case-control studies"),
    (
        "cohort",
        ("cohort", "prospective", "longitudinal", "follow-up"),
        r"cohort studies|prospective studies|longitudinal studies|follow-up studies",
    ),
    ("cross-sectional", ("cross-sectional",), r"cross-sectional studies"),
    ("case-series", ("case series",), r"case series"),
    ("case-report", ("case report",), r"case reports?"),
    ("narrative-review", ("review",), r"review"),
    ("expert-opinion", ("editorial", "comment", "letter"), r"editorial|comment|letter"),
    ("preclinical", ("in vitro", "animal"), r"in vitro techniques|animal experimentation"),
)
# "Observational Study" covers cohort, case-control and cross-sectional designs; cohort is the
# usual one, but it is a guess.
_WEAK_PUBTYPES: tuple[_Row, ...] = (("cohort", ("observational",), r"observational study"),)
# Title words: only a hint, so the result is marked inferred for an editor to confirm.
_TITLE_WORDS: tuple[_Row, ...] = (
    (
        "systematic-review",
        ("meta", "systematic"),
        r"meta-?analys[ie]s|meta analys[ie]s|systematic review",
    ),
    ("rct", ("randomi",), r"(?<!non-)(?<!non )(?<!quasi-)randomi[sz]ed"),
    ("case-control", ("case",), r"case-control|case control"),
    ("cohort", ("cohort",), r"cohorts?"),
    ("cross-sectional", ("cross",), r"cross-sectional|cross sectional"),
    ("case-series", ("case series", "registry"), r"case series|registry"),
    ("case-report", ("case report",), r"case reports?"),
    ("guideline", ("guideline",), r"guidelines?"),
)

_Table = tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...]


def _compile(table: tuple[_Row, ...]) -> _Table:
    # Whole words only ("review" must not fire inside "reviewer"), and never a MeSH "... as
    # Topic" heading: "Randomized Controlled Trials as Topic" is about trials, not one.
    return tuple(
        (code, hints, re.compile(rf"(?<![\w-])(?:{pat})(?![\w-])(?!\s+as\s+topic)"))
        for code, hints, pat in table
    )


_PUBTYPE_RES = _compile(_PUBTYPES)
_WEAK_PUBTYPE_RES = _compile(_WEAK_PUBTYPES)
_TITLE_RES = _compile(_TITLE_WORDS)

_PUBTYPE_FIELDS = ("pubtype", "publicationtype", "publication_type", "keywords")


def _first(text: str, table: _Table) -> str | None:
    """Code of the first row matching `text` (already lower case)."""
    for code, hints, pattern in table:
        for hint in hints:  # a plain loop: a generator in any() costs more than the test
            if hint in text:
                if pattern.search(text):
                    return code
                break
    return None


def infer_study_type(fields: Mapping[str, str]) -> tuple[str, bool]:
    """Study type code and whether it was guessed, from `studytype`, NLM types, then the title."""
    explicit = (fields.get("studytype") or "").strip().lower()
    if explicit in STUDY_TYPE_BY_CODE:  # "unknown" too: an editor may reject a guess
        return explicit, False
    types = " ; ".join(fields[name] for name in _PUBTYPE_FIELDS if fields.get(name)).lower()
    if types:
        code = _first(types, _PUBTYPE_RES)
        if code:
            return code, False
        code = _first(types, _WEAK_PUBTYPE_RES)
        if code:
            return code, True
    code = _first((fields.get("title") or "").lower(), _TITLE_RES)
    if code:
        return code, True
    return UNKNOWN, False
