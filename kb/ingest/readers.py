"""Which reader reads a file: detected by its suffix and its content.

A known suffix decides (.html/.htm, .docx, .xml/.nxml, .txt/.md); content decides when the
suffix says nothing (a pasted name, ".dat"): a zip is Word, ``<article`` or a JATS doctype is
JATS, ``<html``/``<!doctype html`` is HTML, anything else is text. An .xml file that is an HTML
page is read as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from kb.errors import ImportProblem
from kb.ingest.document import Document
from kb.ingest.jats import read_jats
from kb.ingest.parse import read_text

SUFFIXES = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "docx",
    ".xml": "jats", ".nxml": "jats",
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
}  # fmt: skip
# What the Articles page's uploader accepts (the suffixes above, without the dot).
UPLOAD_TYPES = sorted(s.lstrip(".") for s in SUFFIXES)
_PROLOGUE = rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
_HTML = re.compile(_PROLOGUE + rb"<(?:!doctype\s+html|html)\b", re.I | re.S)
_JATS = re.compile(_PROLOGUE + rb"(?:<!doctype\s+article|<article)\b", re.I | re.S)


def detect_format(data: bytes, name: str = "") -> str:
    """The reader a file needs, from its bytes and name: "text", "html", "docx" or "jats"."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    by_suffix = SUFFIXES.get(PurePath(name).suffix.lower())
    if by_suffix == "jats" and _HTML.match(head):
        return "html"
    if by_suffix:
        return by_suffix
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if _JATS.match(head):
        return "jats"
    if _HTML.match(head):
        return "html"
    return "text"


def decode_text(data: bytes, *, source: str) -> str:
    """UTF-8 text (a BOM dropped); anything else an ImportProblem with the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"{source} is not UTF-8 text (byte offset {exc.start})") from None


def read_document(
    data: bytes,
    *,
    name: str = "",
    furniture: Sequence[str] | None = None,
    title: str | None = None,
) -> Document:
    """Read an uploaded or stored file with the reader its format needs.

    ``title`` is the editor's title, when given (a text file's first line is then content).
    """
    source = name or "the file"
    kind = detect_format(data, name)
    if kind == "jats":
        return read_jats(data, source=source)
    # Imported when needed: trafilatura and python-docx take half a second to import, which
    # every kb command (they all load the services) would otherwise pay.
    if kind == "html":
        from kb.ingest.html import read_html

        return read_html(data, source=source, furniture=furniture)
    if kind == "docx":
        from kb.ingest.docx import read_docx

        return read_docx(data, source=source)
    return read_text(decode_text(data, source=source), furniture=furniture, title=title)
