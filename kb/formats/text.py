"""A file's bytes -> text, the same way for every format, and plain-text helpers readers share.

The encoding is never guessed: UTF-8 unless the user names another; a UTF-8 byte-order mark is
dropped, "\\r\\n" becomes "\\n" (line numbers count "\\n"), and characters no database stores are
refused with their line.
"""

from __future__ import annotations

import codecs
import re

from kb.errors import ImportProblem

# NUL is refused by PostgreSQL text and JSON; a lone surrogate cannot be encoded at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_storable(text: str, source: str = "<input>", what: str = "a reference file") -> None:
    """Raise ImportProblem, with the line, when `text` holds a character no database stores."""
    if "\x00" not in text:
        try:  # a lone surrogate cannot be encoded; both tests run at C speed, the regex does not
            text.encode("utf-8")
            return
        except UnicodeEncodeError:
            pass
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    if found.group() == "\x00":
        problem = f"a NUL character; {what} is text (one saved as UTF-16 needs --encoding utf-16)"
    else:
        problem = f"the lone surrogate U+{ord(found.group()):04X}; check the --encoding given"
    raise ImportProblem(f"{source}, line {line}: {problem}.")


def decode_bytes(
    data: bytes, encoding: str | None = None, source: str = "<input>", what: str = "a file"
) -> str:
    """Decode a file's bytes (UTF-8 unless told otherwise), refusing to guess."""
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
    # A byte-order mark decodes to U+FEFF, which would become part of the first value.
    # Line numbers count "\n"; a stray "\r" would otherwise end up inside raw values.
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    check_storable(text, source, what)
    return text


def clean(text: object) -> str | None:
    """`text` with its whitespace collapsed to single spaces; None when nothing is left."""
    if not isinstance(text, str) or not text:
        return None
    # Re-joining a long abstract costs as much as decoding it; most need no collapsing.
    if (
        "  " in text
        or "\n" in text
        or "\t" in text
        or "\r" in text
        or "\xa0" in text
        or text[0].isspace()
        or text[-1].isspace()
    ):
        text = " ".join(text.split())
    return text or None


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def year_in(text: object) -> int | None:
    """The first four-digit year in `text`."""
    if not isinstance(text, str):
        return None
    found = _YEAR.search(text)
    return int(found.group(1)) if found else None


_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def doi_of(text: object) -> str | None:
    """A DOI without its URL or `doi:` prefix."""
    if not isinstance(text, str):
        return None
    return clean(_DOI_PREFIX.sub("", text))


def visible(text: str, limit: int = 60) -> str:
    """`text` for a message: invisible and control characters escaped, long text cut."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
