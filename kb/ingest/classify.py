"""What a statement is (finding, recommendation, mechanism, background) and whether it needs a
source: word and number cues, no model. A first guess an editor can change.

Kinds, as DOMAIN.md names them, decided by the first of these rules that applies:

1. **finding** when the statement prints a statistic: a p-value, a confidence interval, "±",
   an effect-size name (OR, RR, HR, SMD, NNT, mean difference), a percentage, "n = ...", a
   rate such as "one in three" or "15 times more likely". Numbers of that kind are results.
2. **recommendation** when it tells someone what to do or who a treatment is for: an
   instruction ("Do not use ...", "Avoid ...", "If ..., consult ..."), "should", "must",
   "recommended", "advised", "(not) indicated", "contraindicated", "treatment of choice",
   "first-line", "ideal for", "is best", "next step", "appropriate", "can be targeted on".
3. **background** when it defines something: "X refers to ...", "is defined as", "we defined
   ... as", "X is a (common) condition / disorder / practice / model / ... ", "X is where ...".
4. **finding** when it reports a result or an observation: studies, trials, "no evidence",
   "evidence that", "showed", "found", "observed", "demonstrated", "significant", "associated
   with", "correlates", "more / less likely", "exposed to", "the majority of", "most / many /
   some patients (people)", "elevated ... levels", "decreased ... mRNA".
5. **mechanism** when it says how or why something happens in the body: "works by", "by
   blocking" (any "by ...ing"), "mechanism", "pathway", "signals", "circuits", "nervous
   system", "causes", "caused by", "triggers", "hypothesised", "impairs", "damages",
   "modulates", "regulating", "plays a role", "binds to", "receptors", "inflammation",
   "circulation", "absorb", "retrain", "rewire", "calm", "normalize".
6. **finding** when it claims an effect or a safety property: "effective", "efficacy", "safe",
   "benefits", "risk", "relief", "minimally invasive", "recovery", or a verb of change
   ("improves", "reduces", "increases", "helps") that is not a purpose ("a desire *to reduce*",
   "aim *to reduce*" state an intention, not a result).
7. **background** otherwise: context, descriptions, methods, conditions and fragments.

The order carries the rule set's judgement: numbers are results whatever else the sentence
says; an instruction is a recommendation even when it gives its reason; study words beat
mechanism words ("denervation correlates with balance" is a finding about a mechanism);
mechanism words beat effect words ("helps calm those signals" explains how it helps).
The labelled table in tests/test_ingest_kinds.py measures these rules per kind.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from kb.enums import ClaimKind

# The characters outside ASCII that equal an ASCII letter when case is ignored ("İ", "ı", "ſ" and
# the Kelvin sign); tests/test_classify_equivalence.py checks this against every code point.
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def lowered(text: str) -> str | None:
    """text with its ASCII capitals lower-cased, for Caseless.search; None when it holds one of
    FOLDS_TO_ASCII (then only the case-insensitive pattern itself is exact)."""
    if text.isascii():
        return text.lower()
    return None if not FOLDS_TO_ASCII.isdisjoint(text) else text.translate(_ASCII_LOWER)


class Caseless:
    """A case-insensitive pattern (ASCII) that runs several times faster as a case-sensitive,
    lower-cased copy of itself searched in lowered(text). The two agree exactly: a character
    outside FOLDS_TO_ASCII equals a letter of the pattern case-insensitively exactly when, ASCII
    capitals lower-cased, it is that letter in lower case; lowering ASCII capitals keeps every
    length, word character and boundary, and no other part of the pattern depends on case.

    ``needs`` (lower case), when given, are strings one of which every match contains: when
    none is in the lowered text the pattern is not run at all."""

    __slots__ = ("lowered", "needs", "pattern")

    def __init__(self, pattern: str, needs: tuple[str, ...] = ()) -> None:
        if not pattern.isascii() or re.search(r"\\[A-Z]", pattern):
            raise ValueError(f"not an ASCII pattern free of upper-case escapes: {pattern!r}")
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self.lowered = re.compile(pattern.lower())
        self.needs = needs

    def search(self, text: str, low: str | None) -> bool:
        """Whether the pattern occurs in text; low is lowered(text)."""
        if low is None:
            return self.pattern.search(text) is not None
        if self.needs and not any(n in low for n in self.needs):
            return False
        return self.lowered.search(low) is not None


def _words(*patterns: str) -> Caseless:
    return Caseless(r"\b(?:" + "|".join(patterns) + r")\b")


# Numbers that report a result: statistics, percentages, effect sizes, sample sizes.
# (Four patterns, each run only when the text holds a character it needs; case matters: "OR" is
# an odds ratio, "or" is not.)
_P_OR_N = re.compile(r"\b(?:[pP]\s*[<=>≤≥]\s*0?\.\d|[nN]\s*=\s*\d)")
_PERCENT = re.compile(r"\b(?:95|99|90)\s*%\s*(?:CI|[cC]onfidence)|\d\s*%")
_CI = re.compile(r"\bCI\b")
_EFFECT_SIZE = re.compile(
    r"\b(?:OR|RR|HR|SMD|NNT|[mM]ean [dD]ifference|[oO]dds [rR]atio|[rR]isk [rR]atio|"
    r"[hH]azard [rR]atio)\b"
)
_COMPARISON_SIGNS = frozenset("<=>≤≥")
_EFFECT_SIZE_NEEDS = ("OR", "RR", "HR", "SMD", "NNT", "ean ", "dds ", "isk ", "azard ")


def _statistic(text: str) -> bool:
    return bool(
        "±" in text
        or ("%" in text and _PERCENT.search(text))
        or ("CI" in text and _CI.search(text))
        or (not _COMPARISON_SIGNS.isdisjoint(text) and _P_OR_N.search(text))
        or (any(n in text for n in _EFFECT_SIZE_NEEDS) and _EFFECT_SIZE.search(text))
    )


_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:[.,]\d+)?")
_IMPERATIVE = Caseless(  # an instruction, possibly after an "If ...," clause
    r"^(?:if\b[^,.;]*,\s*)?(?:do not|don't|never|avoid|use|consider|consult|ask|talk|see|book|"
    r"start|stop|take|try|seek|call|contact|keep|limit|check|discuss|get|make sure|ensure|eat|"
    r"drink|wash|tell|wear|apply|store|remember)\b",
)
# The kind rules, in the order of the module docstring.
_RATE = Caseless(
    r"\b(?:one|two|three|four|five|\d+) in (?:two|three|four|five|six|ten|\d+)\b|"
    r"\btimes (?:more|less|as) likely\b",
    needs=(" in ", "times "),
)
_ADVICE = _words(
    r"should(?:n'?t)?", "must", "ought to", r"recommend(?:s|ed|ation)?", r"advised?",
    r"(?:is|are) (?:not )?indicated", "contraindicated", "treatment of choice", "first[- ]line",
    r"consult(?: with)?", "talk to your", "ask your", "is best", "is ideal", "ideal for",
    r"next steps?", "appropriate", r"(?:could|may|might) consider",
    r"(?:can|could|should) be (?:targeted|offered|prioriti[sz]ed)",
    r"good candidates?", r"when to (?:consider|seek|see|call|use)",
)  # fmt: skip
_DEFINITION = Caseless(
    r"\brefers? to\b|\b(?:is|are) defined as\b|\bdefined\b.{1,80}\bas\b|\bmeans\b",
    needs=("refer", "defined", "means"),
)
_DEFINITION_AT_START = Caseless(
    r"^[^,;]{1,60}\b(?:is|are) (?:an?|the) (?:[\w-]+ ){0,3}(?:condition|disorder|disease|"
    r"syndrome|practice|term|technique|type|group|class|form|model|device|procedure)s?\b|"
    r"^[^,;]{1,60}\bis where\b",
    needs=("is a", "is the", "are a", "are the", "is where"),
)
_RESULT = _words(
    r"stud(?:y|ies)", r"(?:clinical|randomi[sz]ed|controlled) trials?", r"trials? (?:of|in)",
    r"in a trial", "no (?:studies|evidence|data)", r"evidence (?:that|of|for|from|suggests|shows)",
    r"strong evidence", r"(?:demonstrat|show|report|found|observ)\w*", r"significant(?:ly)?",
    r"correlat\w*", "associated with", r"(?:more|less) likely", "exposed to", r"meta-analys\w*",
    r"cohorts?", "participants", r"(?:great )?majority of",
    r"(?:findings|results) (?:suggest|indicate)",
    r"there (?:is|are|was|were) (?:substantial|significant|strong|large|marked|no) \w+",
    r"(?:increas|decreas|elevat|reduc|depress|lower|rais|alter)ed (?:[\w-]+ ){0,3}"
    r"(?:levels?|transcripts?|mRNA|concentrations?|expression|activity)",
)  # fmt: skip
# "Many people ..." reports how common something is: a finding, though not by itself checkable.
_PEOPLE = _words(r"(?:many|most|some) (?:\w+ )?(?:patients|people|adults|children|women|men)")
_HOW_WORDS = _words(
    "mechanisms?", "works by", r"pathways?", r"signals?", r"circuits?", "nervous system",
    r"caus(?:es|ed by|ing)", r"triggers?", r"hypothes[iy]\w*", r"impairs?", r"damages?",
    r"modulat\w*", r"regulat(?:es?|ing)", r"plays? (?:a |an |key )?(?:\w+ )?roles?",
    r"binds? to", r"receptors?", r"inflammat\w*", "circulation", "blood flow",
    r"absorbs?", r"retrain\w*", r"rewir\w*", r"calm\w*", r"normali[sz]\w*",
    r"interrupt\w*", r"disrupt\w*", r"(?:de)?innervat\w*", r"denervat\w*",
    r"overactive", r"hypersensitiv\w*", "displaces", "compression", "so that",
    r"explanations?", r"explain(?:s|ed by)", r"reflects?", "consistent with",
)  # fmt: skip
_HOW = Caseless(r"\bby (?!the\b|a\b)[a-z]+ing\b|" + _HOW_WORDS.pattern.pattern)
# "lower" and "higher" compare, except in anatomy: "the lower back", "lower limbs".
_NOT_ANATOMY = (
    r"{}(?! (?:back|legs?|limbs?|body|spine|abdomen|jaw|arms?|lip|lobes?|extremit\w*|"
    r"airways?|urinary tract|motor neurons?))"
)
_EFFECT_CLAIM = _words(
    r"effective(?:ness)?", "efficacy", r"safe(?:ty)?", "unsafe", r"benefits?", r"risks?",
    r"relief", "minimally invasive", "recovery", "cures?", r"harm(?:s|ful)?",
    r"works? (?:against|for|well|better)", r"(?:better|worse) than", r"(?:superior|inferior) to",
    _NOT_ANATOMY.format("lower"), _NOT_ANATOMY.format("higher"),
)  # fmt: skip
_UNKNOWN = _words(  # the state of knowledge, not a result
    r"uncertain(?:ty)?", "unclear", "not known", "unknown", "remains to be",
    r"(?:is|are) still (?:developing|emerging|limited)",
)  # fmt: skip
_CHANGE = Caseless(  # a verb of change not after "to" (a purpose, not a result)
    r"\b(?<!\bto )(?:(?:improv|reduc|decreas|increas|relie)\w*|prevent(?:s|ed)?\b|"
    r"lower(?:s|ed|ing)\b|(?:helps?|cuts?|works well)\b)",
    needs=("improv", "reduc", "decreas", "increas", "relie", "prevent", "lower", "help", "cut",
           "works well"),
)  # fmt: skip

# What "unsupported statement" needs: something a reviewer could check against a source.
_CHECK = _words(
    # efficacy
    r"effective(?:ness|ly)?", "efficacy", r"works? (?:well|better|for|against)", r"helps?",
    r"improv\w*", r"reduc\w*", r"decreas\w*", r"increas\w*", r"lower(?:s|ed|ing)",
    r"relie(?:f|ve[sd]?)", r"benefits?", "cures?", r"prevents?", r"heal\w*", r"sustained",
    r"lasting", "powerful", "success\\w*",
    # safety
    "safe(?:ly|ty)?", "unsafe", r"risks?", r"harm\w*", "side effects?", r"adverse",
    r"complications?", "dangerous", r"toxic\w*", "morbidity", "mortality",
    r"(?:minimally |non-?)invasive", "reversible",
    # causal
    r"caus\w*", r"reasons?", "leads? to", "results? in", "due to", "because", "associated with",
    r"correlat\w*", "linked to", "responsible for", r"mechanism", r"primar(?:y|ily)",
    r"triggers?", r"contribut\w*",
    # comparative
    "better", "worse", r"(?:superior|inferior) to", r"compar\w*", "versus", "vs",
    _NOT_ANATOMY.format("lower"), _NOT_ANATOMY.format("higher"), r"(?:more|less) likely",
    "most", "best", "fewer",
    # evidence and absolutes
    r"stud(?:y|ies)", r"trials? (?:of|in|showed|found)", r"(?:clinical|randomi[sz]ed) trials?",
    "evidence", r"proven", r"demonstrat\w*", r"shown?", "always", "never", "all patients",
)  # fmt: skip
_CALL_TO_ACTION = Caseless(  # "consult a specialist": an invitation, not a claim
    r"^(?:if\b[^,.;]*,\s*)?(?:please\s+)?(?:consult|talk|speak|ask|call|contact|book|schedule|"
    r"make an appointment|visit|learn|read|find out|discover|see (?:your|a|an)|share|subscribe|"
    r"sign up|click|download|get in touch|request|reach out|join|follow)\b",
)
_SIGNPOST = re.compile(  # the page talking about itself, or navigation
    r"^(?:here(?:'|’)?s|here is|in this (?:article|guide|post|page)|this (?:article|guide|post|"
    r"page) (?:explains|covers|describes|looks at)|read (?:more|on)|back to|next:|previous:|"
    r"skip to|share this|last (?:updated|reviewed))\b",
    re.IGNORECASE,
)
_OWN_TERM = Caseless(  # the article fixing the meaning of its own words
    r"\b(?:hereafter|henceforth)\b|\bwe (?:use|define[ds]?|call|refer to)\b.{0,80}\b(?:as|to mean|"
    r"for)\b|\b(?:in this (?:article|paper|study|guide)|here),? .{0,60}\b(?:means?|refers? to|"
    r"stands? for)\b",
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_SENTENCE_END = re.compile(r"[.!]['\"”’)\]]*$")
# A fragment still asserts something when it prints a statistic or a verb of effect.
_ASSERTING_VERB = _words(
    r"(?:reduc|improv|increas|decreas|caus|prevent|lower|rais|relieve|trigger|damag|harm)(?:es|s)",
    r"(?:is|are) (?:safe|effective|superior|inferior|better|worse)",
)  # fmt: skip


def _defines(text: str, low: str | None) -> bool:
    return _DEFINITION.search(text, low) or _DEFINITION_AT_START.search(text, low)


@lru_cache(maxsize=8192)
def guess_kind(text: str) -> ClaimKind:
    """finding / recommendation / mechanism / background, by the rules of the module docstring."""
    text = text.strip()
    low = lowered(text)
    if _statistic(text) or _RATE.search(text, low):
        return ClaimKind.finding
    if _IMPERATIVE.search(text, low) or _ADVICE.search(text, low):
        return ClaimKind.recommendation
    if _defines(text, low):
        return ClaimKind.background
    if _RESULT.search(text, low) or _PEOPLE.search(text, low):
        return ClaimKind.finding
    if _HOW.search(text, low):
        return ClaimKind.mechanism
    if _UNKNOWN.search(text, low):
        return ClaimKind.background
    if _EFFECT_CLAIM.search(text, low) or _CHANGE.search(text, low):
        return ClaimKind.finding
    return ClaimKind.background


@lru_cache(maxsize=8192)
def is_check_worthy(text: str) -> bool:
    """True when the statement asserts something a reader could check against a source (see
    the module docstring): never a question, signpost, call to action, definition of the
    article's own terms or a bare fragment."""
    text = text.strip()
    if not text or text.rstrip('"”’)').endswith("?"):
        return False
    low = lowered(text)
    if _SIGNPOST.search(text) or _CALL_TO_ACTION.search(text, low) or _OWN_TERM.search(text, low):
        return False
    statistic = _statistic(text) or _RATE.search(text, low)
    if (_defines(text, low) or _UNKNOWN.search(text, low)) and not statistic:
        return False
    if not _SENTENCE_END.search(text) and not (statistic or _ASSERTING_VERB.search(text, low)):
        return False  # a fragment: "A desire to reduce medication use", "Spinal Cord Stimulation"
    if statistic or _NUMBER.search(_YEAR.sub(" ", text)):
        return True
    return bool(
        _CHECK.search(text, low)
        or _HOW.search(text, low)
        or _RESULT.search(text, low)
        or _ADVICE.search(text, low)
        or _IMPERATIVE.search(text, low)
    )
