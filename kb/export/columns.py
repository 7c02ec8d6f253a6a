"""The export frames' columns: name, type and meaning, in order. The README table is this data.

Changing a column here is a change of kb's export format: the README test fails until the
"Export columns" section says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.enums import FlagStatus, ReviewStatus

# Column types: how a value is held in pandas and written to Parquet.
#   int: int64, never missing    Int: nullable Int64     float: float64      bool: nullable boolean
#   str: text (missing = NA)     datetime: UTC instant   date: calendar day  status/flag_status:
#   category over the workflow's statuses, in workflow order
TYPE_DOC = {
    "int": "whole number",
    "Int": "whole number or empty",
    "float": "number or empty",
    "bool": "true/false or empty",
    "str": "text or empty",
    "datetime": "UTC date and time",
    "date": "date",
    "status": "Submitted / Under Review / Approved",
    "flag_status": "open / resolved / dismissed",
}
CATEGORIES: dict[str, list[str]] = {
    "status": [s.value for s in ReviewStatus],
    "flag_status": [s.value for s in FlagStatus],
}


@dataclass(frozen=True)
class Col:
    """One export column."""

    name: str
    type: str
    meaning: str


def _claim_ref() -> tuple[Col, ...]:
    return (
        Col("claim_id", "int", "id of the claim"),
        Col("article_slug", "str", "slug of the claim's article"),
        Col("claim_position", "int", "the claim's position in its article"),
    )


FRAMES: dict[str, tuple[Col, ...]] = {
    "claims": (
        Col("claim_id", "int", "id of the claim"),
        Col("article_slug", "str", "slug of the article the claim belongs to"),
        Col("article_title", "str", "title of that article"),
        Col("section", "str", "heading the claim sits under"),
        Col("position", "int", "order of the claim in its article (1 = first)"),
        Col("text", "str", "the statement as the reader reads it"),
        Col("kind", "str", "finding, recommendation, mechanism, background or own study"),
        Col("status", "status", "review status"),
        Col("version", "int", "claim version (grows with every change)"),
        Col("evidence_level", "Int", "best evidence level among supporting citations (1 best)"),
        Col("best_study_type", "str", "study type of that best supporting reference"),
        Col("supporting_count", "int", "citations that support or partially support the claim"),
        Col("refuting_count", "int", "citations that refute the claim"),
        Col("citation_count", "int", "all citations of the claim"),
        Col("citekeys", "str", "cited references' citekeys, in citation order, `; `-separated"),
        Col("open_flag_count", "int", "flags still open on the claim"),
        Col("open_flag_kinds", "str", "kinds of the open flags, `; `-separated"),
        Col("author", "str", "email of the claim's author"),
        Col("reviewer", "str", "email of the reviewer assigned to the claim"),
        Col("approved_at", "datetime", "when the claim was last approved"),
        Col("approved_by", "str", "email of the reviewer who approved it"),
        Col("next_review_due", "date", "when the approved claim is due for re-review"),
        Col("created_at", "datetime", "when the claim was created"),
        Col("updated_at", "datetime", "when the claim last changed"),
    ),
    "citations": (
        Col("citation_id", "int", "id of the claim-reference link"),
        *_claim_ref(),
        Col("citekey", "str", "the cited reference's BibTeX key"),
        Col("marker", "str", "in-text marker as printed (e.g. `2`)"),
        Col("stance", "str", "supports, partially supports, refutes, not found in source, ..."),
        Col("link_state", "str", "confirmed (printed), inferred (by position) or manual"),
        Col("quote", "str", "quoted passage of the reference backing the assessment"),
        Col("locator", "str", "where in the reference (page, table)"),
        Col("study_type", "str", "study type code of the reference"),
        Col("evidence_level", "Int", "evidence level of that study type (1 best)"),
        Col("year", "Int", "publication year of the reference"),
        Col("doi", "str", "DOI of the reference"),
        Col("retraction", "str", "retraction status of the reference"),
        Col("assessed_by", "str", "email of who assessed the stance"),
        Col("assessed_at", "datetime", "when the stance was assessed"),
    ),
    "measures": (
        Col("measure_id", "int", "id of the measure"),
        *_claim_ref(),
        Col("position", "int", "order of the number within the claim"),
        Col("kind", "str", "pre/post means, mean difference, risk ratio, proportion, ..."),
        Col("text", "str", "the number as printed in the claim"),
        Col("outcome", "str", "what was measured"),
        Col("pre_mean", "float", "mean before"),
        Col("pre_sd", "float", "SD before"),
        Col("post_mean", "float", "mean after"),
        Col("post_sd", "float", "SD after"),
        Col("estimate", "float", "point estimate"),
        Col("ci_lower", "float", "lower confidence bound"),
        Col("ci_upper", "float", "upper confidence bound"),
        Col("ci_level", "float", "confidence level (0.95)"),
        Col("unit", "str", "unit printed beside the estimate (days, %, per mg/dl, /year)"),
        Col("p_value", "float", "p-value"),
        Col("p_operator", "str", "<, = or > before the p-value"),
        Col("n", "Int", "sample size"),
        Col("events", "Int", "events (x of n)"),
        Col("percent", "float", "percentage as printed"),
        Col("time_point", "str", "follow-up time"),
        Col("consistent", "bool", "whether the numbers passed the consistency checks"),
        Col("check_explanation", "str", "what the checks found"),
        Col("problems", "str", "problems found, `; `-separated"),
    ),
    "flags": (
        Col("flag_id", "int", "id of the flag"),
        *_claim_ref(),
        Col("kind", "str", "unsupported statement, dangling citation, weak evidence, ..."),
        Col("status", "flag_status", "flag status"),
        Col("note", "str", "why it was raised"),
        Col("check_key", "str", "key of the automatic check that raised it (empty if by hand)"),
        Col("raised_by", "str", "email of who raised it (empty: an automatic check)"),
        Col("raised_at", "datetime", "when it was raised"),
        Col("resolved_by", "str", "email of who resolved or dismissed it"),
        Col("resolved_at", "datetime", "when it was resolved or dismissed"),
        Col("resolution_note", "str", "why it was resolved or dismissed"),
    ),
    "events": (
        Col("event_id", "int", "id of the review event"),
        *_claim_ref(),
        Col("actor", "str", "email of who acted (empty: the system)"),
        Col("actor_role", "str", "their role at the time"),
        Col("action", "str", "what was done"),
        Col("from_status", "status", "status before"),
        Col("to_status", "status", "status after"),
        Col("comment", "str", "comment given"),
        Col("claim_version", "Int", "claim version the event produced"),
        Col("created_at", "datetime", "when it happened"),
    ),
    "references": (
        Col("reference_id", "int", "id of the reference"),
        Col("citekey", "str", "BibTeX key"),
        Col("entry_type", "str", "BibTeX entry type"),
        Col("title", "str", "title"),
        Col("authors", "str", "authors, `; `-separated"),
        Col("journal", "str", "journal"),
        Col("year", "Int", "publication year"),
        Col("volume", "str", "volume"),
        Col("number", "str", "issue"),
        Col("pages", "str", "pages"),
        Col("doi", "str", "DOI"),
        Col("pmid", "str", "PubMed id"),
        Col("study_type", "str", "study type code"),
        Col("evidence_level", "Int", "evidence level of the study type (1 best)"),
        Col("retraction", "str", "none, retracted, expression-of-concern or corrected"),
        Col("cited_by_count", "int", "claims citing the reference (in the whole knowledge base)"),
        Col("updated_at", "datetime", "when the reference last changed"),
    ),
}
FRAME_NAMES: tuple[str, ...] = tuple(FRAMES)


def readme_table() -> str:
    """The README "Export columns" section body: one table per frame."""
    out = []
    for frame, cols in FRAMES.items():
        out.append(f"**{frame}**\n\n| column | type | meaning |\n|---|---|---|")
        out.extend(f"| `{c.name}` | {TYPE_DOC[c.type]} | {c.meaning} |" for c in cols)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
