"""Estimates printed with an interval: the pattern that finds them, the unit printed beside the
estimate, and the kind a reader gives them.

An estimate with a labelled interval ("95% CI", "CI 95%", "95%CI", "95 % CI", "CI95",
"95% confidence interval [CI]", "95% credible interval", "95% CrI", "95% UI") is taken in any
unit: "6.13 days (95% CI 4.97-7.53)", "48,600 (95% CI: 42,400-54,700)", "OR 1.19 per mg/dl;
95% CI 1.04-1.38", with "to", "and", "-", "–", "—", "," or ";" between the bounds, in brackets
or braces, negative bounds included, the label before the bounds or after them ("1.5 (1.2-1.9;
95% CI)"). The number before the label is not an estimate after "p =", "n =", "Table",
"Figure", "week" and the like, when it is a bare year outside the CI, or when no word names it,
no bracket opens the CI and the CI does not hold it ("240 patients; 95% CI 1.2 to 1.9").

An interval without a label ("0.80 (0.70–0.91)") is taken only in brackets, with decimals, after
a named ratio or difference: otherwise it may be a range, an IQR or a citation. "IQR", "range",
"percentile" and "prediction interval" are never a CI label, so what they bound is never parsed
as one.

The kind, from the words before the estimate:
- a ratio (OR, RR, HR and their names) or a difference (MD, SMD) named within 150 characters;
- else, in the estimate's clause: "median" -> median, "geometric mean" -> estimate, "mean" ->
  mean, and with a percent unit only, a proportion word ("prevalence", "sensitivity",
  "survival" ...) -> proportion; the nearer of this and a named ratio wins;
- else an estimate in percent ("a 23% reduction") is an estimate, one whose CI reaches 0 or
  below is a difference, and any other is an estimate.
Which checks apply to each kind is kb.measures.consistency's rule.
"""

from __future__ import annotations

import re

from kb.enums import RATIO_KINDS, MeasureKind
from kb.measures.numbers import measured, read_measured

__all__ = [
    "EFFECT",
    "NOT_AN_ESTIMATE",
    "PERCENT_UNITS",
    "ci_level",
    "effect_kind",
    "is_labelled",
    "named_kind",
]

_STOP = (
    r"(?i:in|among|for|with|and|or|was|were|is|are|of|at|vs|versus|compared|than|the|an?|to|"
    r"from|between|after|before|during|on|by|respectively|p|CI|UI|CrI|confidence|credible|"
    r"uncertainty|which|that|this|these|while|but|when|if|as|whereas|IQR|range|n)\b"
)
# One word of a unit: letters first, then letters, digits, "/", "-", superscripts, or a
# decimal point inside ("ml/min/1.73"), never a sentence's full stop.
_WORD = rf"(?!{_STOP})[A-Za-zµμ°Å](?:[\w/·µμ³²⁻¹-]|\.(?=[0-9]))*"
_PER = rf"(?:per\s+|/\s*)(?:[0-9]+(?:[,.][0-9]+)*-?\s*(?:{_WORD}(?:\s+{_WORD}){{0,1}})?|{_WORD})"
_UNIT = (
    rf"(?P<unit>%|(?i:per\s*cent\b|percentage\s+points?\b)|{_PER}(?:\s+{_WORD})?"
    rf"|{_WORD}(?:\s+{_WORD})?)"
)
PERCENT_UNITS = frozenset({"%", "per cent", "percent", "percentage point", "percentage points"})
_LEVEL = r"[0-9]{2}(?:\.[0-9]+)?"
_NAME = (
    r"(?:CI|C\.I\.|CrI|UI|(?i:confidence\s+(?:interval|limit)s?|credible\s+intervals?"
    r"|uncertainty\s+intervals?))"
)
_LABEL = (
    rf"(?P<label>(?:(?P<level>{_LEVEL})\s*(?:%|(?i:per\s*cent))\s*-?\s*{_NAME}"
    rf"|(?:CI|C\.I\.)\s*(?P<level2>{_LEVEL})\s*%?(?![0-9.,])|{_NAME})"
    r"s?(?![A-Za-z])\s*(?:[\[({]\s*CI\s*[\])}]\s*)?"
    r"(?:[:=,]|\b(?:of|from|between|was|were|is|(?:ranging|ranged)\s+from)\b)?\s*)"
)
_SEP = r"\s*(?:\bto\b|\band\b|[–—‐‑,;]|-)\s*"
_GAP = r"\s*(?:[,;:]\s*)?(?:(?:with|and)\s+(?:(?:an?|the|its)\s+)?)?"
# A label after the bounds: "1.5 (1.2-1.9; 95% CI)".
_TRAILING_LABEL = (
    rf"(?:\s*[,;]\s*(?P<tlabel>(?P<tlevel>{_LEVEL})\s*%\s*-?\s*{_NAME}s?(?![A-Za-z])))?"
)
EFFECT = re.compile(
    rf"{measured('est')}(?!\s*(?:%|(?i:per\s*cent))\s*-?\s*{_NAME})(?:\s*{_UNIT})??{_GAP}"
    rf"(?P<open>[(\[{{])?\s*{_LABEL}?(?P<inner>[(\[{{])?\s*"
    rf"{measured('lo')}(?:\s*(?P=unit))?{_SEP}{measured('hi')}(?:\s*(?P=unit))?"
    rf"{_TRAILING_LABEL}\s*(?P<close>[)\]}}])?"
)


def is_labelled(match: re.Match[str]) -> bool:
    """Whether an EFFECT match printed a CI label, before or after its bounds."""
    return match["label"] is not None or match["tlabel"] is not None


def ci_level(match: re.Match[str]) -> float:
    """The level an EFFECT match printed (0.95 when it printed none)."""
    level = match["level"] or match["level2"] or match["tlevel"]
    return float(level) / 100 if level else 0.95


# What makes a number before a CI label not an estimate: "p = 0.01, 95% CI", "n = 120; 95% CI",
# "Table 3 (95% CI ...)", "at week 12 (95% CI ...)" (but "at 6 weeks 0.5 (95% CI ...)" is one).
NOT_AN_ESTIMATE = re.compile(
    r"(?:\b[pPnN]\s*(?:-?\s*values?)?\s*[<>=≤≥]\s*|\b(?i:tables?|fig(?:ure)?s?\.?|supplement\w*|"
    r"appendix|section|chapter|pages?|pp?\.|refs?\.?|references?|models?|versions?|steps?|stages?|"
    r"grades?|phases?|types?|visits?|waves?|cycles?|arms?|groups?)\s*"
    r"|(?<![0-9][\s-])\b(?i:day|week|month|year)\s*)$"
)
_YEAR = re.compile(r"(?:1[89]|20)[0-9]{2}")
_KINDS = (
    (MeasureKind.smd, r"\bSMDs?\b|(?i:standardi[sz]ed\s+mean\s+differences?|hedges'?\s*g\b)"),
    (MeasureKind.smd, r"(?i:cohen'?s\s*d\b)"),
    (MeasureKind.mean_difference, r"\bW?MDs?\b|(?i:mean\s+differences?|difference\s+in\s+means)"),
    (
        MeasureKind.risk_ratio,
        r"\ba?I?RRs?(?![A-Za-z])|(?i:relative\s+risks?|risk\s+ratios?|rate\s+ratios?)",
    ),
    (MeasureKind.odds_ratio, r"\ba?ORs?(?![A-Za-z])|(?i:odds\s+ratios?)"),
    (MeasureKind.hazard_ratio, r"\ba?HRs?(?![A-Za-z])|(?i:hazard\s+ratios?)"),
)
_KIND_PATTERNS = tuple((kind, re.compile(p)) for kind, p in _KINDS)
_KIND_WINDOW = 150  # how far back a kind word ("odds ratios ... 2.24 (1.66–3.03)") still applies
_CLOSE_WINDOW = 60  # "median survival 14.2 months": these words sit next to their estimate
_CLOSE = (
    (MeasureKind.median, re.compile(r"\bmedian\b", re.IGNORECASE)),
    (MeasureKind.estimate, re.compile(r"\bgeometric\s+mean\b", re.IGNORECASE)),
    (MeasureKind.mean, re.compile(r"\bmean\b(?!\s+differences?)", re.IGNORECASE)),
)
_PROPORTION = re.compile(
    r"\b(?:prevalence|sensitivity|specificity|coverage|incidence|survival|proportion|"
    r"response\s+rate|predictive\s+value|uptake|adherence)\b",
    re.IGNORECASE,
)


def named_kind(text: str, start: int, end: int) -> tuple[MeasureKind, int] | None:
    """The kind word nearest before the estimate and where it ends (longest wins, so SMD beats
    its 'MD')."""
    best: tuple[int, int, MeasureKind] | None = None
    for kind, pattern in _KIND_PATTERNS:
        for match in pattern.finditer(text, start, end):
            key = (match.end(), match.end() - match.start(), kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return (best[2], best[0]) if best else None


def effect_kind(
    text: str, s_start: int, match: re.Match[str], unit: str | None
) -> MeasureKind | None:
    """The kind of an EFFECT match in the sentence starting at s_start; None: not an estimate."""
    start = match.start()
    lower, estimate = read_measured(match, "lo")[0], read_measured(match, "est")[0]
    holds = lower <= estimate <= read_measured(match, "hi")[0]
    if unit is None and _YEAR.fullmatch(match["est"]) and not holds:
        return None  # "In 2019, 95% CI 1.2-1.9": a year, not the estimate of that CI
    named = named_kind(text, max(s_start, start - _KIND_WINDOW), start)
    if named is not None and _is_percent(unit) and named[0] in RATIO_KINDS:
        named = None  # "a 12% reduction" is not the ratio named earlier in the sentence
    if not is_labelled(match):
        return named[0] if named else None  # unlabelled: only after a named ratio or difference
    w_start = max(s_start, start - _CLOSE_WINDOW)
    close = close_kind(text[w_start:start], unit)
    if close is not None and (named is None or w_start + close[1] > named[1]):
        return close[0]
    if named is not None:
        return named[0]
    if match["open"] is None and not holds:
        # "We enrolled 240 patients; 95% CI 1.2 to 1.9": nothing names the number before the
        # CI, nothing brackets the CI after it, and the CI does not hold it: not its estimate.
        return None
    if _is_percent(unit):
        return MeasureKind.estimate  # "a 23% reduction": relative, not a difference scale
    return MeasureKind.mean_difference if lower <= 0 else MeasureKind.estimate


def _is_percent(unit: str | None) -> bool:
    return unit is not None and unit.lower() in PERCENT_UNITS


def close_kind(before: str, unit: str | None) -> tuple[MeasureKind, int] | None:
    """The kind named in the estimate's clause and where its word ends in `before`, if any."""
    start = before.rfind(";") + 1  # the clause: "mean age 52; prevalence 12.3%" is no mean
    for kind, pattern in _CLOSE:
        found = list(pattern.finditer(before, start))
        if found:
            return kind, found[-1].end()
    if _is_percent(unit):
        found = list(_PROPORTION.finditer(before, start))
        if found:
            return MeasureKind.proportion, found[-1].end()
    return None
