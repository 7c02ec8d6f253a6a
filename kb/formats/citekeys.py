"""Citation keys kb makes when a record comes without one: one generator for every format.

A key is the first author's surname, the year and the first title word longer than three
letters, in lower-case ASCII ("costantini2010spinal"); a key already taken gets a letter, then a
number ("costantini2010spinala", ..., "costantini2010spinal28"). Articles' reference lists
(entries an editor adds with --add-missing) and RIS, MEDLINE, PubMed XML and CSL-JSON records
without a usable key all go through here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from kb.formats.bibtex.rules import key_fault

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s")
# A database's accession number: a short letter prefix and a long number (Embase "L2006713348").
_ACCESSION = re.compile(r"[A-Za-z]{0,3}[:_-]?\d{5,}")


def _words(text: str) -> list[str]:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [w for w in _NOT_ALNUM.split(ascii_.lower()) if w]


def surname(name: str) -> str:
    """The family name in an author as kb stores it ("Last, First") or as printed ("Last AB")."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0]
    return _SPACE.split(name, maxsplit=1)[0]


def key_base(authors: Sequence[str], year: int | None, title: str | None) -> str:
    """surname + year + first title word of more than three letters, lower-case ASCII."""
    first = authors[0] if authors else (title or "ref")
    name = "".join(_words(surname(first))) or "ref"
    word = next((w for w in _words(title or "") if len(w) > 3), "untitled")
    return f"{name}{year or ''}{word}"[:200]


def candidate(base: str, n: int) -> str:
    """The n-th key for base (from 1): base, then base with a..z, then base with 28, 29, ..."""
    if n == 1:
        return base
    return f"{base}{chr(ord('a') + n - 2)}" if n <= 27 else f"{base}{n}"


def candidates(base: str, start: int = 1) -> Iterator[str]:
    """base, then base with a..z, then base with 28, 29, ... (from the start-th)."""
    n = start
    while True:
        yield candidate(base, n)
        n += 1


class KeyMaker:
    """Makes keys that none of `taken` uses (compared ignoring case, as BibTeX compares them)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = {k.casefold() for k in taken}
        # Where to start looking for each base: a file of many works by one author in one year
        # would otherwise try every earlier key again for each one.
        self._next: dict[str, int] = {}

    def make(self, authors: Sequence[str], year: int | None, title: str | None) -> str:
        """A new key for this work; it counts as taken from now on."""
        base = key_base(authors, year, title)
        n = self._next.get(base, 1)
        while candidate(base, n).casefold() in self.taken:
            n += 1
        key = candidate(base, n)
        self._next[base] = n + 1
        self.taken.add(key.casefold())
        return key

    def claim(self, key: str) -> None:
        """Count `key`, given by the file, as taken."""
        self.taken.add(key.casefold())


def explicit_key(value: object) -> str | None:
    """A value a file gives as a citation key by name (CSL's citation-key, kb's own tag)."""
    if not isinstance(value, str):
        return None
    key = value.strip()
    return key if key and key_fault(key) is None else None


def usable_key(value: object) -> str | None:
    """A file's own record id when it can serve as a citation key, else None.

    Reference managers that write a citation key into RIS's ID or CSL-JSON's id (JabRef,
    Mendeley, Better BibTeX, kb) write one with letters in it; EndNote and the databases write a
    record or accession number there ("12345", "L2006713348"), and Zotero an item URI: those
    are not keys.
    """
    if not isinstance(value, str):
        return None
    key = value.strip()
    if not key or "/" in key or not _LETTER.search(key) or _ACCESSION.fullmatch(key):
        return None
    if key_fault(key) is not None:
        return None
    return key
