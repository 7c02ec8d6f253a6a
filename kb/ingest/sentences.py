"""Sentence boundaries in cleaned text: abbreviations, initials and decimals do not split."""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {
        "e.g", "eg", "i.e", "ie", "vs", "cf", "viz", "approx", "ca", "al", "dr", "mr", "mrs",
        "ms", "prof", "st", "jr", "sr", "figs", "eds", "inc", "ltd", "corp", "dept", "univ",
        "resp", "u.s", "u.k", "e.u", "ph.d", "m.d", "jan", "feb", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
# Abbreviations that only shorten a word before a number: "Fig. 2", "No. 5", "p. 12".
BEFORE_NUMBER = frozenset({"fig", "no", "nos", "vol", "vols", "p", "pp", "ch", "sec", "ref", "eq"})

# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace and
# something that can open a sentence.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+(?P<next>[\"“‘'(\[]*[A-Z0-9À-ÖØ-Þ]))")


def _token_before(text: str, index: int) -> str:
    # Walks back over the token only: a regex over text[:index] would rescan the paragraph at
    # every candidate end.
    begin = index
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:index].lower().lstrip("([\"“‘'")


def _is_abbreviation(text: str, dot: int, next_char: str) -> bool:
    token = _token_before(text, dot)
    if token in ABBREVIATIONS or (token in BEFORE_NUMBER and next_char.isdigit()):
        return True
    if re.fullmatch(r"[^\W\d_]", token):
        return True  # an initial: "J. Smith"
    return bool(re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", token))  # "e.g", "U.S.A"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``; whitespace between sentences is left out."""
    spans: list[tuple[int, int]] = []
    start = 0
    # Bracket depth of text[start:scanned], kept as the scan moves on: recounting from the
    # sentence start at each candidate end made an unclosed "(" cost quadratic time.
    depth, scanned = 0, 0
    for match in _END.finditer(text):
        depth = _depth_after(text, scanned, match.start(), depth)
        scanned = match.start()
        if depth > 0:
            continue  # "(StataCorp. 2009, College Station, TX)" is inside one sentence
        # The first character after the whitespace (taken from the match: stripping the rest of
        # the text at every candidate end copied it, quadratic in the sentences of a paragraph).
        following = match.group("next")[:1]
        if match.group(0).startswith(".") and _is_abbreviation(text, match.start(), following):
            continue
        end = match.end()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
        depth, scanned = 0, end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _depth_after(text: str, start: int, end: int, depth: int) -> int:
    """Bracket depth after text[start:end], from depth (an unmatched closer counts nothing)."""
    for char in text[start:end]:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
    return depth


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
