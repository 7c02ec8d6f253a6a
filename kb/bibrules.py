"""What kb refuses in a .bib text so that its library always exports a file it reads back.

Plain functions over strings: the text as a whole (characters no database stores), citation
keys (BibTeX's key characters, the library's column widths), and how an offending value is
shown in a problem message.
"""

from __future__ import annotations

import re
import unicodedata

from kb.errors import ImportProblem

# The widths of the library's citekey and entry type columns.
MAX_KEY = 255
MAX_ENTRY_TYPE = 40

# NUL is refused by PostgreSQL text and JSON; a lone surrogate cannot be encoded at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_storable(text: str, source: str = "<input>") -> None:
    """Raise ImportProblem, with the line, when `text` holds a character no database stores."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    if found.group() == "\x00":
        what = "a NUL character; a .bib file is text (one saved as UTF-16 needs --encoding utf-16)"
    else:
        what = f"the lone surrogate U+{ord(found.group()):04X}; check the --encoding given"
    raise ImportProblem(f"{source}, line {line}: {what}.")


def visible(text: str, limit: int = 60) -> str:
    """`text` for a message: invisible and control characters escaped, long text cut."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# BibTeX ends a key at whitespace or a comma, and biber also at `%`, `#` and `=`; braces and
# quotes delimit values; `<`, `>`, quotes and the backslash have no place in a key that is
# pasted into LaTeX or a web page. Letters of any script are fine (biber reads UTF-8 keys).
_KEY_FORBIDDEN = frozenset("{}\"'`<>#%,=\\")
KEY_RULE = (
    "a key may not contain whitespace, braces, quotes, <, >, #, %, a comma, = or a backslash, "
    "nor invisible or control characters"
)


def key_fault(key: str) -> str | None:
    """Why `key` is not a usable citation key, or None when it is."""
    if len(key) > MAX_KEY:
        return f"it is {len(key)} characters long; kb keeps keys of at most {MAX_KEY}"
    for char in key:
        if char in _KEY_FORBIDDEN or unicodedata.category(char)[0] in "CZ" or char.isspace():
            name = unicodedata.name(char, "")
            shown = f"'{char}' " if char.isprintable() and char != " " else ""
            return f"it contains {shown}U+{ord(char):04X}" + (f" {name}" if name else "")
    return None


# Free text right after an entry that starts like a field: `, year = {2000}` or `year = 2000`.
LOOKS_LIKE_FIELDS = re.compile(r"\s*(?:,|[^\s=,{}\"#%()]+\s*=)")
