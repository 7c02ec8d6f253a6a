"""Numbers out of a claim's text: effects with CIs, p-values, pre/post means, proportions.

parse_measures() finds what a claim reports and keeps each number's printed decimals, so that
check_measure() (kb.numeric_checks) can test internal consistency allowing for rounding, and
numbers_missing_from() can say which printed numbers a cited abstract does not contain.
Pure functions: no database, no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kb.enums import MeasureKind
from kb.numeric_checks import CheckResult, check_measure

__all__ = [
    "CheckResult",
    "Measure",
    "check_measure",
    "numbers_missing_from",
    "numeric_tokens",
    "parse_measures",
]

_MINUS = "-\u2212\u2013"  # hyphen, minus sign, and the en dash some PDFs print as a minus
_SEPARATORS = ",\u00a0\u2009\u202f "  # thousands separators: "1,000", "88 657"
# Explicit [0-9]: \d would also take Arabic-Indic and other Unicode digits.
_INT = r"[0-9]{1,3}(?:[,\u00a0\u2009\u202f ][0-9]{3})+(?![0-9])|[0-9]+"
_UNSIGNED = rf"(?:{_INT})(?:\.[0-9]+)?|\.[0-9]+"
_MAX_DIGITS = 15  # beyond a double's precision a "number" is an identifier, not a measurement


def _num(name: str) -> str:
    # A sign counts only where it cannot be a range dash ("0.57–0.81" is two positive numbers).
    sign = rf"(?:(?<![\w.)\]%])[{_MINUS}+](?=[0-9.])|(?<![\w.]))"
    return rf"(?P<{name}>{sign}(?:{_UNSIGNED}))(?!\w|\.[0-9])"


def _sci(name: str, name_e: str) -> str:
    # "3×10−4", "3 x 10^-4" and "3e-4": p-values too small for plain decimals.
    power = rf"\s*[×x·]\s*10\s*\^?\s*(?P<{name}>[{_MINUS}]\s*[0-9]{{1,3}})"
    return rf"(?:{power}|[eE](?P<{name_e}>-[0-9]{{1,3}}))"


def _int(name: str) -> str:
    return rf"(?<![\w.,])(?P<{name}>{_INT})(?!\w|[.,][0-9])"


_PM = r"\s*(?:±|\+/[-−]|\+-)\s*"
_TO = r"\s*(?:\bto\b|→|->|\bvs\.?|\bversus\b)\s*"
_P_OP = r"(?P<op><=|>=|≤|≥|⩽|⩾|<|>|=)"
_P = (
    rf"(?<![A-Za-z])[pP](?:\s*-?\s*values?)?\s*{_P_OP}\s*"
    rf"(?:10\s*\^?\s*(?P<pten>[{_MINUS}]\s*[0-9]{{1,3}})(?![0-9])"  # "P < 10−5"
    rf"|(?P<p>[0-9]*\.?[0-9]+){_sci('pexp', 'pexp2')}?)(?!\w|\.[0-9])"
)
_CI_LABEL = (
    r"(?:(?P<level>[0-9]{2}(?:\.[0-9]+)?)\s*%\s*)?"
    r"(?:CI|C\.I\.|CrI|(?i:confidence\s+interval|credible\s+interval))s?\b\s*(?:[\[(]CI[\])]\s*)?[:=,]?\s*"
)


def _mean_sd(prefix: str) -> str:
    in_brackets = rf"\s*\(\s*(?:SD|s\.d\.)\s*[:=]?\s*{_num(prefix + '_sdp')}\s*\)"
    sd = rf"(?:{_PM}{_num(prefix + '_sd')}|{in_brackets})"
    return rf"{_num(prefix + '_mean')}{sd}"


_PRE_POST = re.compile(rf"(?:\bfrom\s+)?{_mean_sd('pre')}\s*,?{_TO}{_mean_sd('post')}")
_PRE_POST_BARE = re.compile(rf"\bfrom\s+{_num('pre_mean')}\s+to\s+{_num('post_mean')}")
_EFFECT = re.compile(
    rf"{_num('est')}\s*(?:[,;:]\s*)?(?P<open>[(\[])?\s*(?P<label>{_CI_LABEL})?[(\[]?\s*"
    rf"{_num('lo')}\s*(?:\bto\b|[–—,;]|-)\s*{_num('hi')}\s*(?P<close>[)\]])?"
)
# A p right after the CI ("(0.57–0.81) P < 0.001", "; p = 0.002") belongs to that estimate.
_TRAILING_P = re.compile(rf"\s*[)\]]?\s*[,;]?\s*(?P<pb>\()?\s*{_P}(?(pb)\s*\))")
_P_ALONE = re.compile(_P)
_PEOPLE = (
    r"(?:patients|participants|subjects|women|men|adults|children|individuals|people"
    r"|persons|volunteers|infants|cases)\b"
)
_PROPORTIONS = (
    re.compile(rf"{_num('percent')}\s*%\s*\(\s*{_int('events')}\s*(?:/|\bof\b)\s*{_int('n')}\s*\)"),
    re.compile(
        rf"{_int('events')}(?:\s*/\s*|\s+(?:out\s+)?of\s+){_int('n')}"
        rf"(?:(?P<noun>(?:\s+[A-Za-z][\w-]*){{0,3}}?)\s*\(\s*{_num('percent')}\s*%\s*\)"
        rf"|\s+{_PEOPLE})"
    ),
    re.compile(rf"{_int('events')}\s*\(\s*{_num('percent')}\s*%\s*\)"),
)
_N = re.compile(
    rf"\b[nN]\s*=\s*{_int('n')}|{_int('n2')}\s+(?:(?:consecutive|adult|eligible)\s+)?{_PEOPLE}"
)
_UNIT = r"(?P<unit>hour|day|week|month|year)s?\b(?![-\s]+old)"
_TIME = re.compile(
    rf"(?:\b(?P<prep>at|after|over|for|within|during|by|through)\s+(?:(?:a|the)\s+)?"
    rf"(?:(?:mean|median|average)\s+(?:of\s+)?)?"
    rf"|\b(?P<avg>mean|median|average)\s+(?:follow[-\s]?up\s+(?:of\s+|was\s+)?)?"
    rf"|\b(?P<lead>follow[-\s]?up)\s+(?:period\s+)?(?:of|was|lasted)\s+(?:(?:mean|median)\s+)?)?"
    rf"{_num('tval')}(?P<hy>\s*[-‐]\s*|\s+){_UNIT}(?P<fu>[-\s]+(?:of\s+)?follow[-\s]?up)?",
    re.IGNORECASE,
)
_KINDS = (
    (MeasureKind.smd, r"\bSMDs?\b|(?i:standardi[sz]ed\s+mean\s+differences?|hedges'?\s*g\b)"),
    (MeasureKind.smd, r"(?i:cohen'?s\s*d\b)"),
    (MeasureKind.mean_difference, r"\bW?MDs?\b|(?i:mean\s+differences?|difference\s+in\s+means)"),
    (MeasureKind.risk_ratio, r"\ba?I?RRs?\b|(?i:relative\s+risks?|risk\s+ratios?|rate\s+ratios?)"),
    (MeasureKind.odds_ratio, r"\ba?ORs?\b|(?i:odds\s+ratios?)"),
    (MeasureKind.hazard_ratio, r"\ba?HRs?\b|(?i:hazard\s+ratios?)"),
)
_KIND_PATTERNS = tuple((kind, re.compile(p)) for kind, p in _KINDS)
_KIND_WINDOW = 150  # how far back a kind word ("odds ratios ... 2.24 (1.66–3.03)") still applies
_SCALES = (
    ("visual analog scale", r"visual\s+analog(?:ue)?\s+scale|\bVAS\b"),
    ("numeric rating scale", r"numeric(?:al)?\s+(?:pain\s+)?rating\s+scale|\bNRS\b"),
)
_SCALE_PATTERNS = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in _SCALES)
_SCALE_100 = re.compile(r"(?<![0-9.])0\s*(?:[-–—]|to)\s*100\b|\b100[-\s]?(?:mm|point)\b", re.I)
_SCALE_10 = re.compile(r"(?<![0-9.])0\s*(?:[-–—]|to)\s*10\b(?!\.)|\b1[01][-\s]?point\b|\b10\s?cm\b")
_OUTCOMES = (
    re.compile(
        r"\b(?:odds|risk|hazard|likelihood|rate)\s+of\s+[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3}?"
        r"(?=\s*(?:[(,;\[]|\b(?:was|were|for|in|among|compared|versus|vs|with)\b|$))"
    ),
    re.compile(
        r"\b(?:effects?|improvements?|reductions?|changes?|differences?|increases?|decreases?)"
        r"\s+(?:on|in)\s+(?P<o>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?)"
        r"(?=\s*(?:[(,;\[]|\b(?:in|at|for|was|with|among|of)\b|$))"
    ),
    re.compile(r"\b(?P<o>[a-z][\w-]*)\s+scores?\b"),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n+")
_TOKEN = re.compile(_num("v") + _sci("exp", "exp2") + "?")
_NUMERIC_FIELDS = (
    "pre_mean", "pre_sd", "post_mean", "post_sd", "estimate", "ci_lower", "ci_upper",
    "p_value", "events", "n", "percent",
)  # fmt: skip


class _Skip(Exception):
    """A match whose numbers cannot be measurements (too many digits)."""


@dataclass
class Measure:
    """A number a claim reports, parsed into fields, with the printed decimals of each."""

    kind: MeasureKind
    text: str
    start: int
    end: int
    outcome: str | None = None
    pre_mean: float | None = None
    pre_sd: float | None = None
    post_mean: float | None = None
    post_sd: float | None = None
    estimate: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    ci_level: float | None = None
    p_value: float | None = None
    p_operator: str | None = None
    n: int | None = None
    events: int | None = None
    percent: float | None = None
    time_point: str | None = None
    scale_max: float | None = None
    decimals: dict[str, int] = field(default_factory=dict)

    def numbers(self) -> list[str]:
        """The printed numbers of this measure (rebuilt from values and printed decimals)."""
        out = []
        for name in _NUMERIC_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            decimals = self.decimals.get(name)
            if isinstance(value, int) or decimals is None:
                out.append(f"{value:g}" if isinstance(value, float) else str(value))
            else:
                out.append(f"{value:.{decimals}f}")
        if self.time_point:
            out.append(self.time_point.split()[0])
        return out

    def as_row(self) -> dict[str, Any]:
        """Flat dict of the fields, kind as its value string and decimals as a new dict."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row["kind"] = self.kind.value
        row["decimals"] = dict(self.decimals)
        return row


def _value(printed: str, exponent: str | None = None) -> tuple[float, int]:
    """Float value and printed decimals of a number as printed (any minus, separators)."""
    text = re.sub(f"[{_SEPARATORS}]", "", printed).lstrip("+")
    text = re.sub(f"^[{_MINUS}]", "-", text)
    if len(re.sub(r"[^0-9]", "", text)) > _MAX_DIGITS:
        raise _Skip(printed)
    decimals = len(text.split(".")[1]) if "." in text else 0
    value = float(text)
    if exponent:  # always negative: "×10−4", "e-4"
        power = int(re.sub(r"[^0-9]", "", exponent))
        value, decimals = value * 10.0**-power, decimals + power
    return value, decimals


def numeric_tokens(text: str) -> list[str]:
    """Every number printed in text, normalised: ASCII minus, no separators, '0.002' for '.002'."""
    out = []
    for match in _TOKEN.finditer(text):
        try:
            value, decimals = _value(match["v"], match["exp"] or match["exp2"])
        except (_Skip, ValueError, OverflowError):
            continue
        out.append(f"{value:.{decimals}f}")
    return out


def _decimal(token: str) -> Decimal | None:
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def _exponent(d: Decimal) -> int:
    exponent = d.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def numbers_missing_from(m: Measure, source_text: str) -> list[str]:
    """Printed numbers of m not in source_text (sign-blind; a more precise source counts)."""
    # Sign-blind because prose often carries the direction: "fell by 1.63" reports "-1.63".
    source = {abs(d) for d in map(_decimal, numeric_tokens(source_text)) if d is not None}
    missing = []
    for number in m.numbers():
        wanted = _decimal(number)
        if wanted is None or abs(wanted) in source:
            continue
        # The claim may round a more precise source figure ("27.3 months" -> "27 months").
        quantum = Decimal(1).scaleb(_exponent(wanted))
        if not any(
            _exponent(s) < _exponent(wanted)
            and abs(wanted)
            in (s.quantize(quantum, ROUND_HALF_UP), s.quantize(quantum, ROUND_HALF_EVEN))
            for s in source
        ):
            missing.append(number)
    return missing


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return spans


def _kind_before(text: str, start: int, end: int) -> MeasureKind | None:
    """The kind word nearest before the estimate (longest wins, so SMD beats its 'MD')."""
    best: tuple[int, int, MeasureKind] | None = None
    for kind, pattern in _KIND_PATTERNS:
        for match in pattern.finditer(text, start, end):
            key = (match.end(), match.end() - match.start(), kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _outcome(before: str, sentence: str) -> tuple[str | None, bool]:
    """Outcome named before a measure, and whether it is a pain scale (VAS/NRS)."""
    for name, pattern in _SCALE_PATTERNS:
        if pattern.search(sentence):  # "fell from 7 to 3 on a 0-10 NRS" names it after
            return name, True
    for pattern in _OUTCOMES:
        found = list(pattern.finditer(before))
        if found:
            last = found[-1]
            return (last["o"] if "o" in pattern.groupindex else last[0]).strip(), False
    return None, False


def _scale_max(sentence: str, values: list[float]) -> float:
    if _SCALE_100.search(sentence):
        return 100.0
    if _SCALE_10.search(sentence):
        return 10.0
    return 10.0 if all(abs(v) <= 10 for v in values) else 100.0


def _set(m: Measure, name: str, printed: str | None) -> None:
    if printed is not None:
        setattr(m, name, _value(printed)[0])
        m.decimals[name] = _value(printed)[1]


def _set_p(m: Measure, match: re.Match[str]) -> None:
    if match["pten"]:
        value, decimals = _value("1", match["pten"])
    else:
        value, decimals = _value(match["p"], match["pexp"] or match["pexp2"])
    m.p_value, m.decimals["p_value"] = value, decimals
    m.p_operator = {"≤": "<=", "⩽": "<=", "≥": ">=", "⩾": ">="}.get(match["op"], match["op"])


class _Parser:
    """One pass over a text; `taken` spans keep a number in at most one measure."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = _sentences(text)
        self.starts = [start for start, _ in self.sentences]
        self.taken: list[tuple[int, int]] = []
        self.measures: list[Measure] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def each(
        self, pattern: re.Pattern[str], build: Callable[[re.Match[str]], Measure | None]
    ) -> None:
        """Build a measure from every match not inside an earlier one."""
        for match in pattern.finditer(self.text):
            if not self.free(*match.span()):
                continue
            try:
                m = build(match)
            except _Skip:
                continue  # digits too many to be a measurement: not a measure, never an error
            if m is not None:
                m.text = self.text[m.start : m.end]
                self.taken.append((m.start, m.end))
                self.measures.append(m)

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.sentences[max(bisect_right(self.starts, pos) - 1, 0)]

    def trailing_p(self, m: Measure) -> None:
        match = _TRAILING_P.match(self.text, m.end)
        if match:
            _set_p(m, match)
            m.end = match.end()

    def context(self, m: Measure) -> None:
        """Outcome and pain-scale range from the sentence before the measure."""
        s_start, s_end = self.sentence(m.start)
        m.outcome, is_scale = _outcome(self.text[s_start : m.start], self.text[s_start:s_end])
        if is_scale:
            values = [v for v in (m.pre_mean, m.post_mean, m.estimate) if v is not None]
            m.scale_max = _scale_max(self.text[s_start:s_end], values)

    def pre_post(self, match: re.Match[str], need_scale: bool) -> Measure | None:
        m = Measure(MeasureKind.pre_post, "", match.start(), match.end())
        groups = match.groupdict()
        _set(m, "pre_mean", groups["pre_mean"])
        _set(m, "post_mean", groups["post_mean"])
        _set(m, "pre_sd", groups.get("pre_sd") or groups.get("pre_sdp"))
        _set(m, "post_sd", groups.get("post_sd") or groups.get("post_sdp"))
        self.context(m)
        if need_scale and m.scale_max is None:
            return None  # "from 2006 to 2010": bare from-to pairs count only on a pain scale
        self.trailing_p(m)
        return m

    def effect(self, match: re.Match[str]) -> Measure | None:
        labelled = match["label"] is not None
        if not labelled and not (match["open"] and match["close"]):
            return None
        # Unlabelled brackets are CIs only with decimals: "[20–22]" is a citation.
        if not labelled and "." not in match["est"] + match["lo"] + match["hi"]:
            return None
        window = max(self.sentence(match.start())[0], match.start() - _KIND_WINDOW)
        kind = _kind_before(self.text, window, match.start())
        if kind is None and labelled and _value(match["lo"])[0] <= 0:
            kind = MeasureKind.mean_difference  # a CI reaching below 0 is on a difference scale
        if kind is None:
            return None  # "45 (30–60)" without a named effect may be a median and range
        m = Measure(kind, "", match.start(), match.end())
        _set(m, "estimate", match["est"])
        _set(m, "ci_lower", match["lo"])
        _set(m, "ci_upper", match["hi"])
        m.ci_level = float(match["level"]) / 100 if match["level"] else 0.95
        self.trailing_p(m)
        self.context(m)
        return m

    def proportion(self, match: re.Match[str]) -> Measure:
        m = Measure(MeasureKind.proportion, "", match.start(), match.end())
        groups = match.groupdict()
        m.events = int(_value(groups["events"])[0])
        if groups.get("n"):
            m.n = int(_value(groups["n"])[0])
        _set(m, "percent", groups.get("percent"))
        self.context(m)
        m.scale_max = None  # a percentage is not a score on the pain scale
        return m

    def p_value(self, match: re.Match[str]) -> Measure | None:
        """A p-value on its own joins the one effect in its sentence that lacks one."""
        sentence = self.sentence(match.start())
        owners = [
            m for m in self.measures
            if m.kind is not MeasureKind.proportion and m.p_value is None
            and self.sentence(m.start) == sentence
        ]  # fmt: skip
        if len(owners) == 1:
            _set_p(owners[0], match)
            return None
        m = Measure(MeasureKind.p_value, "", match.start(), match.end())
        _set_p(m, match)
        return m

    def attach(self) -> None:
        """Give each measure the sample size and time point its sentence states."""
        sizes = [(x.span(), x["n"] or x["n2"]) for x in _N.finditer(self.text)]
        times = [(x.span(), _time_point(x)) for x in _TIME.finditer(self.text)]
        for m in self.measures:
            if m.n is None:
                size = self.nearest(m, sizes)
                m.n = int(_value(size)[0]) if size and len(size) <= _MAX_DIGITS else None
            if m.time_point is None:
                m.time_point = self.nearest(m, times)

    def nearest(self, m: Measure, found: list[tuple[tuple[int, int], str | None]]) -> str | None:
        best, best_distance = None, 0
        for (start, end), value in found:
            if value is None or self.sentence(start) != self.sentence(m.start):
                continue
            if not self.free(start, end) and not m.start <= start < m.end:
                continue  # "of 82 patients" inside another proportion belongs to it
            distance = max(start - m.end, m.start - end, 0)
            if best is None or distance < best_distance:
                best, best_distance = value, distance
        return best


def _time_point(match: re.Match[str]) -> str | None:
    """'mean 27-month follow-up' -> '27 months'; None for a bare '30 years' (an age)."""
    if not (match["prep"] or match["avg"] or match["lead"] or match["fu"] or "-" in match["hy"]):
        return None
    value = match["tval"].lstrip("+")
    plural = "" if value in ("1", "1.0") else "s"
    return f"{value} {match['unit'].lower()}{plural}"


def parse_measures(text: str) -> list[Measure]:
    """Every measure the text reports, in reading order; non-measure numbers give nothing."""
    parser = _Parser(text)
    parser.each(_PRE_POST, lambda x: parser.pre_post(x, need_scale=False))
    parser.each(_EFFECT, parser.effect)
    parser.each(_PRE_POST_BARE, lambda x: parser.pre_post(x, need_scale=True))
    for pattern in _PROPORTIONS:
        parser.each(pattern, parser.proportion)
    parser.each(_P_ALONE, parser.p_value)
    parser.attach()
    return sorted(parser.measures, key=lambda m: m.start)
