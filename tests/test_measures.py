"""Measures: parsing the numbers a claim reports, and checking them allowing for rounding."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.enums import MeasureKind
from kb.errors import KBError
from kb.measures import (
    ParsedMeasure,
    check_measure,
    numbers_missing_from,
    numeric_tokens,
    parse_measures,
)
from tests.conftest import SHARED, require_shared

SEED_VAS = (
    "SCS has demonstrated effectiveness for chronic pain relief in lumbar spinal stenosis "
    "patients, with visual analog scale scores decreasing from 7.4 ± 2.3 to 2.8 ± 2.4 "
    "(p < 0.05) over a mean 27-month follow-up period."
)
SEED_MD = (
    "Rehabilitation demonstrates significant effects on pain in spinal stenosis (mean "
    "difference -1.63; 95% CI: -2.68, -0.57; p = 0.002), and should be the primary "
    "nonsurgical approach."
)
MDS526 = SHARED / "realdata" / "articles" / "mds526.txt"


def only(text: str) -> ParsedMeasure:
    measures = parse_measures(text)
    assert len(measures) == 1, measures
    return measures[0]


def problems(text: str) -> list[str]:
    return check_measure(only(text)).problems


# --- the DOMAIN.md examples -------------------------------------------------------------


def test_seed_vas_claim_parses_to_exact_fields() -> None:
    m = only(SEED_VAS)
    assert m.kind is MeasureKind.pre_post
    assert (m.pre_mean, m.pre_sd, m.post_mean, m.post_sd) == (7.4, 2.3, 2.8, 2.4)
    assert (m.p_value, m.p_operator) == (0.05, "<")
    assert m.time_point == "27 months"
    assert m.outcome == "visual analog scale"
    assert m.scale_max == 10
    assert m.decimals == {"pre_mean": 1, "pre_sd": 1, "post_mean": 1, "post_sd": 1, "p_value": 2}
    assert SEED_VAS[m.start : m.end] == m.text == "from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05)"
    result = check_measure(m)
    assert result.ok and result.problems == []
    assert "consistent" in result.explanation


def test_seed_mean_difference_parses_and_is_consistent() -> None:
    m = only(SEED_MD)
    assert m.kind is MeasureKind.mean_difference
    assert (m.estimate, m.ci_lower, m.ci_upper, m.ci_level) == (-1.63, -2.68, -0.57, 0.95)
    assert (m.p_value, m.p_operator) == (0.002, "=")
    assert m.outcome == "pain"
    assert m.numbers() == ["-1.63", "-2.68", "-0.57", "0.002"]
    result = check_measure(m)
    assert result.ok, result.problems
    assert "p implied by the CI" in result.explanation


def test_reference_facts_sentence_collects_n_and_time() -> None:
    text = (
        "Registry data from three centres, 69 patients, mean follow-up 27 months, "
        "VAS 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05)"
    )
    m = only(text)
    assert (m.n, m.time_point, m.outcome, m.scale_max) == (
        69,
        "27 months",
        "visual analog scale",
        10,
    )


# --- printed CI styles ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mean difference −1.63 (95% CI −2.68 to −0.57)",
        "mean difference -1.63 (95% CI -2.68 to -0.57)",
        "MD −1.63 [−2.68; −0.57]",
        "mean difference –1.63 (95% CI –2.68 to –0.57)",
        "MD -1.63 (-2.68--0.57)",
    ],
)
def test_difference_ci_styles(text: str) -> None:
    m = only(text)
    assert m.kind is MeasureKind.mean_difference
    assert (m.estimate, m.ci_lower, m.ci_upper) == (-1.63, -2.68, -0.57)
    assert check_measure(m).ok


@pytest.mark.parametrize(
    ("text", "kind", "values"),
    [
        ("SMD 0.45 (95% CI 0.20 to 0.70)", MeasureKind.smd, (0.45, 0.20, 0.70)),
        ("standardised mean difference 0.45 (0.20 to 0.70)", MeasureKind.smd, (0.45, 0.2, 0.7)),
        ("RR 0.80 (0.70–0.91)", MeasureKind.risk_ratio, (0.80, 0.70, 0.91)),
        ("relative risk 0.80 [0.70, 0.91]", MeasureKind.risk_ratio, (0.80, 0.70, 0.91)),
        ("OR 0.68 (0.57–0.81) P < 0.001", MeasureKind.odds_ratio, (0.68, 0.57, 0.81)),
        ("HR 0.70 (95% CI, 0.55-0.89; P = .004)", MeasureKind.hazard_ratio, (0.70, 0.55, 0.89)),
        (
            "hazard ratio, 0.70; 95% confidence interval [CI], 0.55 to 0.89; P=0.004",
            MeasureKind.hazard_ratio,
            (0.70, 0.55, 0.89),
        ),
    ],
)
def test_effect_kinds_and_bounds(text: str, kind: MeasureKind, values: tuple) -> None:
    m = only(text)
    assert m.kind is kind
    assert (m.estimate, m.ci_lower, m.ci_upper) == values
    assert check_measure(m).ok, check_measure(m).problems


def test_or_with_trailing_p_and_kind_from_context() -> None:
    text = "odds ratios (OR) for women versus men 0.68 (0.57–0.81) P < 0.001 and 0.88 (0.81–0.96)"
    first, second = parse_measures(text)
    assert first.kind is second.kind is MeasureKind.odds_ratio
    assert (first.p_value, first.p_operator, first.decimals["p_value"]) == (0.001, "<", 3)
    assert second.p_value is None
    assert first.text == "0.68 (0.57–0.81) P < 0.001"


def test_ci_level_is_read() -> None:
    assert only("HR 1.5 (99% CI 1.1–2.0)").ci_level == 0.99


@pytest.mark.parametrize(
    ("text", "value", "op", "decimals"),
    [
        ("the difference was significant (P=.002).", 0.002, "=", 3),
        ("p < 0.05", 0.05, "<", 2),
        ("(P ≤ 0.007 for all)", 0.007, "<=", 3),
        ("p = 3.2e-4", 0.00032, "=", 5),
        ("p = 1.2 × 10−3", 0.0012, "=", 4),
        ("P < 10−5", 0.00001, "<", 5),
    ],
)
def test_p_values(text: str, value: float, op: str, decimals: int) -> None:
    m = only(text)
    assert m.kind is MeasureKind.p_value
    assert m.p_value == pytest.approx(value)
    assert (m.p_operator, m.decimals["p_value"]) == (op, decimals)


def test_lone_p_joins_the_one_effect_in_its_sentence() -> None:
    m = only("Mean difference −1.63 (95% CI −2.68 to −0.57), which was significant (P=.002).")
    assert (m.p_value, m.p_operator) == (0.002, "=")


def test_proportion_sample_size_and_time() -> None:
    m = only("Pain improved in 72 of 82 (88%) at 12 months.")
    assert (m.kind, m.events, m.n, m.percent, m.time_point) == (
        MeasureKind.proportion,
        72,
        82,
        88.0,
        "12 months",
    )
    assert check_measure(m).ok
    assert only("SMD 0.45 (95% CI 0.20 to 0.70) in 69 patients after 6 weeks").n == 69
    assert only("SMD 0.45 (95% CI 0.20 to 0.70); n = 69").n == 69
    assert only("SMD 0.45 (95% CI 0.20 to 0.70) after 6 weeks").time_point == "6 weeks"


@pytest.mark.parametrize(
    ("text", "time_point"),
    [
        ("OR 2.0 (1.5-2.7) over a mean 27-month follow-up", "27 months"),
        ("Follow-up of 24 months; OR 2.0 (1.5-2.7)", "24 months"),
        ("OR 2.0 (1.5-2.7) with a median follow-up of 1 year", "1 year"),
        ("OR 2.0 (1.5-2.7) in patients aged 30 years", None),
        ("OR 2.0 (1.5-2.7) in 65-year-old patients", None),
    ],
)
def test_time_points(text: str, time_point: str | None) -> None:
    assert only(text).time_point == time_point


def test_other_printed_styles() -> None:
    m = only("decreased from 7.4 (SD 2.3) to 2.8 (SD 2.4) at 12 months")
    assert (m.pre_mean, m.pre_sd, m.post_mean, m.post_sd) == (7.4, 2.3, 2.8, 2.4)
    for text in ("72/82 (88%)", "88% (72/82)"):
        assert (only(text).events, only(text).n, only(text).percent) == (72, 82, 88.0)


def test_thousands_separators_in_proportions() -> None:
    m = only("Stage was known for 88 657 of 98 942 tumours (89.6%).")
    assert (m.events, m.n, m.percent) == (88657, 98942, 89.6)
    assert check_measure(m).ok
    assert only("seen in 1,069 of 2,000 patients (53.5%)").events == 1069


@pytest.mark.parametrize(
    "text",
    [
        "In 2010, the registry covered 3 centres.",
        "1. Assess balance. 2. Refer for rehabilitation.",
        "Patients aged 30 years or over, median age 45 (30–60).",
        "as described previously [20–22].",
        "Version 2.0 of the form was used in 2006–2010.",
        "",
    ],
)
def test_numbers_that_are_not_measures_give_nothing(text: str) -> None:
    assert parse_measures(text) == []


# --- inconsistent measures are flagged, naming the numbers -------------------------------


def test_p_that_cannot_come_from_its_ci() -> None:
    (problem,) = problems("mean difference -1.63 (95% CI -2.68 to -0.57), p = 0.20")
    assert "0.20" in problem and "-2.68 to -0.57" in problem


def test_p_bound_consistent_with_ci() -> None:
    assert problems("mean difference -1.63 (95% CI -2.68 to -0.57), p < 0.05") == []
    assert problems("mean difference -1.63 (95% CI -2.68 to -0.57), p < 0.001") != []
    assert problems("mean difference -1.63 (95% CI -2.68 to -0.57), p > 0.05") != []


def test_estimate_outside_ci() -> None:
    found = problems("OR 0.50 (95% CI 0.57 to 0.81)")
    assert found[0] == "estimate 0.50 lies outside its 95% CI 0.57 to 0.81"


def test_asymmetric_ci() -> None:
    (problem,) = problems("mean difference 1.00 (95% CI 0.20 to 1.20)")
    assert "not symmetric" in problem and "0.20 to 1.20" in problem and "1.00" in problem
    assert "log scale" in problems("OR 0.75 (0.57–0.81)")[0]


def test_ci_symmetric_on_log_scale_only_after_rounding() -> None:
    # The printed bounds centre (log scale) on 1.025, outside 1.00's rounding box; bounds
    # printed to one decimal may be 0.45-0.55 and 2.05-2.15, which can centre on 1.00.
    assert problems("OR 1.00 (0.5–2.1)") == []
    # 2.24 (1.66–3.03) centres on 2.2427: consistent only once 2.24's rounding is allowed for.
    assert problems("OR 2.24 (1.66–3.03)") == []
    assert problems("OR 0.88 (0.81–0.96) P = 0.003") == []


def test_p_rounding_edge_is_consistent() -> None:
    # Implied p is 0.0025 at the printed values: reported as 0.002 or 0.003 are both fine.
    assert problems("MD -1.63 (95% CI -2.68 to -0.57); p = 0.003") == []
    assert problems("MD -1.63 (95% CI -2.68 to -0.57); p = 0.004") != []


def test_wrong_percentage() -> None:
    assert problems("72 of 82 patients (80%)") == ["72 of 82 is 87.8%, not 80% as printed"]
    assert problems("72 of 82 patients (87.8%)") == []
    assert problems("83 of 82 patients (101%)") != []


def test_negative_sd() -> None:
    found = problems("VAS fell from 7.4 ± −2.3 to 2.8 ± 2.4")
    assert any("-2.3" in p and "SD" in p for p in found)


def test_vas_outside_its_scale() -> None:
    found = problems("VAS (0–10) decreased from 11.0 ± 2.3 to 2.8 ± 2.4")
    assert found == ["baseline mean 11.0 lies outside the 0 to 10 scale"]
    assert only("VAS decreased from 70 ± 12 to 30 ± 15 mm").scale_max == 100
    assert problems("Pain fell from 7 to 3 on a 0-10 NRS") == []
    assert problems("Pain fell from 7 to 13 on a 0-10 NRS") != []


def test_range_checks_on_constructed_measures() -> None:
    bad_p = ParsedMeasure(MeasureKind.p_value, "p = 1.2", 0, 7, p_value=1.2, p_operator="=")
    assert check_measure(bad_p).problems == ["p-value 1.2 lies outside 0 to 1"]
    reversed_ci = only("MD 0.50 (95% CI 0.90 to 0.10)")
    assert "lower bound above its upper bound" in check_measure(reversed_ci).problems[0]
    negative_ratio = only("OR 0.50 (95% CI -0.20 to 0.90)")
    assert any("not above 0" in p for p in check_measure(negative_ratio).problems)
    infinite = ParsedMeasure(MeasureKind.mean_difference, "x", 0, 1, estimate=float("inf"))
    assert not check_measure(infinite).ok


# --- numbers in the source ----------------------------------------------------------------


def test_numeric_tokens_normalise() -> None:
    text = "−1.63 (95% CI –2.68 to –0.57) p=.002 in 1,069 and 88 657; 0.57–0.81; p = 3×10−4"
    assert numeric_tokens(text) == [
        "-1.63", "95", "-2.68", "-0.57", "0.002", "1069", "88657", "0.57", "0.81", "0.0003",
    ]  # fmt: skip


def test_numbers_missing_from_source() -> None:
    m = only("MD −1.63 (95% CI −2.68 to −0.57); P=.002 in 1,069 patients")
    assert numbers_missing_from(m, "MD –1.63 (95% CI -2.68, -0.57), p = 0.002; 1069 patients") == []
    assert numbers_missing_from(m, "fell by 1.63 points (−2.68 to −0.57; p 0.002) n 1069") == []
    assert numbers_missing_from(m, "MD -1.6 (95% CI -2.68 to -0.57)") == ["-1.63", "0.002", "1069"]
    vas = only(SEED_VAS)
    abstract = "69 patients, mean follow-up 27.3 months, VAS 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05)"
    assert numbers_missing_from(vas, abstract) == []
    assert numbers_missing_from(vas, abstract.replace("2.8", "3.8")) == ["2.8"]


def test_as_row_is_flat_with_kind_value() -> None:
    row = only(SEED_MD).as_row()
    assert row["kind"] == "mean difference"
    assert row["estimate"] == -1.63 and row["decimals"]["estimate"] == 2
    assert all(not isinstance(v, (list, ParsedMeasure)) for v in row.values())


# --- the real article ---------------------------------------------------------------------


def test_every_odds_ratio_of_mds526_parses_inside_its_ci() -> None:
    measures = parse_measures(require_shared(MDS526).read_text(encoding="utf-8"))
    ratios = [m for m in measures if m.kind is MeasureKind.odds_ratio]
    assert [m.estimate for m in ratios] == [1.60, 0.83, 2.24, 1.31, 0.68, 0.88]
    for m in ratios:
        assert m.ci_lower is not None and m.ci_upper is not None and m.estimate is not None
        assert m.ci_lower <= m.estimate <= m.ci_upper
        assert check_measure(m).ok, (m.text, check_measure(m).problems)
    assert len(measures) > 20
    assert all(check_measure(m).ok for m in measures)


# --- never crash --------------------------------------------------------------------------

PIECES = st.sampled_from(
    list("0123456789 .,;:()[]–−-±%<>=≤pPnN")
    + ["CI", "95% CI", "OR ", "HR", "mean difference ", "VAS ", " to ", "from ", " of "]
    + ["patients", "×10", "e-", " months", "1,000", "88 657", "0.", "9" * 30]
)
LENIENT = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def _exercise(text: str) -> None:
    try:
        for m in parse_measures(text):
            assert 0 <= m.start <= m.end <= len(text) and text[m.start : m.end] == m.text
            check_measure(m)
            numbers_missing_from(m, text)
            m.as_row()
        numeric_tokens(text)
    except KBError:
        pass


@LENIENT
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    _exercise(text)


@LENIENT
@given(st.lists(PIECES, max_size=40).map("".join))
def test_number_soup_never_raises(text: str) -> None:
    _exercise(text)
