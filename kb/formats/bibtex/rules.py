"""What kb refuses in a .bib file so that its library always exports a file it reads back.

Plain functions over bytes and strings: the file's encoding (never guessed), the text as a
whole (characters no database stores), citation keys (BibTeX's key characters, the library's
column widths), and how an offending value is shown in a problem message.
"""

from __future__ import annotations

import codecs
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


def read_bib_bytes(data: bytes, encoding: str | None = None, source: str = "<input>") -> str:
    """Decode a .bib file's bytes (UTF-8 unless told otherwise), refusing to guess."""
    if encoding is None:
        codec = "utf-8"
    else:
        try:
            info: codecs.CodecInfo | None = codecs.lookup(encoding)
        except LookupError:
            info = None
        # rot13, base64, zlib, ... are codecs but not text encodings: bytes.decode refuses them.
        if info is None or not info._is_text_encoding:
            raise ImportProblem(
                f"{source}: unknown encoding {encoding!r}; try e.g. utf-8, latin-1 or gbk."
            )
        codec = info.name
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 1].hex()
        hint = (
            "pass --encoding with the file's encoding (e.g. --encoding latin-1 or --encoding gbk)"
            if encoding is None
            else "check the --encoding given"
        )
        raise ImportProblem(
            f"{source} is not valid {codec}: byte 0x{bad} at byte offset {err.start} "
            f"(line {line}) cannot be decoded; {hint}."
        ) from None
    except UnicodeError as err:  # codecs such as punycode or idna fail without a position
        raise ImportProblem(
            f"{source} cannot be decoded as {codec} ({err}); check the --encoding given."
        ) from None
    # A byte-order mark decodes to U+FEFF, which would become part of the first citekey.
    # Line numbers count "\n"; a stray "\r" would otherwise end up inside raw values.
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    check_storable(text, source)
    return text


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
