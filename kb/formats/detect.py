"""Which reader a reference file needs: by its suffix, else by what its text starts with."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.formats.records import Reader

_XML = re.compile(r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle)\b")
_MEDLINE = re.compile(r"^PMID- ?\d", re.M)
_RIS = re.compile(r"^TY  - ", re.M)
_BIB = re.compile(r"^\s*@\s*\w+\s*[{(]", re.M)


def by_content(text: str) -> str | None:
    """The name of the format the start of `text` looks like, or None."""
    head = text[:20_000].lstrip("\ufeff \t\r\n")
    if head.startswith(("[", "{")):
        return "csl-json"
    if head.startswith("<"):
        return "pubmed-xml" if _XML.search(head) else None
    if _MEDLINE.search(head):
        return "medline"
    if _RIS.search(head):
        return "ris"
    if _BIB.search(head):
        return "bibtex"
    return None


def by_suffix(name: str, readers: Mapping[str, Reader]) -> Reader | None:
    """The reader whose suffix `name` ends with (ignoring case), or None."""
    lower = name.lower()
    return next((r for r in readers.values() if lower.endswith(r.suffixes)), None)
