"""Names and years of a printed reference-list entry, and how two printed names compare.

An entry is read in the three layouts author-year lists use:

* APA / Harvard: "Smith, J. A., & Jones, B. (2019a). Title. Journal ..." or
  "Smith J, Jones B, 2019. Title ...";
* Vancouver with names: "Adolf B, Chapouton P, Lam CS. Title. Dev Biol 2006;295:278-293.";
* a corporate author: "World Health Organization (WHO). 2021. Report ..." or
  "American Cancer Society. Cancer Facts & Figures 2007. Atlanta: ACS; 2007."

Names are compared accent- and case-folded, apostrophes and hyphens ignored ("O’Brien" =
"OBrien", "Feldt-Rasmussen" = "Feldt Rasmussen"), and with particles optional on either side
("van der Berg" = "Berg" = "Van der Berg"). Folding uses the standard library's decomposition
plus a table for the few Latin letters that do not decompose (æ, ø, ß, ł, ...): no dependency
is needed for that, and names in other scripts are compared as printed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "AuthorYearLayout",
    "EntryNames",
    "fold",
    "parse_entry_names",
    "read_author_year_layout",
    "same_name",
]

_NON_DECOMPOSING = str.maketrans(
    {"æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ß": "ss", "ł": "l",
     "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"}
)  # fmt: skip
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "dos",
     "das", "ten", "ter", "zu", "y", "d", "l", "st"}
)  # fmt: skip
MAX_ENTRY_CHARS = 4000
_YEAR = r"(?:1[6-9]|20)\d{2}"
_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_INITIALS_V = re.compile(rf"[{_UP}]{{1,4}}(?:-[{_UP}])?")  # Vancouver "JA", "J-P"
_INITIALS_APA = re.compile(rf"(?:[{_UP}]\.\s*-?\s*)+")  # APA "J. A.", "J.-P."
_PAREN_YEAR = re.compile(rf"\(\s*(?P<year>{_YEAR})(?P<suffix>[a-z]?)\s*(?:,[^)]*)?\)")
_HARVARD_YEAR = re.compile(rf"[,.]?\s+(?P<year>{_YEAR})(?P<suffix>[a-z]?)\.\s")
_VANCOUVER_YEAR = re.compile(rf"(?<!\d)(?P<year>{_YEAR})(?P<suffix>[a-z]?)(?=\s*[;:(]|\.?\s*$)")
_ANY_YEAR = re.compile(rf"(?<!\d)(?P<year>{_YEAR})(?P<suffix>[a-z]?)(?![\d\w])")
_UNDATED = re.compile(r"\(\s*(?:n\.\s?d\.|in press|forthcoming)\s*\)", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^(?P<name>.+?)\s*\((?P<abbr>[A-Z][A-Za-z&.\-]{1,15})\)\s*$")


@dataclass(frozen=True)
class EntryNames:
    """Who wrote an entry and when, as an author-year citation names them."""

    authors: tuple[str, ...]  # surnames in printed order; empty for a corporate author
    year: int | None
    suffix: str = ""  # "a" of "2019a"
    et_al: bool = False  # the list is cut short ("et al."), so its length is not known
    organisation: str | None = None  # "World Health Organization"
    abbreviation: str | None = None  # "WHO", when the entry prints it in parentheses


@lru_cache(maxsize=8192)  # a list's names are compared with every citation's
def fold(name: str) -> str:
    """Accent-, case-, apostrophe- and hyphen-folded form of a name: 'O’Brien' -> 'obrien'."""
    text = unicodedata.normalize("NFKD", name.translate(_NON_DECOMPOSING))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’‘`´.]", "", text)
    return re.sub(r"[\s\-‐‑–]+", " ", text).strip()


@lru_cache(maxsize=8192)
def _core(name: str) -> str:
    words = fold(name).split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return "".join(words)


def same_name(cited: str, printed: str) -> bool:
    """Two printed surnames name the same person (particles optional on either side)."""
    a, b = fold(cited), fold(printed)
    return a.replace(" ", "") == b.replace(" ", "") or _core(cited) == _core(printed)


def _year(text: str) -> tuple[int | None, str, int]:
    """(year, suffix, where the author part ends) of an entry's text."""
    for pattern in (_PAREN_YEAR, _HARVARD_YEAR):
        match = pattern.search(text)
        if match and match.start() < 400:
            return int(match.group("year")), match.group("suffix"), match.start()
    undated = _UNDATED.search(text)
    if undated and undated.start() < 400:
        return None, "", undated.start()
    head_end = _vancouver_head_end(text)
    for pattern in (_VANCOUVER_YEAR, _ANY_YEAR):
        match = pattern.search(text, head_end)
        if match:
            return int(match.group("year")), match.group("suffix"), head_end
    return None, "", head_end


def _vancouver_head_end(text: str) -> int:
    """The end of 'Adolf B, Chapouton P, Lam CS.': the first '. ' not after an APA initial."""
    for match in re.finditer(r"\.\s+(?=\S)", text):
        before = text[max(0, match.start() - 80) : match.start()]  # a name is shorter
        if re.search(rf"(?:^|[\s,.\-])[{_UP}]$", before) and re.search(r",\s*\S+$", before):
            continue  # "Smith, J. A., Jones" (initials of an APA name)
        return match.start()
    return len(text)


def _split_authors(head: str) -> tuple[list[str], bool] | None:
    """Surnames of a person-author list, or None when it prints no initials (an organisation)."""
    et_al = bool(re.search(r"\bet\.?\s*al\b\.?", head, re.IGNORECASE))
    head = re.sub(r",?\s*\bet\.?\s*al\b\.?", "", head, flags=re.IGNORECASE)
    parts = [p.strip() for p in re.split(r"\s*[,;]\s*|\s+(?:and|&)\s+|^&\s*", head) if p.strip()]
    parts = [re.sub(r"^(?:and|&)\s+", "", p) for p in parts]
    surnames: list[str] = []
    initials = 0
    for part in parts:
        if _INITIALS_APA.fullmatch(part) or re.fullmatch(rf"[{_UP}]{{1,3}}", part):
            initials += 1  # "J. A." after "Smith," (APA) or "JA" standing alone
            continue
        words = part.split()
        if len(words) >= 2 and _INITIALS_V.fullmatch(words[-1].rstrip(".")):
            surnames.append(" ".join(words[:-1]))  # Vancouver "Van Buyten JP"
            initials += 1
        elif len(words) >= 2 and _INITIALS_APA.fullmatch(" ".join(words[1:]) + " "):
            surnames.append(words[0])  # "Smith J. A." without the comma
            initials += 1
        else:
            surnames.append(part)
    if not initials or not surnames:
        return None
    return surnames, et_al


def parse_entry_names(text: str) -> EntryNames:
    """An unnumbered reference entry's authors (or organisation), year and suffix."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) > MAX_ENTRY_CHARS:
        return EntryNames((), None)  # not a reference entry; reading it would only cost time
    year, suffix, head_end = _year(flat)
    head = flat[:head_end].strip(" .,")
    split = _split_authors(head) if head else None
    if split is not None:
        surnames, et_al = split
        return EntryNames(tuple(surnames), year, suffix, et_al)
    organisation = head.split(". ")[0].strip(" .") if head else None
    abbreviation = None
    if organisation:
        found = _ABBREVIATION.match(organisation)
        if found:
            organisation, abbreviation = found.group("name").strip(" ,"), found.group("abbr")
    return EntryNames((), year, suffix, False, organisation or None, abbreviation)


@dataclass(frozen=True)
class AuthorYearLayout:
    """An APA or Harvard entry read whole: authors as printed, year, title, journal."""

    authors: tuple[str, ...]  # "Smith, J. A.", or the organisation
    year: int
    title: str | None
    journal: str | None


_NAME_WORD = re.compile(rf"(?:[{_UP}][\w'’\-]*|(?:van|von|der|den|de|del|la|le|da|di|du))")


def read_author_year_layout(text: str) -> AuthorYearLayout | None:
    """ "Smith, J. A., & Jones, B. (2019). Title. Journal, 1(2), 3-4." or "McMichael, A.J. and
    Potter, J.D., 1980. Title. Journal, 65, pp.1-7.": the year follows the author list, not
    the journal as in Vancouver. None when the entry is not laid out so."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) > MAX_ENTRY_CHARS:
        return None
    match = next((m for p in (_PAREN_YEAR, _HARVARD_YEAR) if (m := p.search(flat))), None)
    if match is None or match.start() > 400:
        return None
    head = flat[: match.start()].strip(" ,")
    authors = _printed_authors(head)
    if not authors:
        return None
    rest = re.sub(r"^[\s.,:]+", "", flat[match.end() :])
    pieces = [p.strip(" .") for p in re.split(r"(?<=[.?!])\s+(?=[A-Z0-9\[(“\"'])", rest)]
    pieces = [p for p in pieces if p]
    title = pieces[0] if pieces else None
    journal = None
    if len(pieces) > 1:  # "Journal, 1(2), 3-4", "Journal, 65, pp.1-7", "J Things 3:4"
        journal = re.split(r",\s*(?=\d|\(|pp?\.|vol)|\s+(?=\d)", pieces[1])[0].strip()
    if journal and re.match(r"[^,:]{2,40}:\s", journal):
        journal = None  # "Geneva: WHO", "Atlanta: American Cancer Society": a publisher
    return AuthorYearLayout(tuple(authors), int(match.group("year")), title, journal or None)


def _printed_authors(head: str) -> list[str]:
    """'Smith, J. A., & Jones, B.' -> ['Smith, J. A.', 'Jones, B.']; an organisation alone."""
    bare = re.sub(r",?\s*\bet\.?\s*al\b\.?", "", head, flags=re.IGNORECASE).strip(" ,")
    if bare.endswith(".") and not re.search(rf"(?:^|[\s,.\-])[{_UP}]\.$", bare):
        bare = bare[:-1]  # "Society." but not the initial of "Jones, B."
    parts = [p for p in re.split(r"\s*,\s*(?:&\s*|and\s+)?|\s+(?:and|&)\s+", bare) if p]
    names: list[str] = []
    for part in parts:
        if (_INITIALS_APA.fullmatch(part + " ") or _INITIALS_V.fullmatch(part)) and names:
            names[-1] = f"{names[-1]}, {part}"
            continue
        words = part.split()
        if not words or len(words) > 6 or not all(_NAME_WORD.fullmatch(w) for w in words[:-1]):
            return []
        names.append(part)
    people = [n for n in names if "," in n or _INITIALS_V.fullmatch(n.split()[-1])]
    if people and len(people) != len(names):
        return []  # a name without initials among people: not an author list
    if not people and (len(names) != 1 or len(names[0].split()) > 8):
        return []
    return names
