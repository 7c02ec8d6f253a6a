"""kb.formats: the format-neutral records every reader returns, the registry, and its purity."""

from __future__ import annotations

import json
import subprocess
import sys

from kb.formats import READERS, LibraryBlock, ParseResult, Problem, ReferenceRecord
from kb.formats.bibtex import BIBTEX, BibParseResult, parse_bib
from kb.formats.records import block_name


def test_the_formats_import_nothing_but_the_standard_library_bibtexparser_and_kb_basics() -> None:
    code = (
        "import json, sys, kb.formats, kb.formats.bibtex; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlmodel', 'sqlalchemy', 'streamlit', 'pandas', 'kb'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    outside = [m for m in loaded if m not in ("kb", "kb.enums", "kb.errors")]
    assert [m for m in outside if not m.startswith("kb.formats")] == []
    assert "kb.formats.bibtex.reader" in loaded  # the check saw the format's modules load


def test_registry_names_bibtex_and_its_parse_uses_the_library_macros() -> None:
    assert list(READERS) == ["bibtex", "ris", "medline", "pubmed-xml", "csl-json"]
    assert READERS["bibtex"] is BIBTEX
    assert BIBTEX.suffixes == (".bib",)
    text = BIBTEX.decode(b"@article{k, title = {T}, journal = jp}\n", None, "x.bib")
    alone = BIBTEX.parse(text, [])
    assert [p.kind for p in alone.problems] == ["undefined macro"]
    library = [
        LibraryBlock("comment", block_name("jp is defined below"), "jp is defined below"),
        LibraryBlock("string", "jp", "J Pain"),
    ]
    parsed = BIBTEX.parse(text, library)
    assert parsed.problems == [] and parsed.format == "bibtex"
    assert parsed.records[0].journal == "J Pain"


def test_bibtex_library_blocks_name_strings_by_macro_and_the_rest_by_value() -> None:
    parsed = parse_bib(
        '@string{jp = "J Pain"}\n@preamble{"x"}\n@comment{c}\n@comment{c}\n@article{k, title={T}}\n'
    )
    assert isinstance(parsed, BibParseResult)
    blocks = parsed.library_blocks()
    assert [(b.kind, b.name, b.value) for b in blocks] == [
        ("string", "jp", "J Pain"),
        ("preamble", block_name('"x"'), '"x"'),
        ("comment", block_name("c"), "c"),
        ("comment", block_name("c"), "c"),
    ]
    assert block_name("c") != block_name("d") and len(block_name("c")) == 32


def test_a_plain_parse_result_has_no_blocks_and_no_dependants() -> None:
    records = [ReferenceRecord("a", "article", crossref="b"), ReferenceRecord("b", "book")]
    parsed = ParseResult("ris", records, [Problem("missing title", 1, "b", "no title")])
    assert parsed.library_blocks() == [] and parsed.dependants({"b"}) == []
