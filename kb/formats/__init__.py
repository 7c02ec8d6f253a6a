"""Exchange formats of the reference library. Pure: imports only the standard library,
bibtexparser, rispy, lxml and kb.enums/kb.errors; never kb.services, kb.db, kb.permissions or
a database session.

Every reader turns a file into the same format-neutral records (kb.formats.records): a
ParseResult of ReferenceRecords and Problems (what is wrong, and where, as data). READERS lists
them by name; kb.services.references imports a ParseResult whatever format it came from.

- records: ReferenceRecord, Problem, LibraryBlock, ParseResult, Reader
- studytype: infer_study_type(), a record's fields -> kb's study type
- bibtex: .bib files, read and written
- ris, medline, pubmed_xml, csl_json: RIS, MEDLINE/.nbib, PubMed XML and CSL-JSON files, read
  into the same records (drafts: what they share; citekeys: the keys kb makes)
- detect: which reader a file needs, by suffix or content
"""

from kb.formats.bibtex import BIBTEX
from kb.formats.csl_json import CSL_JSON
from kb.formats.medline import MEDLINE
from kb.formats.pubmed_xml import PUBMED_XML
from kb.formats.records import LibraryBlock, ParseResult, Problem, Reader, ReferenceRecord
from kb.formats.ris import RIS
from kb.formats.studytype import infer_study_type

READERS: dict[str, Reader] = {
    reader.name: reader for reader in (BIBTEX, RIS, MEDLINE, PUBMED_XML, CSL_JSON)
}

__all__ = [
    "READERS",
    "LibraryBlock",
    "ParseResult",
    "Problem",
    "Reader",
    "ReferenceRecord",
    "infer_study_type",
]
