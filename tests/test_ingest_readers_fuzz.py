"""Every article reader, fuzzed: any input is read or refused with an ImportProblem, never a
crash; and no input of 100 KB takes over 2 s (the issue's bound, so timed here on purpose)."""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Callable

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kb.errors import ImportProblem
from kb.ingest.docx_fields import cited_entries
from kb.ingest.parse import parse_document
from kb.ingest.readers import read_document
from tests.test_ingest_docx import _note_run, _notes_part, _with_parts, footnoted
from tests.test_ingest_jats import FIXTURE

HTML_PAGE = (
    b"<html><body><main><h1>T</h1><p>Walking helps.<sup>1</sup> Rest [2] too "
    b'<a href="#r3">3</a>.</p><h2>References</h2><ol><li id="r1">A B. C. D. 2020;1:1.</li>'
    b"</ol></main></body></html>"
)
BUDGET_S = 2.0
SIZE = 100_000


def _read(data: bytes, name: str) -> None:
    with contextlib.suppress(ImportProblem):  # refused with a reason: what bad input must get
        parse_document(read_document(data, name=name))


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(cut=st.integers(0, len(FIXTURE)), junk=st.binary(max_size=40))
def test_jats_cut_or_spliced_never_crashes(cut: int, junk: bytes) -> None:
    _read(FIXTURE[:cut] + junk + FIXTURE[cut:][: len(FIXTURE) // 3], "a.nxml")


@FUZZ
@given(st.text(alphabet=list("<>/ =\"'#[]()1,-ab&;"), max_size=400) | st.text(max_size=400))
def test_html_of_any_text_never_crashes(markup: str) -> None:
    _read(markup.encode("utf-8", "surrogatepass"), "a.html")


@FUZZ
@given(cut=st.integers(0, len(HTML_PAGE)), junk=st.binary(max_size=30))
def test_html_cut_or_spliced_never_crashes(cut: int, junk: bytes) -> None:
    _read(HTML_PAGE[:cut] + junk + HTML_PAGE[cut:], "a.html")


DOCX = footnoted(endnotes=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(at=st.integers(0, len(DOCX) - 1), junk=st.binary(min_size=1, max_size=20))
def test_docx_with_damaged_bytes_never_crashes(at: int, junk: bytes) -> None:
    _read(DOCX[:at] + junk + DOCX[at + len(junk) :], "a.docx")


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_under_any_name_never_crash(data: bytes) -> None:
    for name in ("a.nxml", "a.html", "a.docx", "a.md", "upload"):
        _read(data, name)


def _big_html() -> bytes:
    one = b"Walking helps adults with pain.<sup>1,3-5</sup> "
    body = one * (SIZE // len(one))
    return b"<html><body><main><h1>T</h1><p>" + body + b"</p></main></body></html>"


def _big_jats() -> bytes:
    one = (
        b'Walking helps (<xref ref-type="bibr" rid="r1">Lee 2019</xref>; Smith et al. '
        b'(<xref ref-type="bibr" rid="r2">2020</xref>)). '
    )
    refs = (
        b'<ref id="r1"><mixed-citation>Lee A. X. Y 2019.</mixed-citation></ref>'
        b'<ref id="r2"><mixed-citation>Smith B. Z. Y 2020.</mixed-citation></ref>'
    )
    body = one * (SIZE // len(one))
    back = b"<back><ref-list>" + refs + b"</ref-list></back>"
    return b"<article><body><p>" + body + b"</p></body>" + back + b"</article>"


def _big_docx() -> bytes:
    """A paragraph of 2,000 sentences, every one carrying a footnote or superscript marker."""
    d = docx.Document()
    p = d.add_paragraph("Start.")
    for i in range(2_000):
        p.add_run(" Walking helps adults.")
        if i % 2:
            p.add_run("1,2").font.superscript = True
        else:
            p._p.append(_note_run("footnote", i))
    buffer = io.BytesIO()
    d.save(buffer)
    notes = {i: f"Author A. Title {i}. J Pain. 2020;1:1-9." for i in range(0, 2_000, 2)}
    return _with_parts(buffer.getvalue(), {"word/footnotes.xml": _notes_part("footnote", notes)})


def _big_tables_and_lists() -> bytes:
    rows = b"<tr><td>cell 1</td></tr>" * 2_000
    items = b"<li>Item that walks.<sup>2</sup><ul><li>Nested one.</li></ul></li>" * 1_000
    page = b"<table>" + rows + b"</table><ul>" + items + b"</ul>"
    return b"<html><body><main><h1>T</h1>" + page + b"</main></body></html>"


def _many_linked_references() -> bytes:
    """850 paragraphs, each citing its own entry of an 850-entry list by link."""
    n = 850
    paragraphs = b"".join(
        b'<p>Walking helps adults %d.<sup><a href="#r%d">%d</a></sup></p>' % (i, i + 1, i + 1)
        for i in range(n)
    )
    entries = b"".join(
        b'<li id="r%d">Author A. Title %d. J Pain. 2020;1:1-9.</li>' % (i + 1, i) for i in range(n)
    )
    page = paragraphs + b"<h2>References</h2><ol>" + entries + b"</ol>"
    return b"<html><body><main><h1>T</h1>" + page + b"</main></body></html>"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("big.html", _big_html),
        ("big.nxml", _big_jats),
        ("big.docx", _big_docx),
        ("lists.html", _big_tables_and_lists),
        ("references.html", _many_linked_references),
    ],
)
def test_a_100_kb_input_reads_within_2_seconds(name: str, make: Callable[[], bytes]) -> None:
    data = make()
    assert len(data) >= SIZE * 0.9 or name.endswith(".docx")
    # The best of three: the machine is shared, and what is bounded is the reader's own work.
    took = []
    for _ in range(3):
        start = time.perf_counter()
        _read(data, name)
        took.append(time.perf_counter() - start)
    assert min(took) < BUDGET_S, took


def test_the_fuzzed_word_file_is_a_real_one() -> None:
    parsed = parse_document(read_document(DOCX, name="a.docx"))
    assert [s.markers for s in parsed.statements][-1] == ["i"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = ("citationItems", "itemData", "author", "issued", "date-parts", "uris", "title", "DOI")


@settings(max_examples=150, deadline=None)
@example(data={"author": 5}, items=[{}], xml="")  # a crash found by this test
@given(
    data=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4),
    items=st.lists(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4), max_size=3),
    xml=st.text(alphabet=list("<>/ EndNoteCiterecord=\"'&;12"), max_size=200),
)
def test_reference_manager_fields_of_any_shape_never_crash(
    data: dict, items: list, xml: str
) -> None:
    for item in items:
        item.setdefault("itemData", data)
    payload = json.dumps({"citationItems": items, **data}, default=str)
    for instruction in (
        f"ADDIN ZOTERO_ITEM CSL_CITATION {payload}",
        f"ADDIN EN.CITE <EndNote>{xml}</EndNote>",
        f"ADDIN EN.CITE {xml}",
    ):
        for entry in cited_entries(instruction):
            assert entry.key
