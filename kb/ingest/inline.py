r"""Markdown and HTML decoration inside a line, taken out as the reader never sees it.

inline_text() drops images, keeps a link's text, drops tags (but <sup>), unwraps emphasis twice
(``***both***``) and drops backticks. It gives what these substitutions give, one after the
other (tests/test_ingest_linear.py keeps them as the oracle):

* ``!\[[^\]]*\]\([^)]*\)`` -> nothing;
* ``\[(?![\d\s,;–-]+\])([^\]]+)\]\([^)\s]*\)`` -> the link's text (a bracketed number
  list is a citation marker, never a link);
* ``</?(?!sup\b)[a-zA-Z][^<>]*>`` -> nothing;
* ``(\*\*|__)(?=\S)(.+?)(?<=\S)\1`` or ``(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?!\w)``
  -> the text inside.

A regular expression tries every ``![``, ``[``, ``**`` and ``__`` in turn and scans the rest of
the line for its closing, so a line of N that are never closed cost N² (4,000 unclosed ``**``
took 1.8 s, 4x as many 16x as long). Here the closings are found once per line, and the one
each opening reaches is looked up by bisection. (The tag pattern stays: its scan stops at the
next ``<``.)
"""

from __future__ import annotations

import re
from bisect import bisect_left

__all__ = ["inline_text"]

_TAG = re.compile(r"</?(?!sup\b)[a-zA-Z][^<>]*>")
_IMAGE_OPENING = re.compile(r"!\[")
_LINK_OPENING = re.compile(r"\[")
_NUMBER_LIST = re.compile(r"\[[\d\s,;–-]+\]")  # "[1, 3]": a marker, not a link's text
_CLOSE_BRACKET = re.compile(r"\]")
_CLOSE_PAREN = re.compile(r"\)")
_LINK_TARGET_END = re.compile(r"[)\s]")  # a link's target runs to ")" and has no space
_NEWLINE = re.compile(r"\n")
_EMPHASIS_MARK = re.compile(r"[*_]")
_STRONG_OPENING = re.compile(r"(\*\*|__)(?=\S)")
_STRONG_CLOSINGS = {"**": re.compile(r"(?<=\S)(?=\*\*)"), "__": re.compile(r"(?<=\S)(?=__)")}
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?!\w)")  # stops at the next *


class _Positions:
    """Where a pattern matches in a text, and the first of those places at or after an offset."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.at = [match.start() for match in pattern.finditer(text)]

    def first(self, offset: int) -> int | None:
        i = bisect_left(self.at, offset)
        return self.at[i] if i < len(self.at) else None


def inline_text(text: str) -> str:
    """Drop Markdown/HTML decoration the reader does not see (keeps <sup> and [n] markers)."""
    text = _drop_images(text)
    text = _keep_link_text(text)
    text = _TAG.sub("", text)
    for _ in range(2):
        text = _unwrap_emphasis(text)
    return text.replace("`", "")


def _drop_images(text: str) -> str:
    """``![alt](target)`` -> nothing."""
    if "![" not in text:
        return text
    brackets, parens = _Positions(_CLOSE_BRACKET, text), _Positions(_CLOSE_PAREN, text)
    kept, last = [], 0
    for opening in _IMAGE_OPENING.finditer(text):
        start = opening.start()
        if start < last:
            continue  # inside the image just dropped
        close = brackets.first(start + 2)
        if close is None:
            break  # no "]" from here on: no image either
        if text[close + 1 : close + 2] != "(":
            continue
        end = parens.first(close + 2)
        if end is None:
            break  # no ")" from here on
        kept.append(text[last:start])
        last = end + 1
    kept.append(text[last:])
    return "".join(kept)


def _keep_link_text(text: str) -> str:
    """``[text](target)`` -> text."""
    if "[" not in text:
        return text
    brackets, target_ends = _Positions(_CLOSE_BRACKET, text), _Positions(_LINK_TARGET_END, text)
    kept, last = [], 0
    for opening in _LINK_OPENING.finditer(text):
        start = opening.start()
        if start < last or _NUMBER_LIST.match(text, start):
            continue
        close = brackets.first(start + 1)
        if close is None:
            break  # no "]" from here on: no link either
        if close == start + 1 or text[close + 1 : close + 2] != "(":
            continue
        end = target_ends.first(close + 2)
        if end is None or text[end] != ")":
            continue
        kept += [text[last:start], text[start + 1 : close]]
        last = end + 1
    kept.append(text[last:])
    return "".join(kept)


def _unwrap_emphasis(text: str) -> str:
    """``**text**``, ``__text__``, ``*text*`` -> text, tried in that order at each mark."""
    if "*" not in text and "_" not in text:
        return text
    closings = {mark: _Positions(pattern, text) for mark, pattern in _STRONG_CLOSINGS.items()}
    newlines = _Positions(_NEWLINE, text)
    kept, last = [], 0
    for mark in _EMPHASIS_MARK.finditer(text):
        start = mark.start()
        if start < last:
            continue
        end, inner = 0, ""
        strong = _STRONG_OPENING.match(text, start)
        if strong:
            # The first closing past one character of text, on the same line ("." stops at \n).
            close = closings[strong[1]].first(start + 3)
            newline = newlines.first(start + 2)
            if close is not None and (newline is None or close < newline):
                end, inner = close + 2, text[start + 2 : close]
        if not end and text[start] == "*" and (italic := _ITALIC.match(text, start)):
            end, inner = italic.end(), italic[1]
        if end:
            kept += [text[last:start], inner]
            last = end
    kept.append(text[last:])
    return "".join(kept)
