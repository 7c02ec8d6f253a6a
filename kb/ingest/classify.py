"""What a statement is (finding, recommendation, mechanism, background) and whether it needs a
source: word and number cues, no model. A first guess an editor can change."""

from __future__ import annotations

import re

from kb.enums import ClaimKind


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


# Numbers that report a result: statistics, percentages, effect sizes, sample sizes.
_STATISTIC = re.compile(
    r"\b[pP]\s*[<=>≤≥]\s*0?\.\d|\b(?:95|99|90)\s*%\s*(?:CI|[cC]onfidence)|\bCI\b|±|"
    r"\b(?:OR|RR|HR|SMD|NNT|[mM]ean [dD]ifference|[oO]dds [rR]atio|[rR]isk [rR]atio|"
    r"[hH]azard [rR]atio)\b|\d\s*%|\b[nN]\s*=\s*\d"
)  # case matters: "OR" is an odds ratio, "or" is not
_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:[.,]\d+)?")
_RECOMMENDATION = _words(
    r"should(?:n'?t)?", "must", "ought to", r"recommend(?:s|ed|ation)?", "advised?",
    r"(?:is|are) (?:not )?indicated", "contraindicated", "treatment of choice", "first[- ]line",
    r"consult(?: with)?", "talk to your", "ask your", "consider(?:ed)?", "avoid", "do not", "don't",
    r"never (?:use|take|combine)", "is best", "is ideal", "ideal for", "try",
)  # fmt: skip
_IMPERATIVE = re.compile(  # an instruction, possibly after an "If ...," clause
    r"^(?:if\b[^,.;]*,\s*)?(?:do not|don't|never|avoid|use|consider|consult|ask|talk|see|book|"
    r"start|stop|take|try|seek|call|contact|keep|limit|check|discuss|get|make sure|ensure)\b",
    re.IGNORECASE,
)
# Cues that the statement reports a result, whatever else it mentions.
_FINDING = _words(
    r"stud(?:y|ies)", r"trials?", "evidence", r"(?:demonstrat|show|report|found|observ)\w*",
    r"significant(?:ly)?", r"correlat\w*", "associated with", "no (?:studies|evidence|data)",
    r"meta-analys\w*", "registry", r"cohorts?", r"participants",
)  # fmt: skip
# Effect claims: strong ones win over mechanism words, weak ones only decide the rest.
_EFFECT_STRONG = _words(
    r"effective(?:ness)?", "efficacy", r"safe(?:ty)?", "unsafe", r"benefits?", r"risks?",
    r"(?:many|most|some) (?:patients|people)",
)  # fmt: skip
_EFFECT = _words(
    r"improv\w*", r"reduc\w*", r"decreas\w*", r"increas\w*", "outcomes?", r"relie(?:f|ve[sd]?)",
    r"helps?", r"works? well",
)  # fmt: skip
_MECHANISM = _words(
    "mechanisms?", r"pathways?", r"modulat\w*", r"interrupt\w*", r"interfer\w*", r"disrupt\w*",
    r"signals?", r"(?:de)?innervat\w*", r"denervat\w*", r"receptors?", r"inflammat\w*",
    r"circulation", r"blood flow", "works by", r"by (?:blocking|calming|reducing)", r"impairs?",
    "displaces", r"circuits?", r"calm\w*", r"retrain\w*", r"rewir\w*", "compression",
    r"main reason", "primary cause",
)  # fmt: skip
_CHECK = _words(
    # efficacy
    r"effective(?:ness|ly)?", "efficacy", r"works?", r"helps?", r"improv\w*", r"reduc\w*",
    r"decreas\w*", r"increas\w*", r"lower\w*", r"relie(?:f|ve[sd]?)", r"benefits?", "cures?",
    r"prevents?", r"heal\w*", r"sustained", r"lasting", "powerful", "success\\w*",
    # safety
    "safe(?:ly|ty)?", "unsafe", r"risks?", r"harm\w*", "side effects?", r"adverse",
    r"complications?", "dangerous", r"toxic\w*", "morbidity", "mortality",
    r"(?:minimally |non-?)invasive", "reversible",
    # causal
    r"caus\w*", r"reasons?", "leads? to", "results? in", "due to", "because", "associated with",
    r"correlat\w*", "linked to", "responsible for", r"mechanism", r"primar(?:y|ily)",
    r"triggers?", r"contribut\w*",
    # comparative
    "more", "less", "better", "worse", r"superior", r"inferior", r"compar\w*", "versus", "vs",
    "than", "higher", "most", "best", "fewer", "first",
    # evidence and absolutes
    r"stud(?:y|ies)", r"trials?", "evidence", r"proven", r"demonstrat\w*", r"shown?",
    "always", "never", "all patients", "no (?:studies|evidence)", "only",
)  # fmt: skip


def guess_kind(text: str) -> ClaimKind:
    """finding / recommendation / mechanism / background, from the statement's own words."""
    if _STATISTIC.search(text):
        return ClaimKind.finding
    if _IMPERATIVE.search(text.strip()) or _RECOMMENDATION.search(text):
        return ClaimKind.recommendation
    if _FINDING.search(text) or _EFFECT_STRONG.search(text):
        return ClaimKind.finding
    if _MECHANISM.search(text):
        return ClaimKind.mechanism
    if _EFFECT.search(text):
        return ClaimKind.finding
    return ClaimKind.background


def is_check_worthy(text: str) -> bool:
    """True when the statement asserts something a reader could check against a source:
    a number, an efficacy/safety/causal/comparative assertion, or a recommendation."""
    if _NUMBER.search(text) or _STATISTIC.search(text):
        return True
    return bool(_CHECK.search(text) or _RECOMMENDATION.search(text) or _IMPERATIVE.search(text))
