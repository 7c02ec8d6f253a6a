"""Internal-consistency checks on one parsed measure, each allowing for the printed rounding.

A number printed with d decimals stands for any value within half a unit of its last digit, so
every check works on intervals ("rounding boxes") rather than on the printed values: a measure is
flagged only when no set of values that prints as it does could satisfy the check.

Which checks apply to an estimate printed with a CI, by kind (kb.measures.intervals names it):
- every kind and unit: the lower bound is not above the upper, and the estimate lies inside;
- ratios (risk, odds, hazard; with a unit such as "per mg/dl" too): the CI is symmetric on the
  log scale, and the p-value beside it agrees with the one the CI implies against 1;
- differences (mean difference, SMD): the same on the linear scale, against 0;
- means: symmetric on the linear scale (a mean's CI is estimate ± t·SE); no p-value check, as
  a p beside a mean tests a comparison, not the mean against 0;
- medians, proportions and other estimates (counts, durations, rates, percent changes, AUCs):
  no symmetry check, since their intervals are asymmetric by construction (order statistics,
  Wilson or exact intervals, log or Poisson scales) and no p-value check; a proportion in
  percent must lie, bounds included, within 0 to 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from scipy.stats import norm

from kb.enums import RATIO_KINDS, MeasureKind
from kb.measures.intervals import PERCENT_UNITS
from kb.measures.model import Box, ParsedMeasure, printed, rounding_box

__all__ = ["CheckResult", "check_measure"]

# Float noise in log/midpoint arithmetic must never decide a verdict on its own.
_EPS = 1e-9
_PRE_POST_FIELDS = (("pre_mean", "baseline mean"), ("post_mean", "follow-up mean"))
_SYMMETRIC = RATIO_KINDS | {MeasureKind.mean_difference, MeasureKind.smd, MeasureKind.mean}
_TESTED = RATIO_KINDS | {MeasureKind.mean_difference, MeasureKind.smd}


@dataclass(frozen=True)
class CheckResult:
    """Outcome of check_measure: problems in plain English and a one-sentence explanation."""

    ok: bool
    problems: list[str]
    explanation: str


def _level_text(m: ParsedMeasure) -> str:
    return f"{(m.ci_level or 0.95) * 100:g}% CI"


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[1] + _EPS and b[0] <= a[1] + _EPS


def _check_ranges(m: ParsedMeasure, problems: list[str]) -> None:
    for name, label in (("pre_sd", "baseline SD"), ("post_sd", "follow-up SD")):
        value = getattr(m, name)
        if value is not None and value < 0:
            problems.append(f"{label} {printed(m, name)} is negative; an SD cannot be below 0")
    if m.p_value is not None and not 0 <= m.p_value <= 1:
        problems.append(f"p-value {printed(m, 'p_value')} lies outside 0 to 1")
    if m.percent is not None and not 0 <= m.percent <= 100:
        problems.append(f"percentage {printed(m, 'percent')}% lies outside 0 to 100")
    if m.kind is MeasureKind.proportion and (m.unit or "").lower() in PERCENT_UNITS:
        for name, label in (("estimate", "estimate"), ("ci_lower", "lower"), ("ci_upper", "upper")):
            value = getattr(m, name)
            if value is not None and not 0 <= value <= 100:
                problems.append(f"proportion {label} {printed(m, name)}% lies outside 0 to 100")
    if m.n is not None and m.n <= 0:
        problems.append(f"sample size n = {m.n} is not a positive count")
    if m.events is not None and m.n is not None and m.events > m.n:
        problems.append(f"{m.events} events is more than the {m.n} in the group")
    if m.scale_max is not None:
        scale = f"0 to {m.scale_max:g} scale"
        for name, label in _PRE_POST_FIELDS:
            value = getattr(m, name)
            if value is not None and not 0 <= value <= m.scale_max:
                problems.append(f"{label} {printed(m, name)} lies outside the {scale}")
        estimate = m.estimate
        if m.kind not in RATIO_KINDS and estimate is not None and abs(estimate) > m.scale_max:
            problems.append(f"estimate {printed(m, 'estimate')} exceeds the {scale}")
    if m.kind in RATIO_KINDS:
        for name in ("estimate", "ci_lower", "ci_upper"):
            box = rounding_box(m, name)
            if box is not None and box[1] <= 0:
                problems.append(f"{m.kind.value} value {printed(m, name)} is not above 0")


def _implied_p_range(est: Box, low: Box, high: Box, z_crit: float) -> tuple[float, float] | None:
    """Range of the two-sided p implied by a CI over the rounding box (null value 0)."""
    width_min, width_max = high[0] - low[1], high[1] - low[0]
    if width_max <= 0:
        return None
    abs_min = 0.0 if est[0] <= 0 <= est[1] else min(abs(est[0]), abs(est[1]))
    abs_max = max(abs(est[0]), abs(est[1]))
    z_min = abs_min * 2 * z_crit / width_max
    z_max = abs_max * 2 * z_crit / width_min if width_min > 0 else math.inf
    return (float(2 * norm.sf(z_max)), float(2 * norm.sf(z_min)))


def _reported_p_range(m: ParsedMeasure) -> Box | None:
    box = rounding_box(m, "p_value")
    if box is None or m.p_value is None:
        return None
    op = m.p_operator or "="
    if op in ("<", "<="):
        return (0.0, m.p_value)  # a threshold is exact, not a rounded value
    if op in (">", ">="):
        return (m.p_value, 1.0)
    return (max(box[0], 0.0), min(box[1], 1.0))


def _check_ci(m: ParsedMeasure, problems: list[str], done: list[str]) -> None:
    est, low, high = (rounding_box(m, n) for n in ("estimate", "ci_lower", "ci_upper"))
    if est is None or low is None or high is None:
        return
    e, lo, hi = printed(m, "estimate"), printed(m, "ci_lower"), printed(m, "ci_upper")
    ci = f"{_level_text(m)} {lo} to {hi}"
    if low[0] > high[1]:
        problems.append(f"{ci} has its lower bound above its upper bound")
        return
    done.append("estimate inside its CI")
    if est[1] < low[0] or est[0] > high[1]:
        problems.append(f"estimate {e} lies outside its {ci}")
        return
    if m.kind not in _SYMMETRIC:
        return
    ratio = m.kind in RATIO_KINDS
    if ratio:
        # Ratios are symmetric, and tested against the null, on the log scale.
        if min(est[0], low[0], high[0]) <= 0:
            return
        est, low, high = ((math.log(b[0]), math.log(b[1])) for b in (est, low, high))
    scale = "log" if ratio else "linear"
    done.append(f"CI symmetry ({scale} scale)")
    mid = ((low[0] + high[0]) / 2, (low[1] + high[1]) / 2)
    if not _overlaps(mid, est):
        centre = (mid[0] + mid[1]) / 2
        shown = math.exp(centre) if ratio else centre
        decimals = m.decimals.get("estimate", 2) + 1
        problems.append(
            f"{ci} is not symmetric about {e} on the {scale} scale: it is centred on "
            f"{shown:.{decimals}f}"
        )
    reported = _reported_p_range(m)
    if m.kind not in _TESTED:
        return
    level = m.ci_level or 0.95
    if reported is None or not 0 < level < 1:
        return
    z_crit = _z_crit(level)
    implied = _implied_p_range(est, low, high, z_crit) if math.isfinite(z_crit) else None
    if implied is None:
        return
    done.append(f"p implied by the CI against p {m.p_operator or '='} {printed(m, 'p_value')}")
    if not _overlaps(implied, reported):
        problems.append(
            f"{ci} around {e} implies p between {implied[0]:.2g} and {implied[1]:.2g}, "
            f"which cannot be reported as p {m.p_operator or '='} {printed(m, 'p_value')}"
        )


@lru_cache(maxsize=64)
def _z_crit(level: float) -> float:
    """The two-sided critical z of a CI level (a handful of levels recur: 0.95, 0.9, 0.99)."""
    return float(norm.ppf((1 + level) / 2))


def _check_proportion(m: ParsedMeasure, problems: list[str], done: list[str]) -> None:
    box = rounding_box(m, "percent")
    if m.events is None or m.n is None or box is None or m.n <= 0:
        return
    done.append("x of n percentage")
    actual = 100 * m.events / m.n
    if not box[0] - _EPS <= actual <= box[1] + _EPS:
        problems.append(
            f"{m.events} of {m.n} is {actual:.1f}%, not {printed(m, 'percent')}% as printed"
        )


def _finite(m: ParsedMeasure) -> bool:
    values = (
        m.pre_mean, m.pre_sd, m.post_mean, m.post_sd, m.estimate, m.ci_lower, m.ci_upper,
        m.ci_level, m.p_value, m.percent, m.scale_max,
    )  # fmt: skip
    return all(v is None or math.isfinite(v) for v in values)


def check_measure(m: ParsedMeasure) -> CheckResult:
    """Check one measure for internal consistency, allowing for the rounding of printed digits."""
    if not _finite(m):
        problem = "a value of this measure is not a finite number"
        return CheckResult(False, [problem], f"Could not check {m.text!r}: {problem}.")
    problems: list[str] = []
    done = ["value ranges"]
    _check_ranges(m, problems)
    _check_ci(m, problems, done)
    _check_proportion(m, problems, done)
    verdict = "consistent" if not problems else f"{len(problems)} problem(s) found"
    checks = ", ".join(done[:-1]) + " and " + done[-1] if len(done) > 1 else done[0]
    explanation = f"Checked {checks} of {m.text!r}, allowing for rounding: {verdict}."
    return CheckResult(not problems, problems, explanation)
