"""Ambiguous citation mapping: markers an unnumbered reference list cannot resolve."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import FlagKind


def check(ctx: ClaimContext) -> Wanted:
    """One flag for all unlinked markers of the claim that only an editor can map."""
    article = ctx.require_article()
    ambiguous = [m for m in ctx.unlinked_markers() if article.marker_state(m) == "ambiguous"]
    if not ambiguous:
        return {}
    return {
        "ambiguous": (
            FlagKind.ambiguous_mapping,
            f"Marker(s) {', '.join(ambiguous)} cannot be matched to the article's unnumbered "
            f"reference list of {article.reference_count} entries; an editor must set the "
            "mapping.",
        )
    }
