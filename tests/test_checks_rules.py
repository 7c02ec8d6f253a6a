"""Each automatic check on plain contexts: what it flags, with which key and note, and what not.

The notes are the stored flag notes; their exact words are part of what users read.
"""

from __future__ import annotations

import pytest

from kb.checks import (
    ArticleContext,
    CitedSource,
    ClaimContext,
    ambiguous,
    dangling,
    not_in_source,
    numeric,
    retraction,
    unsupported,
    weak_evidence,
)
from kb.enums import FlagKind
from kb.measures import parse_measures

NUMBERED = ArticleContext({"1": "smith2020"}, reference_count=2, reference_list_numbered=True)
UNNUMBERED = ArticleContext({"1": "smith2020"}, reference_count=3, reference_list_numbered=False)


def cite(
    citekey: str,
    *,
    marker: str | None = None,
    stance: str = "supports",
    level: int | None = 2,
    retraction: str = "none",
    source_text: str = "",
) -> CitedSource:
    return CitedSource(citekey, marker, stance, level, retraction, source_text)


def claim(
    text: str = "It helps.",
    *,
    kind: str = "finding",
    markers: tuple[str, ...] = (),
    cited: tuple[CitedSource, ...] = (),
    article: ArticleContext | None = None,
) -> ClaimContext:
    return ClaimContext(text, kind, markers, cited, (), article)


def test_marker_state() -> None:
    assert NUMBERED.marker_state("1") == UNNUMBERED.marker_state("1") == "mapped"
    assert NUMBERED.marker_state("2") == "dangling"
    assert UNNUMBERED.marker_state("2") == "ambiguous"
    assert ArticleContext(reference_count=0).marker_state("1") == "dangling"  # no list at all


def test_unsupported() -> None:
    text = "Stimulation reduces medication needs by 50%."
    assert unsupported.check(claim(text)) == {
        "unsupported": (
            FlagKind.unsupported,
            "Check-worthy statement (a number, an efficacy, safety, causal or comparative "
            "assertion, or a recommendation) with no citation.",
        )
    }
    assert unsupported.check(claim(text, markers=("1",))) == {}  # a marker, even dangling
    assert unsupported.check(claim(text, cited=(cite("smith2020"),))) == {}
    assert unsupported.check(claim("Many people live with back pain.")) == {}
    # A research article's own result has the article as its source.
    assert unsupported.check(claim(text, kind="own study")) == {}


def test_dangling() -> None:
    ctx = claim(markers=("1", "2", "3"), cited=(cite("jones", marker="3"),), article=NUMBERED)
    assert dangling.check(ctx) == {
        "dangling:2": (
            FlagKind.dangling_citation,
            "Marker 2 points to no reference in the library: the article's reference list has "
            "no such entry, or its entry is not in the library yet.",
        )
    }  # 1 is mapped, 3 is linked
    assert dangling.check(claim(markers=("2",), article=UNNUMBERED)) == {}  # ambiguous instead
    with pytest.raises(ValueError, match="article context"):
        dangling.check(claim(markers=("2",)))


def test_ambiguous() -> None:
    ctx = claim(
        markers=("1", "2", "4", "5"), cited=(cite("smith2020", marker="5"),), article=UNNUMBERED
    )
    assert ambiguous.check(ctx) == {
        "ambiguous": (
            FlagKind.ambiguous_mapping,
            "Marker(s) 2, 4 cannot be matched to the article's unnumbered reference list of 3 "
            "entries; an editor must set the mapping.",
        )
    }
    assert ambiguous.check(claim(markers=("2",), article=NUMBERED)) == {}
    assert ambiguous.check(claim(markers=("1",), article=UNNUMBERED)) == {}


def test_numeric() -> None:
    text = "Of the group, 12 of 40 patients (35%) improved."
    (m,) = parse_measures(text)
    assert numeric.check(claim(text), 2, m) == {
        "numeric:2": (
            FlagKind.numeric_inconsistency,
            "'12 of 40 patients (35%)': 12 of 40 is 30.0%, not 35% as printed",
        )
    }
    (ok,) = parse_measures("Of the group, 12 of 40 patients (30%) improved.")
    assert numeric.check(claim(text), 1, ok) == {}


def test_not_in_source() -> None:
    text = "Pain fell (mean difference -1.63; 95% CI -2.68 to -0.57; p = 0.002)."
    (m,) = parse_measures(text)
    cited = (
        cite("full", source_text="MD 1.63 (95% CI -2.68 to -0.57), p = 0.002"),
        cite("short", source_text="MD -1.6 (95% CI -2.68 to -0.57)"),
        cite("none"),  # no abstract or note: nothing to look in
    )
    assert not_in_source.check(claim(text, cited=cited), 3, m) == {
        "notinsource:3:short": (
            FlagKind.number_not_in_source,
            "-1.63, 0.002 from '-1.63; 95% CI -2.68 to -0.57; p = 0.002' not found in the "
            "abstract or note of short.",
        )
    }


def test_retraction() -> None:
    cited = (
        cite("a", retraction="retracted"),
        cite("b", retraction="expression-of-concern"),
        cite("c", retraction="corrected"),
        cite("d"),
    )
    assert retraction.check(claim(cited=cited)) == {
        "retraction:a": (FlagKind.retracted_source, "Cited reference a is marked retracted."),
        "retraction:b": (
            FlagKind.retracted_source,
            "Cited reference b is marked expression-of-concern.",
        ),
    }


def test_weak_evidence() -> None:
    low = (cite("a", level=4), cite("b", stance="partially supports", level=5))
    refuting = cite("c", stance="refutes", level=1)
    assert weak_evidence.check(claim(kind="recommendation", cited=(*low, refuting))) == {
        "weak": (
            FlagKind.weak_evidence,
            "Only low-level evidence (level 4-5: a, b) supports this recommendation; look for a "
            "trial, cohort or review.",
        )
    }
    assert weak_evidence.check(claim(kind="mechanism", cited=low)) == {}
    assert weak_evidence.check(claim(cited=(*low, cite("d", level=2)))) == {}
    assert weak_evidence.check(claim(cited=(*low, cite("e", level=None)))) == {}  # unclassified
    assert weak_evidence.check(claim(cited=(refuting,))) == {}  # nothing supports it at all
