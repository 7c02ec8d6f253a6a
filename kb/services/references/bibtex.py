"""The library as BibTeX: import_bib reads a .bib file into it, export_bib writes it out.

What export_bib writes, import_bib reads back without a problem.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from kb.errors import InvalidInput
from kb.formats import ReferenceRecord
from kb.formats.bibtex import BIBTEX, check_storable, read_bib_bytes, render_bib
from kb.formats.writers import bib_fields
from kb.models import BibBlock, Reference, User
from kb.permissions import Action, require
from kb.services.progress import Progress
from kb.services.references.library_import import ImportReport, import_text, raw_format


def import_bib(
    *,
    session: Session,
    actor: User | None,
    data: bytes | None = None,
    text: str | None = None,
    encoding: str | None = None,
    skip_bad: bool = False,
    source: str = "<upload>",
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert the entries of a .bib file by citekey; actor None is the local operator (CLI).

    progress hears the entries stored against the entries to store, as import_text says.
    """
    if actor is not None:
        require(actor, Action.reference_import)
    if text is None:
        if data is None:
            raise InvalidInput("nothing to import: give the file's bytes or text")
        text = read_bib_bytes(data, encoding=encoding, source=source)
    else:
        check_storable(text, source)
    return import_text(
        session=session, actor=actor, reader=BIBTEX, text=text, skip_bad=skip_bad, source=source,
        progress=progress,
    )  # fmt: skip


def record_from_row(ref: Reference) -> ReferenceRecord:
    """A library row as a record; source names the format of its raw fields."""
    return ReferenceRecord(
        citekey=ref.citekey,
        entry_type=ref.entry_type,
        raw_fields=dict(ref.raw_fields or {}),
        title=ref.title,
        authors=list(ref.authors or []),
        journal=ref.journal,
        year=ref.year,
        volume=ref.volume,
        number=ref.number,
        pages=ref.pages,
        doi=ref.doi,
        pmid=ref.pmid,
        abstract=ref.abstract,
        note=ref.note,
        study_type=ref.study_type,
        study_type_inferred=ref.study_type_inferred,
        retraction=ref.retraction,
        source=raw_format(ref.source),
    )


def _as_bibtex(record: ReferenceRecord) -> ReferenceRecord:
    # A reference read from RIS, MEDLINE, ... has that format's fields: write what kb shows.
    if record.source != "bibtex":
        record.raw_fields = bib_fields(record)
    return record


def export_bib(*, session: Session) -> str:
    """The whole library as BibTeX, with kb's own fields (studytype, retraction)."""
    blocks = list(session.exec(select(BibBlock).order_by(col(BibBlock.id))))
    refs = session.exec(select(Reference).order_by(col(Reference.citekey)))
    return render_bib(
        (_as_bibtex(record_from_row(r)) for r in refs),
        strings={b.name: b.value for b in blocks if b.kind == "string"},
        preambles=[b.value for b in blocks if b.kind == "preamble"],
        comments=[b.value for b in blocks if b.kind == "comment"],
    )
