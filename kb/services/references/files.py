"""A reference file of any format kb reads: which reader it needs, then the common import.

The format is the one asked for, else the one the file's suffix names, else the one its text
looks like (kb.formats.detect); a file none of them names is refused with what kb reads.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from kb.errors import ImportProblem, InvalidInput
from kb.formats import READERS, Reader
from kb.formats.detect import by_content, by_suffix
from kb.formats.text import decode_bytes
from kb.formats.writers import render_csl_json, render_ris
from kb.models import Reference, User
from kb.permissions import Action, require
from kb.services.progress import Progress
from kb.services.references.bibtex import export_bib, import_bib, record_from_row
from kb.services.references.library_import import ImportReport, import_text

FORMAT_NAMES = tuple(READERS)
# What `kb reference export --format` writes, with the suffix of each.
EXPORT_FORMATS = {"bib": ".bib", "ris": ".ris", "csl-json": ".json"}


# Other names people give the formats (the export's `bib`, the suffixes).
_ALIASES = {"bib": "bibtex", "nbib": "medline", "pubmed": "pubmed-xml", "xml": "pubmed-xml",
            "csl": "csl-json", "json": "csl-json"}  # fmt: skip


def reader_named(name: str) -> Reader:
    """The reader of a format name (bibtex, ris, medline, pubmed-xml, csl-json)."""
    wanted = name.strip().lower()
    reader = READERS.get(_ALIASES.get(wanted, wanted))
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
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert the references of a file in any format kb reads; as import_bib does for BibTeX.

    progress hears the records stored against the records to store once the file is read.
    """
    if actor is not None:
        require(actor, Action.reference_import)
    source = source or name
    reader = reader_named(format) if format else detect_reader(data, name, encoding)
    if reader.name == "bibtex":
        return import_bib(
            session=session, actor=actor, data=data, encoding=encoding, skip_bad=skip_bad,
            source=source, progress=progress,
        )  # fmt: skip
    text = reader.decode(data, encoding, source)
    return import_text(
        session=session, actor=actor, reader=reader, text=text, skip_bad=skip_bad, source=source,
        progress=progress,
    )  # fmt: skip


def export_format_for(name: str | None, path: str) -> str:
    """The export format asked for, else the one the output's suffix names, else bib."""
    if name is None:
        lower = path.lower()
        return next((f for f, suffix in EXPORT_FORMATS.items() if lower.endswith(suffix)), "bib")
    fmt = {"bibtex": "bib", "csl": "csl-json", "json": "csl-json"}.get(name.lower(), name.lower())
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown export format {name!r}; kb writes {', '.join(EXPORT_FORMATS)}")
    return fmt


def export_references(*, session: Session, format: str = "bib") -> str:
    """The whole library as BibTeX (bib), RIS (ris) or CSL-JSON (csl-json), ordered by key.

    A reference read from the format written goes back with its own fields; one from another
    format with the fields kb shows. kb's study type and retraction status go with each.
    """
    fmt = export_format_for(format, "")
    if fmt == "bib":
        return export_bib(session=session)
    rows = session.exec(select(Reference).order_by(col(Reference.citekey)))
    records = (record_from_row(r) for r in rows)
    return render_ris(records) if fmt == "ris" else render_csl_json(records)
