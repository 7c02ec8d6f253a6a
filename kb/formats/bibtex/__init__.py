"""BibTeX, one reader and writer of kb.formats: .bib text <-> reference records.

Pure, like all of kb.formats: imports only the standard library, bibtexparser, kb.enums,
kb.errors and kb.formats; never kb.services, kb.db or kb.permissions.

Raw field values keep what the file says so an export round-trips: a braced or quoted value is
kept as its text without the delimiters; a value written as an expression (a macro `jan`, a
number `2014`, a concatenation `a # " " # b`) is kept verbatim behind the BARE marker.

- rules: what kb refuses (undecodable bytes, characters no database stores, unusable keys)
- values: value expressions (literals, numbers, macros, `#`) read and written back
- latex: LaTeX text and author lists -> plain Unicode
- macros: months, a library's @string macros, @string blocks
- fields: the decoded fields of an entry (title, authors, DOI, study type, ...)
- reader: parse_bib(), text -> BibParseResult (records, problems, library blocks)
- writer: render_bib(), records -> text
"""

from kb.formats.bibtex.reader import (
    PROBLEM_KINDS,
    BibParseResult,
    crossref_dependants,
    parse_bib,
    parse_library,
)
from kb.formats.bibtex.rules import check_storable, read_bib_bytes
from kb.formats.bibtex.values import BARE, value_expression
from kb.formats.bibtex.writer import render_bib
from kb.formats.records import Reader

BIBTEX = Reader(
    name="bibtex",
    label="BibTeX",
    suffixes=(".bib",),
    decode=read_bib_bytes,
    parse=parse_library,
)

__all__ = [
    "BARE",
    "BIBTEX",
    "PROBLEM_KINDS",
    "BibParseResult",
    "check_storable",
    "crossref_dependants",
    "parse_bib",
    "parse_library",
    "read_bib_bytes",
    "render_bib",
    "value_expression",
]
