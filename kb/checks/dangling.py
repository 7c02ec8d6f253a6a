"""Dangling citation: a printed marker that points to no reference."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import FlagKind


def check(ctx: ClaimContext) -> Wanted:
    """One flag per unlinked marker the article cannot resolve (not merely ambiguous)."""
    article = ctx.require_article()
    return {
        f"dangling:{marker}": (
            FlagKind.dangling_citation,
            f"Marker {marker} points to no reference in the library: the article's "
            "reference list has no such entry, or its entry is not in the library yet.",
        )
        for marker in ctx.unlinked_markers()
        if article.marker_state(marker) == "dangling"
    }
