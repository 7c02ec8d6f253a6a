"""Measures of one long claim: the same ones as before, found in work that grows linearly with
their number (counted in executed lines, not timed).

A paragraph that ends in a block marker is one claim, however many sentences it has; each
measure used to look at every measure taken and every sample size and time point of the claim.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.enums import MeasureKind
from kb.ingest import parse_article
from kb.measures import ParsedMeasure, parse_measures
from kb.measures import parse as measures_parse
from kb.measures.numbers import MAX_DIGITS, TooManyDigits, read
from tests.conftest import REPO

# --- the old way, kept as the oracle -----------------------------------------------------------


class _OldParser(measures_parse._Parser):
    """The parser before its spans were indexed: every candidate is checked against every span
    taken, every lone p-value looks at every measure, every measure at every sample size and
    time point of the text. What builds a measure from a match is the parser's own."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.spans)

    def each(
        self, pattern: re.Pattern[str], build: Callable[[re.Match[str]], ParsedMeasure | None]
    ) -> None:
        for match in pattern.finditer(self.text):
            if not self.free(*match.span()):
                continue
            try:
                m = build(match)
            except TooManyDigits:
                continue
            if m is not None:
                m.text = self.text[m.start : m.end]
                self.spans.append((m.start, m.end))
                self.measures.append(m)

    def p_value(self, match: re.Match[str]) -> ParsedMeasure | None:
        sentence = self.sentence(match.start())
        owners = [
            m for m in self.measures
            if m.kind is not MeasureKind.proportion and m.p_value is None
            and self.sentence(m.start) == sentence
        ]  # fmt: skip
        if len(owners) == 1:
            measures_parse._set_p(owners[0], match)
            return None
        m = ParsedMeasure(MeasureKind.p_value, "", match.start(), match.end())
        measures_parse._set_p(m, match)
        return m

    def attach(self) -> None:
        text = self.text
        sizes = [(x.span(), x["n"] or x["n2"]) for x in measures_parse._N.finditer(text)]
        times = [
            (x.span(), measures_parse._time_point(x)) for x in measures_parse._TIME.finditer(text)
        ]
        for m in self.measures:
            if m.n is None:
                size = self.old_nearest(m, sizes)
                m.n = int(read(size)[0]) if size and len(size) <= MAX_DIGITS else None
            if m.time_point is None:
                m.time_point = self.old_nearest(m, times)

    def old_nearest(
        self, m: ParsedMeasure, found: list[tuple[tuple[int, int], str | None]]
    ) -> str | None:
        best, best_distance = None, 0
        for (start, end), value in found:
            if value is None or self.sentence(start) != self.sentence(m.start):
                continue
            if not self.free(start, end) and not m.start <= start < m.end:
                continue
            distance = max(start - m.end, m.start - end, 0)
            if best is None or distance < best_distance:
                best, best_distance = value, distance
        return best


def _old_parse_measures(text: str) -> list[ParsedMeasure]:
    parser = _OldParser(text)
    parser.each(measures_parse._PRE_POST, lambda x: parser.pre_post(x, need_scale=False))
    parser.each(measures_parse._EFFECT, parser.effect)
    parser.each(measures_parse._PRE_POST_BARE, lambda x: parser.pre_post(x, need_scale=True))
    for pattern in measures_parse._PROPORTIONS:
        parser.each(pattern, parser.proportion)
    parser.each(measures_parse._P_ALONE, parser.p_value)
    parser.attach()
    return sorted(parser.measures, key=lambda m: m.start)


# --- the same measures on random concatenations of real sentences -----------------------------


def _fixture_texts() -> list[str]:
    """Every string with a number in the measure tests and the check rules' tests."""
    texts = []
    for name in ("test_measures.py", "test_checks_rules.py"):
        tree = ast.parse((REPO / "tests" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and len(value) >= 8 and re.search(r"\d", value):
                texts.append(value)
    return texts


def _demo_sentences() -> list[str]:
    """The lines of the demo articles, without their Markdown bullets and heading marks."""
    lines = []
    for path in sorted((REPO / "kb" / "demo" / "articles").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"^\s*(?:[-*]|#+)\s+", "", line).strip()
            if line:
                lines.append(line)
    return lines


_PIECES = [
    "p = 0.03", "P < 0.001", "(p = 0.2)", "n = 40", "n = 50", "in 30 patients", "of 82 patients",
    "OR 1.2 (0.9–1.5)", "MD 0.5 (0.1 to 0.9)", "in 60 adults", "after 3 weeks",
    "at 6 months", "over a mean 27-month follow-up", "(95% CI 0.2 to 0.7)", "OR 1.2",
    "odds ratio", "from 7 to 3 on a 0-10 NRS", "72 of 82 (88%)", "± 1.2", "12 (30%)",
]  # fmt: skip
SENTENCES = sorted(set(_fixture_texts() + _demo_sentences() + _PIECES))
_JOINS = st.sampled_from([" ", " ", "; ", ", ", ". ", "\n", " and ", " (", ") ", " vs "])
_CLAIMS = st.lists(st.tuples(st.sampled_from(SENTENCES), _JOINS), max_size=14).map(
    lambda parts: "".join(sentence + join for sentence, join in parts)
)


def test_the_sources_of_random_claims_hold_real_measures() -> None:
    assert len(SENTENCES) > 100
    assert sum(bool(parse_measures(s)) for s in SENTENCES) > 50


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CLAIMS)
def test_parse_measures_finds_what_the_old_scans_found(text: str) -> None:
    assert parse_measures(text) == _old_parse_measures(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789 .,;:()[]–−-±%<>=pPnN")), max_size=60).map("".join))
def test_parse_measures_finds_what_the_old_scans_found_in_number_soup(text: str) -> None:
    assert parse_measures(text) == _old_parse_measures(text)


_SPANS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 8), st.integers(0, 6)),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_SPANS, max_size=7), st.booleans())
def test_taken_spans_answer_as_a_scan_of_all_of_them(
    passes: list[list[tuple[int, int, int]]], in_order: bool
) -> None:
    """Pattern by pattern (each pattern's candidates in order, or not), a candidate overlaps a
    span exactly when a scan of all spans says so; a span taken may reach past its candidate
    (a trailing p-value) into spans taken before."""
    taken = measures_parse._Taken()
    kept: list[tuple[int, int]] = []
    for candidates in passes:
        for start, length, reach in sorted(candidates) if in_order else candidates:
            end = start + length
            overlaps = any(start < e and s < end for s, e in kept)
            assert taken.overlaps(start, end) is overlaps
            if not overlaps:
                taken.add(start, end + reach)
                kept.append((start, end + reach))
    for start in range(70):  # afterwards, in any order, empty candidates too
        for end in (start, start + 1, start + 5):
            assert taken.overlaps(start, end) is any(start < e and s < end for s, e in kept)


@pytest.mark.parametrize(
    ("text", "n", "time_point"),
    [
        ("OR n = 40 1.2 (0.9–1.5) n = 50", 40, None),  # equally near: the first
        ("OR in 30 adults 1.2 (0.9–1.5) in 60 adults", 30, None),
        ("MD at 6 weeks 0.5 (0.1 to 0.9) at 12 weeks", None, "6 weeks"),
        ("OR 1.2 (0.9–1.5) n = 50 and n = 40", 50, None),
        ("Pain fell in 40 adults. OR 1.2 (0.9–1.5) was found. Then n = 50 more.", None, None),
        ("OR 1.2 (0.9–1.5) in 72 of 82 patients", None, None),  # the proportion's 82
    ],
)
def test_the_nearest_sample_size_and_time_point_of_its_sentence(
    text: str, n: int | None, time_point: str | None
) -> None:
    m = parse_measures(text)[0]
    assert m.kind in (MeasureKind.odds_ratio, MeasureKind.mean_difference)
    assert (m.n, m.time_point) == (n, time_point)
    assert parse_measures(text) == _old_parse_measures(text)


# --- work that grows linearly with the measures of a claim ------------------------------------

_MEASURED = [
    "In {i} patients, pain on the visual analog scale fell from 7.4 ± 2.3 to 2.8 ± 2.4 "
    "(p < 0.05) over a mean 27-month follow-up.",
    "Rehabilitation had effects on pain (mean difference -1.63; 95% CI: -2.68, -0.57; "
    "p = 0.002) at 12 months.",
    "Pain improved in 72 of 82 (88%) at 12 months.",
    "Falls were fewer (OR 0.68 (0.57–0.81)) in {i} patients after 6 weeks, which was "
    "significant (P=.002).",
]


def claim_of(measures: int) -> str:
    """One paragraph ending in a block marker (so one claim) with `measures` measures."""
    sentences = (_MEASURED[i % len(_MEASURED)].format(i=i + 10) for i in range(measures))
    return "# Long\n\n" + " ".join(sentences) + " 1\n"


def _lines_run_in(folder: Path, fn: Callable[[], Any]) -> int:
    """How many lines of the code in folder run while fn() runs (deterministic, unlike time)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(str(folder)) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(previous)
    return count


def test_a_claim_of_400_measures_gives_them_all_with_their_fields() -> None:
    (claim,) = parse_article(claim_of(400)).statements
    assert claim.markers == ["1"]
    measures = parse_measures(claim.text)
    assert [m.kind for m in measures] == [
        MeasureKind.pre_post, MeasureKind.mean_difference, MeasureKind.proportion,
        MeasureKind.odds_ratio,
    ] * 100  # fmt: skip
    assert [(m.n, m.time_point, m.p_value) for m in measures[:4]] == [
        (10, "27 months", 0.05), (None, "12 months", 0.002), (82, "12 months", None),
        (13, "6 weeks", 0.002),
    ]  # fmt: skip
    assert measures[-1].n == 409 and measures[-4].n == 406
    assert measures == _old_parse_measures(claim.text)


def test_work_on_a_claim_grows_linearly_with_its_measures() -> None:
    """4x the measures in one claim run at most 5x the lines of kb/measures and kb/ingest (a
    scan of all measures and numbers for each measure ran 16x). The speed itself is measured in
    benchmarks/bench_markers.py."""

    def work(measures: int) -> int:
        article = claim_of(measures)
        return _lines_run_in(
            REPO / "kb", lambda: parse_measures(parse_article(article).statements[0].text)
        )

    ratio = work(400) / work(100)
    assert ratio <= 5, ratio
