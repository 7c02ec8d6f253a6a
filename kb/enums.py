"""Controlled vocabularies shared by models, rules, exports and the UI (DOMAIN.md names)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    editor = "editor"
    reviewer = "reviewer"
    analyst = "analyst"
    admin = "admin"


class ReviewStatus(StrEnum):
    submitted = "Submitted"
    under_review = "Under Review"
    approved = "Approved"


class ClaimKind(StrEnum):
    finding = "finding"
    recommendation = "recommendation"
    mechanism = "mechanism"
    background = "background"
    # A research article's own methods and results: the article itself is the source.
    own_study = "own study"


class Stance(StrEnum):
    supports = "supports"
    partially_supports = "partially supports"
    refutes = "refutes"
    not_found = "not found in source"
    background_only = "background only"
    not_assessed = "not assessed"


SUPPORTING_STANCES = frozenset({Stance.supports, Stance.partially_supports})


class FlagKind(StrEnum):
    unsupported = "unsupported statement"
    dangling_citation = "dangling citation"
    ambiguous_mapping = "ambiguous citation mapping"
    citation_not_supporting = "citation does not support"
    numeric_inconsistency = "numeric inconsistency"
    number_not_in_source = "number not found in the cited abstract"
    weak_evidence = "weak evidence"
    retracted_source = "retracted source"
    other = "other"


class FlagStatus(StrEnum):
    open = "open"
    resolved = "resolved"
    dismissed = "dismissed"


class RetractionStatus(StrEnum):
    none = "none"
    retracted = "retracted"
    expression_of_concern = "expression-of-concern"
    corrected = "corrected"


# The retraction statuses that put a claim's support in doubt (flagged, sent back to review).
DOUBTFUL_RETRACTIONS = frozenset(
    {RetractionStatus.retracted, RetractionStatus.expression_of_concern}
)


class MeasureKind(StrEnum):
    pre_post = "pre/post means"
    mean_difference = "mean difference"
    smd = "standardized mean difference"
    risk_ratio = "risk ratio"
    odds_ratio = "odds ratio"
    hazard_ratio = "hazard ratio"
    proportion = "proportion"
    p_value = "p-value"
    mean = "mean"
    median = "median"
    estimate = "estimate"  # any other estimate printed with a CI: a count, a duration, an AUC


RATIO_KINDS = frozenset({MeasureKind.risk_ratio, MeasureKind.odds_ratio, MeasureKind.hazard_ratio})


class LinkState(StrEnum):
    """How a citation link came to be: printed number, inferred by position, or set by hand."""

    confirmed = "confirmed"
    inferred = "inferred"
    manual = "manual"


@dataclass(frozen=True)
class StudyTypeInfo:
    code: str
    label: str
    level: int | None
    secondary: bool | None


STUDY_TYPES: tuple[StudyTypeInfo, ...] = (
    StudyTypeInfo("guideline", "Clinical practice guideline", 1, True),
    StudyTypeInfo("systematic-review", "Systematic review / meta-analysis", 1, True),
    StudyTypeInfo("rct", "Randomized controlled trial", 2, False),
    StudyTypeInfo("cohort", "Cohort study (prospective or retrospective)", 3, False),
    StudyTypeInfo("case-control", "Case-control study", 3, False),
    StudyTypeInfo("cross-sectional", "Cross-sectional study", 4, False),
    StudyTypeInfo("case-series", "Case series / registry without control", 4, False),
    StudyTypeInfo("case-report", "Case report", 5, False),
    StudyTypeInfo("narrative-review", "Narrative review", 5, True),
    StudyTypeInfo("expert-opinion", "Expert opinion / editorial", 5, False),
    StudyTypeInfo("preclinical", "Animal or laboratory study", 5, False),
    StudyTypeInfo("unknown", "Not yet classified", None, None),
)
STUDY_TYPE_BY_CODE = {s.code: s for s in STUDY_TYPES}
