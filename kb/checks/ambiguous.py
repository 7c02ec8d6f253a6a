"""Ambiguous citation mapping: markers an unnumbered reference list cannot resolve, and
author-year citations that more than one entry could match."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import FlagKind


def check(ctx: ClaimContext) -> Wanted:
    """One flag for all unlinked markers of the claim that only an editor can map."""
    article = ctx.require_article()
    ambiguous = [m for m in ctx.unlinked_markers() if article.marker_state(m) == "ambiguous"]
    if not ambiguous:
        return {}
    several = [m for m in ambiguous if m in article.ambiguous_markers]
    unnumbered = [m for m in ambiguous if m not in article.ambiguous_markers]
    notes = []
    if unnumbered:
        notes.append(
            f"Marker(s) {', '.join(unnumbered)} cannot be matched to the article's unnumbered "
            f"reference list of {article.reference_count} entries"
        )
    if several:
        notes.append(
            f"Citation(s) {'; '.join(several)} could name more than one entry of the article's "
            "reference list"
        )
    return {
        "ambiguous": (
            FlagKind.ambiguous_mapping,
            "; ".join(notes) + "; an editor must set the mapping.",
        )
    }
