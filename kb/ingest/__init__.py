"""Article ingestion, parsing half: pure text -> records; no database, no streamlit.

Pure: imports only the standard library and kb.enums/kb.errors; never kb.services, kb.db or
kb.permissions.

``read_document`` reads an article file (plain text, Markdown, HTML, Word .docx or JATS XML,
by suffix and content) into one ``Document``; ``parse_document`` turns any Document into a
``ParsedArticle``: its title, heading paths, statements with their printed citation markers,
its reference list and the marker -> entry links the format itself gives. ``parse_article``
does both for pasted text. The services layer decides what to store.
"""

from kb.ingest.classify import guess_kind, is_check_worthy
from kb.ingest.furniture import DEFAULT_FURNITURE
from kb.ingest.ownwork import claim_kinds
from kb.ingest.parse import parse_article
from kb.ingest.records import ParsedArticle, RefEntry, Statement
from kb.ingest.reflist import parse_reference_entry

__all__ = [
    "DEFAULT_FURNITURE",
    "ParsedArticle",
    "RefEntry",
    "Statement",
    "claim_kinds",
    "guess_kind",
    "is_check_worthy",
    "parse_article",
    "parse_reference_entry",
]
