"""Citation markers in long paragraphs: every marker found, the same ones as before, and work
that grows linearly with their number (counted in executed lines, not timed)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.ingest import markers, parse_article
from kb.ingest.blocks import Block
from kb.ingest.markers import MarkerGroup, find_groups, strip_markers
from kb.ingest.sentences import _END

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _marked(i: int) -> tuple[str, list[str]]:
    """Sentence i of a long paragraph, with one marker in one of the printed forms."""
    n = i % 990 + 1
    forms = [
        (f"Claim {i} holds [{n}].", [str(n)]),
        (f"Claim {i} holds [{n}, {n + 1}].", [str(n), str(n + 1)]),
        (f"Claim {i} holds [{n}-{n + 2}].", [str(n), str(n + 1), str(n + 2)]),
        (f"Claim {i} holds [{n}]–[{n + 1}].", [str(n), str(n + 1)]),
        (f"Claim {i} holds<sup>{n}</sup>.", [str(n)]),
        (f"Claim {i} holds.{str(n).translate(_SUP)}", [str(n)]),
    ]
    return forms[i % len(forms)]


def test_a_paragraph_of_2000_markers_gives_2000_groups_with_their_numbers() -> None:
    sentences = [_marked(i) for i in range(2000)]
    text = " ".join(s for s, _ in sentences)
    groups = find_groups(text)
    assert len(groups) == 2000
    assert [g.numbers for g in groups] == [numbers for _, numbers in sentences]
    assert not any(g.block_marker or g.problems for g in groups)
    clean = strip_markers(text)
    assert clean.text == " ".join(f"Claim {i} holds." for i in range(2000))
    assert len(clean.origin) == len(clean.text)
    article = parse_article(f"# Long\n\n{text}\n")
    assert [(s.text, s.markers) for s in article.statements] == [
        (f"Claim {i} holds.", numbers) for i, (_, numbers) in enumerate(sentences)
    ]


@pytest.mark.parametrize(
    ("printed", "span", "numbers"),
    [
        ("[4]–[7]", (0, 7), ["4", "5", "6", "7"]),  # a linked range before its two brackets
        ("<sup>[2]</sup>", (5, 8), ["2"]),  # a bracket before the HTML superscript around it
        ("[6](#ref-6)", (0, 11), ["6"]),  # a bracket takes its link along
        ("<sup>3</sup>", (0, 12), ["3"]),
        ("(3)", (0, 3), ["3"]),  # a parenthesis only when no bracket is printed
    ],
)
def test_overlapping_candidates_keep_their_priority_in_a_long_paragraph(
    printed: str, span: tuple[int, int], numbers: list[str]
) -> None:
    sentence = f"Pain fell in group A {printed}. "
    offset = sentence.index(printed)
    text = sentence * 1000
    groups = find_groups(text)
    step = len(sentence)
    assert [(g.start, g.end, g.numbers) for g in groups] == [
        (k * step + offset + span[0], k * step + offset + span[1], numbers) for k in range(1000)
    ]


def _old_find_groups(text: str, *, allow_parens: bool = True) -> list[MarkerGroup]:
    """find_groups before its spans were indexed, kept as the oracle: each candidate is
    checked against every group found so far, superscripts against all the text before."""
    found: list[MarkerGroup] = []

    def add(start: int, end: int, raw: str, *, block: bool = False) -> None:
        if any(start < g.end and g.start < end for g in found):
            return
        numbers, problems = markers.expand(raw)
        if numbers:
            found.append(MarkerGroup(start, end, numbers, block, problems=problems))

    def superscript_ok(start: int) -> bool:
        before = text[:start]
        if before and (before[-1].isdigit() or before[-1] in "⁻⁺"):
            return False
        return not markers._UNIT_BEFORE.search(before)

    for m in markers._LINKED_RANGE.finditer(text):
        add(m.start(), m.end(), f"{m.group(1)}-{m.group(2)}")
    for m in markers._BRACKET.finditer(text):
        add(m.start(), m.end(), m.group(1))
    for m in markers._HTML_SUP.finditer(text):
        add(m.start(), m.end(), m.group(1))
    for m in markers._UNICODE_SUP.finditer(text):
        if superscript_ok(m.start()):
            add(m.start(), m.end(), m.group(0))
    if allow_parens:
        for m in markers._PAREN.finditer(text):
            add(m.start(), m.end(), m.group(1))
    for m in markers._GLUED.finditer(text):
        if markers._word_before(text, m.start()) not in markers.NUMBERED_ABBREVIATIONS:
            add(m.start(2), m.end(2), m.group(2))
    bare = markers._BARE_TRAILING.search(text)
    if bare and markers._word_before(text, bare.start()) not in markers.NUMBERED_ABBREVIATIONS:
        add(bare.start(1), bare.end(1), bare.group(1), block=True)
    found.sort(key=lambda g: g.start)
    return markers._merge_adjacent(text, found)


_MARKER_SOUP = st.sampled_from(
    ["[4]–[7]", "<sup>[2]</sup>", "<sup>[1, 2]</sup>", "[3](#ref-3)", "[2]-[3]", ". 1, 3",
     "pain.1", "¹⁻³", "[1]", "[2, 3]", "[4-6]", "[4]", "[7]", "–", "-", "<sup>", "</sup>",
     "<sup>5</sup>", "(3)",
     "(2, 4)", "(", ")", "[", "]", "1", "12", "3", "¹", "²", "⁻", "³", "⁹", ",", ";", ".", "!",
     " ", " ", " ", "\t", "\n", "pain", "Fig", "km", "kg/m", "m", "s", "ft", "g", "·", "/",
     "10", "Next", "fell", "(#ref-1)", "”", "e.g."]
)  # fmt: skip


def _as_tuples(groups: list[MarkerGroup]) -> list[tuple[Any, ...]]:
    return [(g.start, g.end, g.numbers, g.block_marker, g.problems) for g in groups]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.lists(_MARKER_SOUP, max_size=80).map("".join), st.text(max_size=120)),
    st.booleans(),
)
def test_find_groups_finds_what_the_old_scan_found(text: str, allow_parens: bool) -> None:
    assert _as_tuples(find_groups(text, allow_parens=allow_parens)) == _as_tuples(
        _old_find_groups(text, allow_parens=allow_parens)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["k", "m", "c", "µ", "g", "s", "L", "ft", "/", "(", "·", " ", "\n", "1",
                         "²", "⁻", "x", "kg"]),
        max_size=20,
    ).map("".join)
)  # fmt: skip
def test_a_superscript_after_a_unit_is_judged_as_on_all_the_text_before(text: str) -> None:
    for start in range(len(text) + 1):
        before = text[:start]
        exponent = bool(before) and (before[-1].isdigit() or before[-1] in "⁻⁺")
        ok = not exponent and not markers._UNIT_BEFORE.search(before)
        assert markers._superscript_ok(text, start) is ok, (text, start)


_SPANS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_SPANS, max_size=6), st.booleans())
def test_taken_spans_answer_as_a_scan_of_all_of_them(
    passes: list[list[tuple[int, int]]], in_order: bool
) -> None:
    """Pattern by pattern (each pattern's candidates in order, or not), a span is refused
    exactly when it overlaps one taken before."""
    taken = markers._Taken()
    kept: list[tuple[int, int]] = []
    for candidates in passes:
        for start, end in sorted(candidates) if in_order else candidates:
            overlaps = any(start < e and s < end for s, e in kept)
            assert taken.overlaps(start, end) is overlaps
            if not overlaps:
                taken.add(start, end)
                kept.append((start, end))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list(". ! ? … \n\t\u00a0\u2003\"”’')]([“‘'A a É 7 e.g Dr x")),
        max_size=60,
    ).map("".join)
)
def test_a_sentence_end_reads_the_next_character_after_the_spaces(text: str) -> None:
    for match in _END.finditer(text):
        assert match.group("next")[:1] == text[match.end() :].lstrip()[:1]


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=5),
    st.lists(st.tuples(st.integers(1, 99), st.sampled_from(["", " ", "  a ", "b", "c d", "\t"]))),
)
def test_joining_a_blocks_lines_at_once_equals_adding_them_one_by_one(
    first: str, pieces: list[tuple[int, str]]
) -> None:
    block = Block("paragraph", 1, first)
    block.add_lines(pieces)
    text, starts, lines = first, [], []
    for line, piece in pieces:  # as blocks were built before: one concatenation per line
        if text:
            text += " "
        starts.append(len(text))
        lines.append(line)
        text += piece.strip()
    assert (block.text, block.starts, block.lines) == (text, starts, lines)


def _lines_run_in_kb_ingest(fn: Any) -> int:
    """How many lines of kb/ingest's code run while fn() runs (deterministic, unlike time)."""
    folder = str(Path(markers.__file__).parent)
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(folder) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(previous)
    return count


def test_work_on_a_paragraph_grows_linearly_with_its_markers() -> None:
    """4x the markers in one paragraph runs at most 5x the lines (a scan of all markers found
    for each new one ran 16x). The speed itself is measured in benchmarks/bench_markers.py."""

    def paragraph(n: int) -> str:
        return "# Long\n\n" + " ".join(_marked(i)[0] for i in range(n)) + "\n"

    small, large = paragraph(500), paragraph(2000)
    ratio = _lines_run_in_kb_ingest(lambda: parse_article(large)) / _lines_run_in_kb_ingest(
        lambda: parse_article(small)
    )
    assert ratio <= 5, ratio
