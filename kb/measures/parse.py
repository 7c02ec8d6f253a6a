"""Numbers out of a claim's text: effects with CIs, p-values, pre/post means, proportions.

parse_measures() finds what a claim reports and keeps each number's printed decimals, so that
check_measure() (kb.measures.consistency) can test internal consistency allowing for rounding,
and numbers_missing_from() (kb.measures.source) can say which printed numbers a cited abstract
does not contain.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate

from kb.enums import MeasureKind
from kb.measures.intervals import EFFECT as _EFFECT
from kb.measures.intervals import NOT_AN_ESTIMATE, ci_level, effect_kind, is_labelled
from kb.measures.model import ParsedMeasure
from kb.measures.numbers import (
    MAX_DIGITS,
    MINUS,
    TooManyDigits,
    integer,
    number,
    read,
    read_measured,
    scientific,
)

__all__ = ["parse_measures"]

_PM = r"\s*(?:±|\+/[-−]|\+-)\s*"
_TO = r"\s*(?:\bto\b|→|->|\bvs\.?|\bversus\b)\s*"
_P_OP = r"(?P<op><=|>=|≤|≥|⩽|⩾|<|>|=)"
_P = (
    rf"(?<![A-Za-z])[pP](?:\s*-?\s*values?)?\s*{_P_OP}\s*"
    rf"(?:10\s*\^?\s*(?P<pten>[{MINUS}]\s*[0-9]{{1,3}})(?![0-9])"  # "P < 10−5"
    rf"|(?P<p>[0-9]*\.?[0-9]+){scientific('pexp', 'pexp2')}?)(?!\w|\.[0-9])"
)


def _mean_sd(prefix: str) -> str:
    in_brackets = rf"\s*\(\s*(?:SD|s\.d\.)\s*[:=]?\s*{number(prefix + '_sdp')}\s*\)"
    sd = rf"(?:{_PM}{number(prefix + '_sd')}|{in_brackets})"
    return rf"{number(prefix + '_mean')}{sd}"


_PRE_POST = re.compile(rf"(?:\bfrom\s+)?{_mean_sd('pre')}\s*,?{_TO}{_mean_sd('post')}")
_PRE_POST_BARE = re.compile(rf"\bfrom\s+{number('pre_mean')}\s+to\s+{number('post_mean')}")
# A p right after the CI ("(0.57–0.81) P < 0.001", "; p = 0.002") belongs to that estimate.
_TRAILING_P = re.compile(rf"\s*[)\]]?\s*[,;]?\s*(?P<pb>\()?\s*{_P}(?(pb)\s*\))")
_P_ALONE = re.compile(_P)
_PEOPLE = (
    r"(?:patients|participants|subjects|women|men|adults|children|individuals|people"
    r"|persons|volunteers|infants|cases)\b"
)
_PROPORTIONS = (
    re.compile(
        rf"{number('percent')}\s*%\s*\(\s*{integer('events')}\s*(?:/|\bof\b)\s*{integer('n')}\s*\)"
    ),
    re.compile(
        rf"{integer('events')}(?:\s*/\s*|\s+(?:out\s+)?of\s+){integer('n')}"
        rf"(?:(?P<noun>(?:\s+[A-Za-z][\w-]*){{0,3}}?)\s*\(\s*{number('percent')}\s*%\s*\)"
        rf"|\s+{_PEOPLE})"
    ),
    re.compile(rf"{integer('events')}\s*\(\s*{number('percent')}\s*%\s*\)"),
)
_N = re.compile(
    rf"\b[nN]\s*=\s*{integer('n')}"
    rf"|{integer('n2')}\s+(?:(?:consecutive|adult|eligible)\s+)?{_PEOPLE}"
)
_UNIT = r"(?P<unit>hour|day|week|month|year)s?\b(?![-\s]+old)"
_TIME = re.compile(
    rf"(?=[afowdbtm{MINUS}+0-9.])(?:\b(?P<prep>at|after|over|for|within|during|by|through)\s+"
    rf"(?:(?:a|the)\s+)?(?:(?:mean|median|average)\s+(?:of\s+)?)?"
    rf"|\b(?P<avg>mean|median|average)\s+(?:follow[-\s]?up\s+(?:of\s+|was\s+)?)?"
    rf"|\b(?P<lead>follow[-\s]?up)\s+(?:period\s+)?(?:of|was|lasted)\s+(?:(?:mean|median)\s+)?)?"
    rf"{number('tval')}(?P<hy>\s*[-‐]\s*|\s+){_UNIT}(?P<fu>[-\s]+(?:of\s+)?follow[-\s]?up)?",
    re.IGNORECASE,
)
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
# How far back an outcome is looked for: a bounded window keeps a sentence of many measures
# linear ("odds of relapse ... 1.5 (1.2-1.9)" names it within a few words).
_OUTCOME_WINDOW = 200
_SENTENCE_END = re.compile(r"(?=\s)(?:(?<=[.!?])\s+(?=[A-Z(\[])|\n+)")  # both start on a space


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return spans


def _scale(sentence: str) -> str | None:
    """The pain scale a sentence names anywhere ("fell from 7 to 3 on a 0-10 NRS")."""
    return next((name for name, p in _SCALE_PATTERNS if p.search(sentence)), None)


def _outcome(before: str, scale: str | None) -> tuple[str | None, bool]:
    """Outcome named before a measure, and whether it is a pain scale (VAS/NRS)."""
    if scale is not None:
        return scale, True
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


def _set(m: ParsedMeasure, name: str, printed: str | None) -> None:
    if printed is not None:
        setattr(m, name, read(printed)[0])
        m.decimals[name] = read(printed)[1]


def _set_p(m: ParsedMeasure, match: re.Match[str]) -> None:
    if match["pten"]:
        value, decimals = read("1", match["pten"])
    else:
        value, decimals = read(match["p"], match["pexp"] or match["pexp2"])
    m.p_value, m.decimals["p_value"] = value, decimals
    m.p_operator = {"≤": "<=", "⩽": "<=", "≥": ">=", "⩾": ">="}.get(match["op"], match["op"])


class _Taken:
    """The spans of the measures made so far, each candidate checked in O(log n).

    Sorted by start, with the running maximum of their ends: a candidate [start, end) overlaps
    one of them exactly when the largest end among those starting before `end` lies past
    `start` (the spans may overlap one another: a trailing p-value can reach into a span taken
    before). A pattern's matches arrive in reading order, so the spans made from them wait in
    `pending`, where only their largest end matters while candidates start at or after them;
    the index is rebuilt when a candidate goes back (the next pattern starts over), by sorting
    two sorted runs, which is a linear merge.
    """

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.starts: list[int] = []
        self.max_ends: list[int] = []
        self.pending: list[tuple[int, int]] = []
        self.pending_end = 0

    def overlaps(self, start: int, end: int) -> bool:
        if self.pending and (start < self.pending[-1][0] or start >= end):
            self._rebuild()  # out of reading order (or empty): check against the index alone
        if self.pending and self.pending_end > start:
            return True  # every pending span starts at or before start, so before end
        i = bisect_left(self.starts, end)
        return i > 0 and self.max_ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        if self.pending and start < self.pending[-1][0]:
            self._rebuild()
        self.pending.append((start, end))
        self.pending_end = max(self.pending_end, end)

    def _rebuild(self) -> None:
        self.spans += self.pending
        self.spans.sort()
        self.pending, self.pending_end = [], 0
        self.starts = [start for start, _ in self.spans]
        self.max_ends = list(accumulate((end for _, end in self.spans), max))


_Found = tuple[int, int, str, bool]  # start, end, value, free


class _Parser:
    """One pass over a text; `taken` spans keep a number in at most one measure."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = _sentences(text)
        self.starts = [start for start, _ in self.sentences]
        self.taken = _Taken()
        self.measures: list[ParsedMeasure] = []
        self.measure_sentences: list[int] = []  # the sentence of each measure, by index
        # Per sentence, the measures that would take a p-value printed on its own.
        self.open_for_p: dict[int, list[ParsedMeasure]] = {}
        self.scales: dict[int, str | None] = {}  # the pain scale each sentence names

    def free(self, start: int, end: int) -> bool:
        return not self.taken.overlaps(start, end)

    def each(
        self, pattern: re.Pattern[str], build: Callable[[re.Match[str]], ParsedMeasure | None]
    ) -> None:
        """Build a measure from every match not inside an earlier one."""
        for match in pattern.finditer(self.text):
            if not self.free(*match.span()):
                continue
            try:
                m = build(match)
            except TooManyDigits:
                continue  # digits too many to be a measurement: not a measure, never an error
            if m is not None:
                m.text = self.text[m.start : m.end]
                self.taken.add(m.start, m.end)
                self.measures.append(m)
                index = self.sentence_index(m.start)
                self.measure_sentences.append(index)
                if m.kind is not MeasureKind.proportion and m.p_value is None:
                    self.open_for_p.setdefault(index, []).append(m)

    def sentence_index(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.sentences[self.sentence_index(pos)]

    def trailing_p(self, m: ParsedMeasure) -> None:
        match = _TRAILING_P.match(self.text, m.end)
        if match:
            _set_p(m, match)
            m.end = match.end()

    def context(self, m: ParsedMeasure) -> None:
        """Outcome and pain-scale range from the sentence before the measure."""
        index = self.sentence_index(m.start)
        s_start, s_end = self.sentences[index]
        if index not in self.scales:  # once per sentence, not once per measure in it
            self.scales[index] = _scale(self.text[s_start:s_end])
        before = self.text[max(s_start, m.start - _OUTCOME_WINDOW) : m.start]
        m.outcome, is_scale = _outcome(before, self.scales[index])
        if is_scale:
            values = [v for v in (m.pre_mean, m.post_mean, m.estimate) if v is not None]
            m.scale_max = _scale_max(self.text[s_start:s_end], values)

    def pre_post(self, match: re.Match[str], need_scale: bool) -> ParsedMeasure | None:
        m = ParsedMeasure(MeasureKind.pre_post, "", match.start(), match.end())
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

    def effect(self, match: re.Match[str]) -> ParsedMeasure | None:
        """An estimate with its interval (kb.measures.intervals says which and of what kind)."""
        labelled = is_labelled(match)
        if not labelled and not (match["open"] and match["close"]):
            return None
        # Unlabelled brackets are CIs only with decimals: "[20–22]" is a citation.
        if not labelled and not re.search("[.·]", match["est"] + match["lo"] + match["hi"]):
            return None
        s_start = self.sentence(match.start())[0]
        if NOT_AN_ESTIMATE.search(self.text, max(s_start, match.start() - 40), match.start()):
            return None  # "p = 0.01, 95% CI ...": the number before the CI is no estimate
        unit = " ".join(match["unit"].split()) if match["unit"] else None
        kind = effect_kind(self.text, s_start, match, unit)
        if kind is None:
            return None  # "45 (30–60)" without a named effect may be a median and range
        m = ParsedMeasure(kind, "", match.start(), match.end())
        for name, group in (("estimate", "est"), ("ci_lower", "lo"), ("ci_upper", "hi")):
            setattr(m, name, read_measured(match, group)[0])
            m.decimals[name] = read_measured(match, group)[1]
        m.unit = unit
        m.ci_level = ci_level(match)
        self.trailing_p(m)
        self.context(m)
        return m

    def proportion(self, match: re.Match[str]) -> ParsedMeasure:
        m = ParsedMeasure(MeasureKind.proportion, "", match.start(), match.end())
        groups = match.groupdict()
        m.events = int(read(groups["events"])[0])
        if groups.get("n"):
            m.n = int(read(groups["n"])[0])
        _set(m, "percent", groups.get("percent"))
        self.context(m)
        m.scale_max = None  # a percentage is not a score on the pain scale
        return m

    def p_value(self, match: re.Match[str]) -> ParsedMeasure | None:
        """A p-value on its own joins the one effect in its sentence that lacks one."""
        owners = self.open_for_p.get(self.sentence_index(match.start()), [])
        if len(owners) == 1:
            _set_p(owners[0], match)
            owners.clear()  # it has its p-value now
            return None
        m = ParsedMeasure(MeasureKind.p_value, "", match.start(), match.end())
        _set_p(m, match)
        return m

    def attach(self) -> None:
        """Give each measure the sample size and time point its sentence states."""
        t = self.text
        sizes = self.by_sentence((x.span(), x["n"] or x["n2"]) for x in _found(_N, _HAS_N, t))
        times = self.by_sentence((x.span(), _time_point(x)) for x in _found(_TIME, _HAS_UNIT, t))
        for m, index in zip(self.measures, self.measure_sentences, strict=True):
            if m.n is None:
                size = _nearest(m, sizes.get(index, []))
                m.n = int(read(size)[0]) if size and len(size) <= MAX_DIGITS else None
            if m.time_point is None:
                m.time_point = _nearest(m, times.get(index, []))

    def by_sentence(
        self, found: Iterable[tuple[tuple[int, int], str | None]]
    ) -> dict[int, list[_Found]]:
        """The values found, by sentence, each with its span and whether no measure took it."""
        groups: dict[int, list[_Found]] = {}
        for (start, end), value in found:
            if value is not None:
                item = (start, end, value, self.free(start, end))
                groups.setdefault(self.sentence_index(start), []).append(item)
        return groups


def _nearest(m: ParsedMeasure, found: list[_Found]) -> str | None:
    """The value found nearest to m in its sentence (the first of equally near ones)."""
    best, best_distance = None, 0
    for start, end, value, free in found:
        if not free and not m.start <= start < m.end:
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


# What a text must hold for each pattern to give a measure (a look for a few characters costs
# far less than the pattern); an estimate needs a CI label or a bracket, else effect() takes none.
_HAS_SD = re.compile(r"±|\+/|\+-|SD|s\.d\.")
_HAS_CI_OR_BRACKET = re.compile(r"[(\[{]|CI|C\.I\.|CrI|UI|(?i:confidence|credible|uncertainty)")
_HAS_PERCENT_OPEN, _HAS_PERCENT_CLOSE = re.compile(r"%\s*\("), re.compile(r"%\s*\)")
_HAS_OF = re.compile(r"/|of")
_HAS_P_OPERATOR = re.compile(r"[<>=≤≥⩽⩾]")
_HAS_N = re.compile(rf"[nN]\s*=|{_PEOPLE}")
_HAS_UNIT = re.compile(r"hour|day|week|month|year", re.IGNORECASE)


def _found(pattern: re.Pattern[str], hint: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    return pattern.finditer(text) if hint.search(text) else ()


def parse_measures(text: str) -> list[ParsedMeasure]:
    """Every measure the text reports, in reading order; non-measure numbers give nothing."""
    parser = _Parser(text)
    if _HAS_SD.search(text):
        parser.each(_PRE_POST, lambda x: parser.pre_post(x, need_scale=False))
    if _HAS_CI_OR_BRACKET.search(text):
        parser.each(_EFFECT, parser.effect)
    if "from" in text and "to" in text:
        parser.each(_PRE_POST_BARE, lambda x: parser.pre_post(x, need_scale=True))
    if _HAS_PERCENT_OPEN.search(text):
        parser.each(_PROPORTIONS[0], parser.proportion)
    if _HAS_OF.search(text) and (_HAS_PERCENT_CLOSE.search(text) or _HAS_N.search(text)):
        parser.each(_PROPORTIONS[1], parser.proportion)
    if _HAS_PERCENT_CLOSE.search(text):
        parser.each(_PROPORTIONS[2], parser.proportion)
    if ("p" in text or "P" in text) and _HAS_P_OPERATOR.search(text):
        parser.each(_P_ALONE, parser.p_value)
    if parser.measures:  # sample sizes and time points attach to measures, and only to them
        parser.attach()
    return sorted(parser.measures, key=lambda m: m.start)
