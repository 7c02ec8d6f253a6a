"""The printed reference list: where it starts, how it splits into entries, what each says.

Entries are numbered ("1.", "[1]", "1)") or not. Unnumbered entries are split at type-label
lines ("Research", "Guideline", ...) when the page prints them, otherwise at blank lines or
bullets, otherwise one per line. Each entry is read as Vancouver ("Authors. Title. Journal
Year;Vol(Issue):pages. pmid:... doi:...") or as the answer-page layout (a title line, then
"Journal, Year"); whatever cannot be read stays ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.ingest.authornames import read_author_year_layout
from kb.ingest.records import RefEntry

REFERENCE_HEADING = re.compile(
    r"\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:references?(?: list)?|bibliography|sources?|"
    r"works cited|literature(?: cited)?|cited literature|citations)\s*:?\s*(?:\*\*|__)?\s*",
    re.IGNORECASE,
)
TYPE_LABELS = frozenset(
    {
        "research", "guideline", "guidelines", "practice guideline", "clinical guideline",
        "review", "systematic review", "meta-analysis", "narrative review", "study",
        "clinical trial", "randomized controlled trial", "rct", "cohort study",
        "observational study", "case report", "case series", "expert opinion",
        "consensus statement", "position statement", "book", "book chapter", "textbook",
        "website", "web page", "news", "article", "journal article", "report",
        "government report", "drug label", "fda label", "preprint",
    }
)  # fmt: skip
MAX_ENTRY_CHARS = 4000
NUMBERED_ENTRY = re.compile(r"\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+(?=\S)")
# A line that goes on with the entry above it: it starts with a lower-case word that is not a
# name's particle ("treatment of chronic pain ...") or a web address, or with a number.
_CONTINUES = re.compile(
    r"\s*(?:\d|(?!(?:(?:van|von|de|der|den|del|della|di|da|du|la|le|ten|ter)\s+)+[A-Z]|"
    r"https?:|www\.)[a-z])"
)
_BULLET = re.compile(r"\s*[-*+•·▪●◦‣–—]\s+")
_DOI = re.compile(
    r"(?:\bdoi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE
)
_PMID = re.compile(r"\bpmid\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\bpmcid\s*:?\s*pmc\d+\b|\bpmc\d{4,}\b", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_YEAR = r"(?:1[89]|20)\d{2}"
_VANCOUVER = re.compile(
    rf"(?P<year>{_YEAR})[a-z]?(?:\s+[A-Z][a-z]{{2,8}}\.?(?:\s*[-–]\s*[A-Z][a-z]{{2,8}})?"
    rf"(?:\s+\d{{1,2}})?)?\s*;\s*(?P<volume>[^():;\s][^():;]*?)?\s*(?:\((?P<issue>[^)]*)\))?"
    r"\s*(?::\s*(?P<pages>[A-Za-z]*\d+[A-Za-z]*(?:\s*[-–]\s*[A-Za-z]*\d+[A-Za-z]*)?))?"
    r"(?=[.;,\s]|$)"
)
_JOURNAL_YEAR = re.compile(rf"(?P<journal>[^\d].*?)\s*[,.]\s*(?P<year>{_YEAR})\.?")
_CAP = "A-ZÀ-ÖØ-Þ"
_AUTHOR = re.compile(  # "Costantini A", "Van Buyten JP", "de la Cruz M", "Ozcan-Eksi EE"
    rf"(?:[a-z]{{1,3}}\s+){{0,2}}[{_CAP}][\w'’\-]*"
    rf"(?:\s+(?:[a-z]{{1,3}}\s+)?[{_CAP}][\w'’\-]*){{0,2}}\s+[A-Z]{{1,4}}\.?"
)


@dataclass
class RawEntry:
    """An entry's printed lines before they are read."""

    line: int
    lines: list[str]
    number: int | None = None
    type_label: str | None = None
    wrapped: bool = False  # the lines are one printed line wrapped, not separate printed lines


def is_reference_heading(line: str) -> bool:
    """True for a line that opens the reference list ("References", "## Sources", ...)."""
    return bool(REFERENCE_HEADING.fullmatch(line))


def type_label(line: str) -> str | None:
    """The type label a line prints on its own ("Research"), as printed, or None."""
    bare = line.strip().strip("*_").strip().rstrip(":").strip()
    return bare if bare.lower() in TYPE_LABELS else None


def split_entries(lines: list[tuple[int, str]]) -> list[RawEntry]:
    """Group the reference section's (line number, text) pairs into entries."""
    content = [(n, t) for n, t in lines if t.strip()]
    if not content:
        return []
    if any(NUMBERED_ENTRY.match(t) for _, t in content):
        return _split_numbered(content)
    if any(type_label(t) for _, t in content):
        return _split_labelled(content)
    if any(_BULLET.match(t) for _, t in content):
        return _split_at(content, lambda t: bool(_BULLET.match(t)))
    first = next(i for i, (_, t) in enumerate(lines) if t.strip())
    last = max(i for i, (_, t) in enumerate(lines) if t.strip())
    if len(content) < last - first + 1:  # blank lines between them separate entries
        return _split_paragraphs(lines)
    if any(_CONTINUES.match(t) for _, t in content[1:]):  # entries wrapped over lines
        return _split_at(content, lambda t: not _CONTINUES.match(t))
    return [RawEntry(n, [t.strip()]) for n, t in content]


def _split_numbered(content: list[tuple[int, str]]) -> list[RawEntry]:
    entries: list[RawEntry] = []
    for n, text in content:
        match = NUMBERED_ENTRY.match(text)
        if match:
            number = int(match.group(1) or match.group(2))
            entries.append(RawEntry(n, [text[match.end() :].strip()], number, wrapped=True))
        elif entries:
            entries[-1].lines.append(text.strip())
        else:
            entries.append(RawEntry(n, [text.strip()]))
    return entries


def _split_labelled(content: list[tuple[int, str]]) -> list[RawEntry]:
    entries: list[RawEntry] = []
    for n, text in content:
        label = type_label(text)
        if label:
            entries.append(RawEntry(n, [], type_label=label))
        elif entries:
            entries[-1].lines.append(_BULLET.sub("", text, count=1).strip())
        else:
            entries.append(RawEntry(n, [text.strip()]))
    return [e for e in entries if e.lines]


def _split_at(content: list[tuple[int, str]], starts: Callable[[str], bool]) -> list[RawEntry]:
    entries: list[RawEntry] = []
    for n, text in content:
        if starts(text) or not entries:
            entries.append(RawEntry(n, [_BULLET.sub("", text, count=1).strip()], wrapped=True))
        else:
            entries[-1].lines.append(text.strip())
    return entries


def _split_paragraphs(lines: list[tuple[int, str]]) -> list[RawEntry]:
    entries: list[RawEntry] = []
    fresh = True
    for n, text in lines:
        if not text.strip():
            fresh = True
        elif fresh:
            entries.append(RawEntry(n, [text.strip()]))
            fresh = False
        else:
            entries[-1].lines.append(text.strip())
    return entries


def join_lines(lines: list[str]) -> str:
    """An entry's lines as one text; a line without closing punctuation gets a period."""
    parts = [line.strip() for line in lines if line.strip()]
    joined = ""
    for part in parts:
        if joined and not re.search(r"[.!?;:,]$", joined):
            joined += "."
        joined = f"{joined} {part}" if joined else part
    return joined


def parse_reference_entry(
    text: str,
    *,
    line: int = 0,
    number: int | None = None,
    type_label: str | None = None,
    wrapped: bool = False,
) -> RefEntry:
    """Read one printed reference into a RefEntry's fields.

    Several lines are read as separate printed lines (title, then "Journal, Year") unless
    ``wrapped`` says they are one entry wrapped over lines.
    """
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if wrapped and lines:
        lines = [" ".join(lines)]
    if lines and number is None:
        match = NUMBERED_ENTRY.match(lines[0])
        if match:
            number = int(match.group(1) or match.group(2))
            lines[0] = lines[0][match.end() :].strip()
    lines = [_BULLET.sub("", ln, count=1) for ln in lines]
    flat = join_lines(lines)
    entry = RefEntry(number=number, text=flat, type_label=type_label, line=line)
    if len(flat) > MAX_ENTRY_CHARS:
        return entry  # not a reference entry; reading it would only cost time
    doi = _DOI.search(flat)
    if doi:
        entry.doi = doi.group(1).rstrip(".,;)]")
    pmid = _PMID.search(flat)
    if pmid:
        entry.pmid = pmid.group(1)
    if len(lines) >= 2 and _read_layout(entry, [_strip_ids(ln) for ln in lines]):
        return entry
    harvard = read_author_year_layout(_strip_ids(flat))  # the year after the authors
    if harvard is not None:
        entry.authors, entry.year = list(harvard.authors), harvard.year
        entry.title, entry.journal = harvard.title, harvard.journal
        return entry
    _read_vancouver(entry, _strip_ids(flat))
    return entry


def _strip_ids(text: str) -> str:
    for pattern in (_DOI, _PMID, _PMCID, _URL):
        text = pattern.sub("", text)
    text = re.sub(r"\b(?:available (?:at|from)|accessed|cited)\b.*$", "", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip(" .;,")


def _read_layout(entry: RefEntry, lines: list[str]) -> bool:
    """Answer-page layout: title line(s), then a "Journal, Year" line."""
    lines = [ln for ln in lines if ln]
    if len(lines) < 2:
        return False
    last = _JOURNAL_YEAR.fullmatch(lines[-1].strip())
    if not last or ";" in lines[-1]:
        return False
    head = lines[:-1]
    if len(head) >= 2 and _authors(head[0].rstrip(".")):
        entry.authors = _authors(head[0].rstrip(".")) or []
        head = head[1:]
    entry.title = _clean_title(" ".join(head))
    entry.journal = last.group("journal").strip(" .,")
    entry.year = int(last.group("year"))
    return True


def _read_vancouver(entry: RefEntry, core: str) -> None:
    match = _VANCOUVER.search(core)
    if match:
        entry.year = int(match.group("year"))
        entry.volume = (match.group("volume") or "").strip() or None
        entry.issue = (match.group("issue") or "").strip() or None
        entry.pages = (match.group("pages") or "").replace(" ", "") or None
        segments = _segments(core[: match.start()])
        if segments:
            entry.journal = segments.pop().strip(" .,") or None
    else:
        tail = _JOURNAL_YEAR.fullmatch(_segments(core)[-1]) if _segments(core) else None
        if tail and len(_segments(core)) >= 2:
            segments = _segments(core)[:-1]
            entry.journal = tail.group("journal").strip(" .,")
            entry.year = int(tail.group("year"))
        else:
            segments = _segments(core)
            year = re.search(rf"(?<!\d){_YEAR}(?!\d)", core)
            entry.year = int(year.group(0)) if year else None
    if not segments:
        return
    names = _authors(segments[0])
    if names is not None and (len(segments) >= 2 or entry.journal):
        entry.authors = names
        segments = segments[1:]
    elif len(segments) >= 3:
        entry.authors = [segments[0]]  # a corporate author: "National Audit Office"
        segments = segments[1:]
    entry.title = _clean_title(join_lines(segments))


def _segments(text: str) -> list[str]:
    """Split at ". " (and "? "/"! ") but not after "vs.", "e.g.", "i.e.", "Dr."."""
    pieces = re.split(r"(?<=[.?!])\s+(?=[A-Z0-9\[(\"“‘'])", text.strip())
    merged: list[str] = []
    for piece in pieces:
        if merged and re.search(r"\b(?:vs|e\.g|i\.e|cf|Dr|St)\.$", merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [p.strip().rstrip(".").strip() for p in merged if p.strip().rstrip(".").strip()]


def _authors(segment: str) -> list[str] | None:
    """Vancouver author list -> names ("et al" dropped); None when it is not one."""
    if len(segment) > 600:
        return None
    parts = [
        p.strip()
        for p in re.split(r",\s*|\s+(?:and|&)\s+|\s+(?=et\.? al\b)", segment.strip(" ."))
        if p.strip()
    ]
    names = [p for p in parts if not re.fullmatch(r"et\.? al\.?", p, re.IGNORECASE)]
    if not names or not all(len(n) <= 60 and _AUTHOR.fullmatch(n) for n in names):
        return None
    return [n.rstrip(".") for n in names]


def _clean_title(title: str) -> str | None:
    title = re.sub(r"\s+", " ", title).strip(" .")
    return title or None
