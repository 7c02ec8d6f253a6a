"""The reference library as use cases: import (any format), BibTeX import and export, look-ups,
duplicates, merge.

Services: may import kb.db, kb.permissions, kb.workflow, kb.models and the pure packages
(kb.formats reads and writes the files); never kb.ui or kb.cli.

- library_import: import_references() and import_text(), a ParseResult of any format -> rows
- bibtex: import_bib() and export_bib(), the library as a .bib file
- files: import_file(), a file of any format kb reads (by --format, suffix or content), and
  export_references(), the library as BibTeX, RIS or CSL-JSON
- duplicates: normalize_title(), the possible duplicates an import lists
- lookup: get_reference(), reference_detail(), list_references()
- merge: merge_references(), two keys that are the same work
"""

from kb.services.references.bibtex import export_bib, import_bib
from kb.services.references.duplicates import (
    PossibleDuplicate,
    library_identities,
    normalize_title,
)
from kb.services.references.files import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    export_format_for,
    export_references,
    import_file,
)
from kb.services.references.library_import import ImportReport, import_references, import_text
from kb.services.references.lookup import (
    get_reference,
    list_references,
    reference_detail,
    reference_summary,
)
from kb.services.references.merge import merge_references

__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_NAMES",
    "ImportReport",
    "PossibleDuplicate",
    "export_bib",
    "export_format_for",
    "export_references",
    "get_reference",
    "import_bib",
    "import_file",
    "import_references",
    "import_text",
    "list_references",
    "merge_references",
    "library_identities",
    "normalize_title",
    "reference_detail",
    "reference_summary",
]
