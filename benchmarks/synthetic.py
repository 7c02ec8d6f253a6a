"""The vocabulary of the synthetic knowledge base (benchmarks/generate.py): texts and weights."""

from __future__ import annotations

import random
from typing import Any

from kb.enums import Stance

# fmt: off
SECTIONS = ["Overview", "Causes", "Diagnosis", "Treatment", "Outcomes", "Risks", "Prevention"]
STUDY_TYPE_WEIGHTS = {
    "guideline": 4, "systematic-review": 10, "rct": 22, "cohort": 16, "case-control": 7,
    "cross-sectional": 8, "case-series": 9, "case-report": 4, "narrative-review": 8,
    "expert-opinion": 4, "preclinical": 4, "unknown": 4,
}
STANCES = [
    (Stance.supports, 55), (Stance.partially_supports, 15), (Stance.refutes, 5),
    (Stance.not_found, 5), (Stance.background_only, 5), (Stance.not_assessed, 15),
]
STATUSES = [("Approved", 45), ("Under Review", 25), ("Submitted", 30)]
KINDS = [("finding", 40), ("recommendation", 20), ("mechanism", 10), ("background", 30)]
FLAG_KINDS = [
    "unsupported statement", "citation does not support", "numeric inconsistency",
    "weak evidence", "number not found in the cited abstract", "other",
]
TREATMENTS = [
    "spinal cord stimulation", "physical therapy", "epidural steroid injection", "decompression",
    "laminectomy", "acupuncture", "gabapentin", "pregabalin", "yoga", "walking programme",
    "cognitive behavioural therapy", "lumbar fusion", "radiofrequency ablation", "massage",
]
OUTCOMES = [
    "pain intensity", "walking distance", "disability scores", "opioid use", "sleep quality",
    "quality of life", "return to work", "leg pain", "back pain", "fall risk", "balance",
]
CONDITIONS = [
    "lumbar spinal stenosis", "sciatica", "chronic low back pain", "neurogenic claudication",
    "degenerative spondylolisthesis", "failed back surgery syndrome", "osteoarthritis",
]
# A rare vocabulary (each word in about one claim in a thousand) for search benchmarks.
RARE = [f"{a}{b}" for a in ("zor", "vel", "quin", "mab", "tri", "dex", "lor", "pex")
        for b in ("atinib", "ovir", "azole", "umab", "olol", "pril", "sartan", "statin",
                  "cillin", "mycin", "parin", "oxacin", "tidine", "afil", "dronate",
                  "gliptin", "lukast", "setron", "triptan", "vastin")]
# fmt: on


def weighted(rng: random.Random, pairs: list[tuple[Any, int]], k: int) -> list[Any]:
    """k weighted draws (drawn up front: rng.choices in one call is much faster than k calls)."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


def claim_text(rng: random.Random, kind: str) -> str:
    """A plausible statement of this kind, with numbers in findings."""
    t, o, c = rng.choice(TREATMENTS), rng.choice(OUTCOMES), rng.choice(CONDITIONS)
    extra = f" with {rng.choice(RARE)}" if rng.random() < 0.16 else ""
    if kind == "finding":
        a = round(rng.uniform(4, 9), 1)
        b = round(a - rng.uniform(0.5, 4), 1)
        sd = f"{rng.randint(1, 3)}.{rng.randint(0, 9)}"
        months = rng.randint(3, 36)
        return (
            f"In patients with {c}, {t}{extra} reduced {o} from {a} ± {sd} "
            f"to {b} (p < 0.05) over {months} months."
        )
    if kind == "recommendation":
        return f"People with {c} should try {t}{extra} before surgery is considered for {o}."
    if kind == "mechanism":
        return f"{t.capitalize()}{extra} is thought to act on {o} by calming nerve signals in {c}."
    share, age = rng.randint(1, 20), rng.choice([50, 60, 65, 70])
    return f"{c.capitalize()} affects about {share} in 100 adults over {age}{extra}."
