"""Exchange formats of the reference library. Pure: imports only the standard library,
bibtexparser and kb.enums/kb.errors; never kb.services, kb.db, kb.permissions or a database
session.

Every reader turns a file into the same format-neutral records (kb.formats.records): a
ParseResult of ReferenceRecords and Problems (what is wrong, and where, as data). READERS lists
them by name; kb.services.references imports a ParseResult whatever format it came from.

- records: ReferenceRecord, Problem, LibraryBlock, ParseResult, Reader
- studytype: infer_study_type(), a record's fields -> kb's study type
- bibtex: .bib files, read and written
"""

from kb.formats.bibtex import BIBTEX
from kb.formats.records import LibraryBlock, ParseResult, Problem, Reader, ReferenceRecord
from kb.formats.studytype import infer_study_type

READERS: dict[str, Reader] = {reader.name: reader for reader in (BIBTEX,)}

__all__ = [
    "READERS",
    "LibraryBlock",
    "ParseResult",
    "Problem",
    "Reader",
    "ReferenceRecord",
    "infer_study_type",
]
