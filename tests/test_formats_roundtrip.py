"""Writers and readers agree: any record kb holds, written as RIS or CSL-JSON and read back,
gives the same fields, key, study type and retraction status (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.enums import STUDY_TYPE_BY_CODE, RetractionStatus
from kb.formats import ReferenceRecord
from kb.formats.csl_json import parse_csl_json
from kb.formats.ris import parse_ris
from kb.formats.writers import render_csl_json, render_ris

# Text as the readers give it back: no control characters, single spaces, no outer space.
TEXT = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
        min_size=1,
        max_size=30,
    )
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
KEY = st.from_regex(r"[a-z][a-z0-9:_-]{2,20}", fullmatch=True)
NAME = st.one_of(
    st.builds(lambda a, b: f"{a}, {b}", TEXT.filter(lambda t: "," not in t), TEXT),
    TEXT.filter(lambda t: "," not in t),
)


@st.composite
def records(draw: st.DrawFn, source: str) -> ReferenceRecord:
    study = draw(st.sampled_from(sorted(STUDY_TYPE_BY_CODE)))
    return ReferenceRecord(
        citekey=draw(KEY),
        entry_type=draw(st.sampled_from(["article", "book", "incollection", "misc"])),
        title=draw(TEXT),
        authors=draw(st.lists(NAME, max_size=3)),
        journal=draw(st.none() | TEXT),
        year=draw(st.none() | st.integers(1000, 2999)),
        volume=draw(st.none() | TEXT),
        number=draw(st.none() | TEXT),
        pages=draw(
            st.none() | st.from_regex(r"[1-9][0-9]{0,3}(-[1-9][0-9]{0,3})?", fullmatch=True)
        ),
        doi=draw(st.none() | st.from_regex(r"10\.[0-9]{4}/[a-z0-9.]{1,10}", fullmatch=True)),
        pmid=draw(st.none() | st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True)),
        abstract=draw(st.none() | TEXT),
        note=draw(st.none() | TEXT),
        study_type=study,
        study_type_inferred=False,
        retraction=draw(st.sampled_from([s.value for s in RetractionStatus])),
        source=source,
    )


SHOWN = ("citekey", "title", "authors", "journal", "year", "volume", "number", "pages", "doi",
         "pmid", "abstract", "note", "study_type", "study_type_inferred", "retraction")  # fmt: skip


def _shown(record: ReferenceRecord) -> tuple:
    return tuple(getattr(record, name) for name in SHOWN)


@settings(max_examples=200, deadline=None)
@given(records("bibtex"))
def test_ris_writes_what_it_reads(record: ReferenceRecord) -> None:
    parsed = parse_ris(render_ris([record]))
    assert parsed.problems == []
    assert [_shown(r) for r in parsed.records] == [_shown(record)]
    again = parse_ris(render_ris(parsed.records))
    assert [r.raw_fields for r in again.records] == [r.raw_fields for r in parsed.records]


@settings(max_examples=200, deadline=None)
@given(records("bibtex"))
def test_csl_json_writes_what_it_reads(record: ReferenceRecord) -> None:
    parsed = parse_csl_json(render_csl_json([record]))
    assert parsed.problems == []
    assert [_shown(r) for r in parsed.records] == [_shown(record)]
    again = parse_csl_json(render_csl_json(parsed.records))
    assert [r.raw_fields for r in again.records] == [r.raw_fields for r in parsed.records]
