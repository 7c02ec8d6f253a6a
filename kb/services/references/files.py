"""A reference file of any format kb reads: which reader it needs, then the common import.

The format is the one asked for, else the one the file's suffix names, else the one its text
looks like (kb.formats.detect); a file none of them names is refused with what kb reads.
"""

from __future__ import annotations

from sqlmodel import Session

from kb.errors import ImportProblem, InvalidInput
from kb.formats import READERS, Reader
from kb.formats.detect import by_content, by_suffix
from kb.formats.text import decode_bytes
from kb.models import User
from kb.permissions import Action, require
from kb.services.references.bibtex import import_bib
from kb.services.references.library_import import ImportReport, import_text

FORMAT_NAMES = tuple(READERS)


def reader_named(name: str) -> Reader:
    """The reader of a format name (bibtex, ris, medline, pubmed-xml, csl-json)."""
    reader = READERS.get(name.strip().lower())
    if reader is None:
        raise InvalidInput(f"unknown format {name!r}; kb reads {', '.join(FORMAT_NAMES)}")
    return reader


def detect_reader(data: bytes, name: str, encoding: str | None = None) -> Reader:
    """The reader for a file: by its suffix, else by its content."""
    reader = by_suffix(name, READERS)
    if reader is not None and not name.lower().endswith((".xml", ".json")):
        return reader
    # .xml and .json are many things: the content says whether they are PubMed or CSL-JSON.
    try:  # a look at the start only; the reader decodes the whole file strictly
        text = data[:20_000].decode(encoding or "utf-8", errors="replace")
    except (LookupError, UnicodeError):
        text = decode_bytes(data, encoding, name, "a reference file")  # says what is wrong
    found = by_content(text)
    if found is None and reader is not None:
        return reader
    if found is None:
        raise ImportProblem(
            f"{name}: cannot tell the format; kb reads BibTeX (.bib), RIS (.ris), "
            "MEDLINE (.nbib), PubMed XML (.xml) and CSL-JSON (.json): give --format"
        )
    return READERS[found]


def import_file(
    *,
    session: Session,
    actor: User | None,
    data: bytes,
    name: str,
    format: str | None = None,
    encoding: str | None = None,
    skip_bad: bool = False,
    source: str | None = None,
) -> ImportReport:
    """Upsert the references of a file in any format kb reads; as import_bib does for BibTeX."""
    if actor is not None:
        require(actor, Action.reference_import)
    source = source or name
    reader = reader_named(format) if format else detect_reader(data, name, encoding)
    if reader.name == "bibtex":
        return import_bib(
            session=session, actor=actor, data=data, encoding=encoding, skip_bad=skip_bad,
            source=source,
        )  # fmt: skip
    text = reader.decode(data, encoding, source)
    return import_text(
        session=session, actor=actor, reader=reader, text=text, skip_bad=skip_bad, source=source
    )
