"""One article, four formats: after reading, statements, markers and links are the same."""

from __future__ import annotations

import pytest

from benchmarks.bench_ingest import make_article
from benchmarks.bench_readers import FORMATS
from kb.ingest.parse import parse_document
from kb.ingest.readers import read_document


def _read(name: str, article: str) -> tuple[list[tuple[str | None, str, list[str]]], list[int]]:
    suffix, make = FORMATS[name]
    parsed = parse_document(read_document(make(article), name=f"article{suffix}"))
    statements = [(s.section, s.text, s.markers) for s in parsed.statements]
    # Which entry each marker of each statement cites, by the entry's number.
    links = [
        parsed.references[parsed.links[m]].number or 0 if m in parsed.links else int(m)
        for s in parsed.statements
        for m in s.markers
    ]
    return statements, links


@pytest.mark.parametrize("name", ["HTML", "Word (.docx)", "JATS XML"])
def test_every_format_gives_the_statements_markdown_gives(name: str) -> None:
    article = make_article(7)
    expected = _read("Markdown", article)
    assert len(expected[0]) == 50
    assert _read(name, article) == expected
