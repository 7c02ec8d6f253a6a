"""Author-year citations (Harvard, APA, Vancouver-with-names): find them, read the reference
list's names and years, and resolve each cited item to the entries it can mean.

Three narrow steps, plain values between them:

* ``find_citations(text)``: the citations printed in one block of text, each a span with its
  printed form and its items (names, year, letter suffix, page locator). Parenthetical ones,
  "(Smith et al., 2020; Lee 2018a, b)", "(see WHO 2021, p. 3)", and narrative ones,
  "Smith and Jones (2019) showed", where the names stay part of the sentence.
* ``parse_entry_names(text)`` (in kb.ingest.authornames): an entry's first author or
  organisation, its other authors, year and suffix.
* ``resolve(item, entries)``: the indexes of the entries the item can mean; one is a link, two
  or more are ambiguous (an editor decides), none is unresolved. Nothing is ever guessed.

What is not a citation: "(Table 2)", "(n = 2020)", "(95% CI, 2019-2021)", "(January 2020)",
"(P < 0.001)", "In 2007, ...": a citation needs a capitalised name that is not a month, a
table or figure label or a sentence word, followed by a year between 1600 and 2099 (or "n.d.",
"in press") that is not part of a range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.ingest.authornames import EntryNames, fold, parse_entry_names, same_name

__all__ = [
    "Citation",
    "CitedItem",
    "keep_named",
    "citation_warnings",
    "cites_author_year",
    "EntryNames",
    "find_citations",
    "parse_entry_names",
    "resolve",
    "resolve_all",
]

_UP = "A-ZÀ-ÖØ-ÞĀ-Žŀ-ſ"  # capitals, Latin-1 and Latin Extended-A (a few lower ones included)
_PARTICLE = r"(?:[vV]an|[vV]on|[dD]e[rn]?|[dD]el|[dD]ella|[dD]i|[dD]a|[dD]u|[lL][ae]|[dD]os|[dD]as|[tT]e[nr]|[zZ]u|[yY]|[dD]')"  # noqa: E501
_CAPWORD = rf"(?:O['’]|D['’]|L['’]|Mc|Mac)?[{_UP}][\w'’.]*(?:-[{_UP}]?[\w'’]+)*"
_SURNAME = rf"(?:{_PARTICLE}\s+){{0,2}}{_CAPWORD}"
_YEAR_ONE = r"(?:1[6-9]|20)\d{2}[a-z]?(?![\w\-–])"
_YEAR = rf"(?:{_YEAR_ONE}|n\.\s?d\.|in\s+press|forthcoming)"
_YEARS = rf"{_YEAR}(?:\s*,\s*(?:{_YEAR}|[a-z](?![\w.])))*"
_LOCATOR = r"(?:\s*,\s*(?:pp?\.|pages?|chap\.|ch\.|para\.|sec\.)\s*\d+(?:\s*[-–]\s*\d+)?|\s*:\s*\d+(?:\s*[-–]\s*\d+)?)"  # noqa: E501
_ITEM = re.compile(
    rf"(?P<names>[^\W\d_][^;()\d]*?)(?:\s*,\s*|\s+)(?P<years>{_YEARS})(?P<loc>{_LOCATOR})?"
    r"(?=\s*(?:[,;]|$))"
)
_PAREN = re.compile(r"\(([^()]{4,600})\)")
_BRACKET = re.compile(r"\[([^\[\]()]{4,600})\]")
_NARRATIVE = re.compile(  # a run of capitalised words before the surname: an organisation
    rf"(?<![\w'’-])(?P<names>(?:{_CAPWORD}\s+(?:(?:of|for|and|the|on|&)\s+){{0,2}}){{0,6}}{_SURNAME}(?:\s+(?:and|&)\s+{_SURNAME}|\s+et\.?\s*al\.?|"
    r"\s+and\s+(?:co-?workers|colleagues))?)(?:['’]s)?"
    rf"\s*\((?P<years>{_YEARS})(?P<loc>{_LOCATOR})?\)"
)
_YEAR_PAREN = re.compile(rf"\((?=\s*{_YEAR})")
_NAMES_WINDOW = 200  # longer than any run of names _NARRATIVE takes before the year
_PREFIX = re.compile(
    r"(?:(?:see(?:\s+also)?|e\.\s?g\.|i\.\s?e\.|cf\.?|compare|reviewed\s+(?:in|by)|"
    r"for\s+(?:a\s+)?reviews?,?\s+see|as\s+reviewed\s+by|as\s+in|but\s+see|after|from|"
    r"adapted\s+from|modified\s+from|cited\s+in|quoted\s+in)\s*,?\s*)+",
    re.IGNORECASE,
)
# "et al", and the narrative "Schriks and co-workers (2007)" that means the same
_ET_AL = re.compile(r",?\s*(?:\bet\.?\s*al\b\.?|\band\s+(?:co-?workers|colleagues)\b)", re.I)
_CONNECTORS = frozenset(
    {"and", "&", "of", "for", "the", "on", "in", "und", "y", "et", "al", "al.", "de", "van",
     "von", "der", "den", "del", "della", "di", "da", "du", "la", "le", "dos", "das", "ten",
     "ter", "zu", "to", "at"}
)  # fmt: skip
# Capitalised words that start a parenthesis or a sentence but never an author's name.
NOT_NAMES = frozenset(
    {"table", "tables", "fig", "figs", "figure", "figures", "supplementary", "supplemental",
     "appendix", "eq", "equation", "chapter", "section", "box", "panel", "model", "phase",
     "version", "wave", "step", "stage", "grade", "level", "type", "group", "day", "week",
     "year", "years", "month", "january", "february", "march", "april", "may", "june", "july",
     "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr",
     "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "spring", "summer", "autumn",
     "fall", "winter", "in", "on", "at", "by", "since", "until", "from", "to", "the", "this",
     "that", "these", "those", "a", "an", "and", "or", "but", "for", "as", "after", "before",
     "during", "between", "of", "with", "we", "our", "it", "its", "there", "here", "then",
     "however", "recently", "when", "while", "although", "also", "both", "all",
     "each", "every", "some", "many", "most", "such", "if", "is", "was", "were", "are", "be",
     "been", "ci", "p", "n", "hr", "rr", "sd", "se", "iqr", "vs", "ref", "refs", "no",
     "vol", "pp", "total", "mean", "median", "range", "age", "aged", "born",
     "circa", "ca", "approx", "up", "about", "around", "census", "survey", "cohort"}
)  # fmt: skip


@dataclass(frozen=True)
class CitedItem:
    """One work a citation names: names as printed, year and suffix, page locator."""

    names: str  # "Smith et al.", "McMichael and Potter", "American Cancer Society"
    year: int | None  # None for "n.d." and "in press"
    suffix: str  # "a" of "2018a"; "" when none
    page: str | None  # "p. 12"
    printed: str  # the item as a marker: "Smith et al. 2020", "Lee 2018b"
    undated: str = ""  # "n.d." or "in press" when the year says so


@dataclass(frozen=True)
class Citation:
    """One printed citation in a block: where it is, how it reads, what it names.

    ``start``/``end`` delimit the text a reader need not read (the whole parenthesis); for a
    narrative citation, or a parenthesis that also says something else, they are equal (an
    empty span at the citation's end): the words stay part of the sentence.
    """

    start: int
    end: int
    printed: str
    items: tuple[CitedItem, ...]
    narrative: bool = False


def _valid_names(names: str) -> bool:
    words = re.findall(r"[^\s,]+", _ET_AL.sub(" et al.", names))
    if not words or len(words) > 12 or re.search(r"\d|[=<>%±+/]", names):
        return False
    first = words[0]
    first_ok = first.lower().strip(".") not in NOT_NAMES and re.match(rf"[{_UP}]", _bare(first))
    if not first_ok and not re.fullmatch(_PARTICLE, first):
        return False
    capital = False
    for word in words:
        if word.lower() in _CONNECTORS or word.lower().rstrip(".") in _CONNECTORS:
            continue
        if not re.fullmatch(_CAPWORD, word):
            return False
        capital = True
    last = words[-1].lower().rstrip(".")
    return capital and (last == "al" or last not in _CONNECTORS)


def _bare(word: str) -> str:
    return re.sub(r"^(?:O['’]|D['’]|L['’])", "", word)


def _years(text: str) -> list[tuple[int | None, str, str]]:
    """'2018a, b' -> [(2018, 'a', ''), (2018, 'b', '')]; 'n.d.' -> [(None, '', 'n.d.')]."""
    out: list[tuple[int | None, str, str]] = []
    for part in re.split(r"\s*,\s*", text.strip()):
        year = re.fullmatch(r"(\d{4})([a-z]?)", part)
        if year:
            out.append((int(year.group(1)), year.group(2), ""))
        elif re.fullmatch(r"[a-z]", part) and out:
            out.append((out[-1][0], part, out[-1][2]))
        else:
            undated = "n.d." if part.lower().startswith("n") else re.sub(r"\s+", " ", part)
            out.append((None, "", undated))
    return out


def _items(names: str, years: str, loc: str | None) -> list[CitedItem]:
    names = re.sub(r"['’]s$", "", re.sub(r"\s+", " ", names.strip().rstrip(",")))  # "Smith's"
    page = re.sub(r"^[\s,:]+", "", loc).strip() if loc else None
    items = []
    for year, suffix, undated in _years(years):
        when = undated or f"{year}{suffix}"
        items.append(CitedItem(names, year, suffix, page, f"{names} {when}", undated))
    return items


def _segment_items(segment: str) -> tuple[list[CitedItem], bool]:
    """The items one ';'-part of a parenthesis starts with, and whether they are all of it
    ("Smith 2020, Table 2" cites Smith 2020 and says something more)."""
    prefix = _PREFIX.match(segment)
    pos = prefix.end() if prefix else 0
    items: list[CitedItem] = []
    while True:
        match = _ITEM.match(segment, pos)
        if not match or not _valid_names(match.group("names")):
            return items, False
        items.extend(_items(match.group("names"), match.group("years"), match.group("loc")))
        rest = re.match(r"\s*,\s*|\s*$", segment[match.end() :])
        if rest is None:
            return items, False
        pos = match.end() + rest.end()
        if pos >= len(segment):
            return items, True


def _enclosed(match: re.Match[str]) -> list[Citation]:
    """The citation a parenthesis (or bracket) holds, if it holds one."""
    inner = match.group(1)
    if not re.search(r"\d{4}[a-z]?\b|n\.\s?d\.|in\s+press|forthcoming", inner):
        return []
    items: list[CitedItem] = []
    whole = True
    for segment in re.split(r"\s*;\s*", inner.strip()):
        got, all_of_it = _segment_items(segment)
        items.extend(got)
        whole = whole and all_of_it
    if not items:
        return []
    start, end = (match.start(), match.end()) if whole else (match.end(), match.end())
    return [Citation(start, end, inner.strip(), tuple(items))]


def find_citations(text: str) -> list[Citation]:
    """The author-year citations printed in one block of text, in printed order."""
    found: list[Citation] = []
    for paren in _PAREN.finditer(text):
        found.extend(_enclosed(paren))
    for bracket in _BRACKET.finditer(text):  # "[Smith et al., 2020]"; a "(...)" inside wins
        if not any(bracket.start() < c.end <= bracket.end() for c in found):
            found.extend(_enclosed(bracket))
    taken = [(c.start, c.end) for c in found if c.start < c.end]
    for match in _narratives(text):
        if any(s <= match.start("years") < e for s, e in taken):
            continue
        # "The American Cancer Society (2007)", "In Smith et al. (2020)": sentence words go.
        names = match.group("names")
        words = names.split()
        skip = 0
        while skip < len(words) - 1 and words[skip].lower().strip(".") in NOT_NAMES:
            skip += 1
        names = " ".join(words[skip:])
        if words[skip].lower().strip(".") in NOT_NAMES or not _valid_names(names):
            continue
        start = match.start("names") + match.group("names").index(words[skip])
        items = _items(names, match.group("years"), match.group("loc"))
        printed = text[start : match.end()]
        found.append(Citation(match.end(), match.end(), printed, tuple(items), True))
    found.sort(key=lambda c: (c.end, c.start))
    return found


def _narratives(text: str) -> list[re.Match[str]]:
    """The narrative matches, looked for only before a "(" that opens with a year: matching
    the names pattern at every capital of a long text cost more than all the rest."""
    found = []
    for paren in _YEAR_PAREN.finditer(text):
        lo = max(0, paren.start() - _NAMES_WINDOW)
        for match in _NARRATIVE.finditer(text, lo, paren.end() + _NAMES_WINDOW):
            if match.start("years") > paren.start() >= match.start():
                found.append(match)
                break
    return found


def keep_named(citations: Sequence[Citation], entries: Sequence[EntryNames]) -> list[Citation]:
    """The citations of a block worth reporting against these entries.

    A parenthetical citation is kept as found. A narrative one only has the shape of a name
    before a year ("England (2009)", "Following Smith (2020)"): it is kept when its names, or
    the words they end with ("Smith"), name at least one entry, and dropped otherwise.
    """
    kept: list[Citation] = []
    for citation in citations:
        if not citation.narrative:
            kept.append(citation)
            continue
        names = citation.items[0].names
        words = names.split()
        for start in range(len(words)):
            if start and words[start - 1].lower() in _CONNECTORS - {"al", "al."}:
                continue
            shorter = " ".join(words[start:])
            if words[start].lower() in _CONNECTORS or not _valid_names(shorter):
                continue
            items = tuple(_renamed(i, names, shorter) for i in citation.items)
            if all(resolve(i, entries) for i in items):
                cut = citation.printed.index(shorter) if shorter in citation.printed else 0
                kept.append(
                    Citation(citation.start, citation.end, citation.printed[cut:], items, True)
                )
                break
    return kept


def _renamed(item: CitedItem, old: str, new: str) -> CitedItem:
    return CitedItem(
        new, item.year, item.suffix, item.page, new + item.printed[len(old) :], item.undated
    )


def _person_names(names: str) -> tuple[list[str], bool]:
    """'Smith et al.' -> (['Smith'], True); 'McMichael and Potter' -> (['McMichael', 'Potter'])."""
    et_al = bool(_ET_AL.search(names))
    bare = _ET_AL.sub("", names).strip(" ,")
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", bare) if p]
    return parts, et_al


def resolve(item: CitedItem, entries: Sequence[EntryNames]) -> list[int]:
    """Indexes of the entries the item can mean: exactly one resolves it; several are
    ambiguous; none leaves it unresolved. Strict reading first (author count, suffix), then a
    looser one (first author and year) only when the strict one finds nothing."""
    dated = [
        i for i, e in enumerate(entries) if e.year == item.year and _same_year(item, e, strict=True)
    ]
    org = [i for i in dated if _organisation_matches(item.names, entries[i])]
    if org:
        return org
    names, et_al = _person_names(item.names)
    if not names:
        return []
    first = [i for i in dated if entries[i].authors and same_name(names[0], entries[i].authors[0])]
    strict = [i for i in first if _author_count_fits(names, et_al, entries[i])]
    if strict:
        return strict
    if first:
        return first
    loose = [i for i, e in enumerate(entries) if _same_year(item, e, strict=False)]
    return [i for i in loose if entries[i].authors and same_name(names[0], entries[i].authors[0])]


def _same_year(item: CitedItem, entry: EntryNames, *, strict: bool) -> bool:
    if item.year is None:
        return entry.year is None and bool(item.undated)
    if entry.year != item.year:
        return False
    if strict:
        return item.suffix == entry.suffix
    # A list that prints no suffixes: "2018a" can still be the only 2018 entry of that author;
    # a citation without one ("Lee 2018") could be any of "Lee 2018a" and "Lee 2018b".
    return not entry.suffix or not item.suffix


def _organisation_matches(names: str, entry: EntryNames) -> bool:
    cited = fold(names)
    if entry.organisation and cited == fold(entry.organisation):
        return True
    return bool(entry.abbreviation and cited == fold(entry.abbreviation))


def _author_count_fits(names: list[str], et_al: bool, entry: EntryNames) -> bool:
    count = None if entry.et_al else len(entry.authors)
    if et_al:
        return count is None or count >= 3
    if len(names) == 1:
        return count == 1
    if count is not None and count != len(names):
        return False
    return all(
        i < len(entry.authors) and same_name(n, entry.authors[i]) for i, n in enumerate(names)
    )


def resolve_all(
    citations: Sequence[Citation], entries: Sequence[EntryNames]
) -> dict[str, list[int]]:
    """Printed item (marker) -> candidate entry indexes, for every item of the citations."""
    found: dict[str, list[int]] = {}
    for citation in citations:
        for item in citation.items:
            if item.printed not in found:  # the same printed item reads the same everywhere
                found[item.printed] = resolve(item, entries)
    return found


def cites_author_year(found: dict[str, list[int]], numbered: int) -> bool:
    """Whether an article cites author-year: it prints more author-year citations that name
    exactly one entry (found: resolve_all's answer) than numbered markers. A list numbered
    only by its rendering, as PMC's plain text of an author-year article, still cites by
    name."""
    return sum(1 for indexes in found.values() if len(indexes) == 1) > numbered


def citation_warnings(
    markers: Sequence[tuple[int, str]], author_year: dict[str, list[int]]
) -> list[str]:
    """One warning per unresolved or ambiguous marker, at its first (line, marker)."""
    warnings: list[str] = []
    seen: set[str] = set()
    for line, marker in markers:
        found = author_year.get(marker, [])
        if marker in seen or len(found) == 1:
            continue
        seen.add(marker)
        if not found:
            warnings.append(
                f"line {line}: citation {marker!r} matches no entry in the reference list"
            )
        else:
            which = ", ".join(str(i + 1) for i in found)
            warnings.append(
                f"line {line}: citation {marker!r} could be reference entries {which}; "
                "an editor must choose"
            )
    return warnings
