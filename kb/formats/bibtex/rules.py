"""What kb refuses in a .bib file so that its library always exports a file it reads back.

Plain functions over bytes and strings: the file's encoding (never guessed), the text as a
whole (characters no database stores), citation keys (BibTeX's key characters, the library's
column widths), and how an offending value is shown in a problem message.
"""

from __future__ import annotations

import re
import unicodedata

from kb.formats.text import check_storable as _check_storable
from kb.formats.text import decode_bytes, visible

__all__ = ["check_storable", "key_fault", "read_bib_bytes", "visible"]

# The widths of the library's citekey and entry type columns.
MAX_KEY = 255
MAX_ENTRY_TYPE = 40


def check_storable(text: str, source: str = "<input>") -> None:
    """Raise ImportProblem, with the line, when `text` holds a character no database stores."""
    _check_storable(text, source, "a .bib file")


def read_bib_bytes(data: bytes, encoding: str | None = None, source: str = "<input>") -> str:
    """Decode a .bib file's bytes (UTF-8 unless told otherwise), refusing to guess."""
    return decode_bytes(data, encoding, source, "a .bib file")


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
