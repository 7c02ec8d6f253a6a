"""BibTeX value expressions: braced and quoted literals, numbers, macros and `#` concatenation.

A raw value keeps what the file says so an export round-trips: a braced or quoted value is kept
as its text without the delimiters; a value written as an expression (a macro `jan`, a number
`2014`, a concatenation `a # " " # b`) is kept verbatim behind the BARE marker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import bibtexparser
from bibtexparser.model import Entry

# Marks a raw value that is a BibTeX expression (macro, number, `#` concatenation) rather than
# text. A private-use character: it cannot come from a real file by accident, and unlike NUL it
# survives PostgreSQL text columns and JSON.
BARE = "\ue000"

# Braces the splitter counts: it ignores backslash-escaped ones, so must we to agree with it.
_BRACE = re.compile(r"(?<!\\)[{}]")
_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')
_BARE_TOKEN = re.compile(r'[^\s#{}"]+')


class BadValue(ValueError):
    """A value expression that cannot be read; the message says why, for a problem report."""


def _brace_end(text: str, start: int) -> int:
    """Index of the `}` closing the `{` at `start`, or -1."""
    depth = 0
    for m in _BRACE.finditer(text, start):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _quote_end(text: str, start: int) -> int:
    """Index of the `"` closing the one at `start` (quotes inside braces don't count), or -1."""
    depth = 0
    for m in _BRACE_OR_QUOTE.finditer(text, start + 1):
        char = m.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            return m.start()
    return -1


# An innermost {group}; removing these repeatedly leaves no brace iff the text nests properly.
_INNER_GROUP = re.compile(r"\{[^{}]*\}")


def _closed_groups(text: str) -> bool:
    """True when every brace in `text` is closed inside it (so `{text}` is one literal)."""
    if "\\{" in text or "\\}" in text:
        return balanced(text)  # escaped braces: only the exact scan counts them right
    for _ in range(4):  # protective braces rarely nest deeper; the exact scan takes over
        text, found = _INNER_GROUP.subn("", text)
        if not found:
            break
    if "{" not in text and "}" not in text:
        return True
    return balanced(text)


def balanced(text: str) -> bool:
    """True when every brace in text closes, in order."""
    depth = 0
    for m in _BRACE.finditer(text):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _tokens(value: str) -> list[tuple[str, str]] | None:
    """Split a value expression into ("{", text), ('"', text), ("n", digits), ("m", name)."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(value)
    while i < n:
        char = value[i]
        if char.isspace() or char == "#":
            i += 1
        elif char == "{":
            end = _brace_end(value, i)
            if end < 0:
                return None
            tokens.append(("{", value[i + 1 : end]))
            i = end + 1
        elif char == '"':
            end = _quote_end(value, i)
            if end < 0:
                return None
            tokens.append(('"', value[i + 1 : end]))
            i = end + 1
        elif char == "}":
            # Only an entry delimited by parentheses lets one through: `author = Smith}`.
            # Written back between braces it would end the entry, so it is refused.
            raise BadValue("a closing brace '}' that no opening brace matches")
        else:
            m = _BARE_TOKEN.match(value, i)
            assert m is not None  # char is none of the excluded ones
            word = m.group()
            tokens.append(("n" if word.isdigit() else "m", word))
            i = m.end()
    return tokens


def _literal(text: str, value: str) -> tuple[str, str, list[str]]:
    # Text that itself starts with the marker is kept as its expression, or it would be
    # written back as a bare expression.
    if text.startswith(BARE):
        return BARE + value, text, []
    if text.endswith("\\"):
        # Written back as {text\} or "text\", the backslash would escape the closing
        # delimiter for the splitter (only a @string's quotes let one through).
        raise BadValue("a backslash just before its closing delimiter")
    return text, text, []


def _reads_back(value: str) -> bool:
    """True when `value`, written as it is into an entry, is split off as the same value."""
    blocks = bibtexparser.parse_string(f"@misc{{k, f = {value}}}", parse_stack=[]).blocks
    if len(blocks) != 1 or not isinstance(blocks[0], Entry):
        return False
    fields = blocks[0].fields
    return len(fields) == 1 and fields[0].value == value


def read_value(value: str, macros: Mapping[str, str]) -> tuple[str, str, list[str]]:
    """(raw, expanded, undefined macro names) for a value as the splitter cut it.

    Raises BadValue for a value that could not be written back as it was read.
    """
    # Fast paths first: nearly every field is one braced or quoted literal.
    if "#" not in value and len(value) >= 2:
        first, last = value[0], value[-1]
        if first == "{" and last == "}":
            inner = value[1:-1]
            if ("{" not in inner and "}" not in inner) or _closed_groups(inner):
                return _literal(inner, value)
        elif first == '"' and last == '"':
            inner = value[1:-1]
            if '"' not in inner and "{" not in inner and "}" not in inner:
                return _literal(inner, value)
    if value.isdigit():
        return BARE + value, value, []
    tokens = _tokens(value)
    if tokens is None:
        # Unbalanced: kept verbatim and shown as written when it reads back the same (such as
        # "a{b"), refused when it would end the entry or swallow the next field (\{a} in an
        # entry delimited by parentheses).
        if not _reads_back(value):
            raise BadValue("braces or quotes that do not pair up")
        return BARE + value, value, []
    if len(tokens) == 1 and tokens[0][0] == "{":
        return _literal(tokens[0][1], value)
    if len(tokens) == 1 and tokens[0][0] == '"':
        text = tokens[0][1]
        if balanced(text) or '"' not in text:  # value_expression writes it back the same way
            return _literal(text, value)
    parts: list[str] = []
    undefined: list[str] = []
    for kind, text in tokens:
        if kind == "m":
            expansion = macros.get(text.lower())
            if expansion is None:
                undefined.append(text)
                expansion = text  # show the name rather than nothing, as a hint
            parts.append(expansion)
        else:
            parts.append(text)
    return BARE + value, "".join(parts), undefined


def expand_raw(raw: str, macros: Mapping[str, str]) -> tuple[str, list[str]]:
    """Expanded text of a value in raw_fields form (used for caller-supplied macros)."""
    if raw.startswith(BARE):
        try:
            _, expanded, undefined = read_value(raw[len(BARE) :], macros)
        except BadValue:  # stored before such values were refused: show it as written
            return raw[len(BARE) :], []
        return expanded, undefined
    return raw, []


def macro_names(raw: str) -> list[str]:
    """The macro names a value in raw_fields form uses (none for plain text)."""
    if not raw.startswith(BARE):
        return []
    try:
        tokens = _tokens(raw[len(BARE) :])
    except BadValue:
        return []
    return [text for kind, text in tokens or () if kind == "m"]


def value_expression(raw: str) -> str:
    """The BibTeX expression that writes a raw value back: `{text}` or the bare expression."""
    if raw.startswith(BARE):
        return raw[len(BARE) :]
    if balanced(raw):
        return "{" + raw + "}"
    if '"' not in raw:
        return '"' + raw + '"'  # braces inside quotes need not balance
    # Neither delimiter can hold it as is; drop the stray braces rather than write a broken file.
    return "{" + _BRACE.sub("", raw) + "}"
