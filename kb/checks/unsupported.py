"""Unsupported statement: a check-worthy claim with neither a marker nor a citation.

A research article's report of its own study (kind "own study") has the article as its source
and is never unsupported; what is check-worthy is kb.ingest.classify's rule set."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import ClaimKind, FlagKind
from kb.ingest import is_check_worthy


def check(ctx: ClaimContext) -> Wanted:
    """Flag a check-worthy statement that cites nothing."""
    if ctx.kind == ClaimKind.own_study or ctx.markers or ctx.cited:
        return {}
    if not is_check_worthy(ctx.text):
        return {}
    return {
        "unsupported": (
            FlagKind.unsupported,
            "Check-worthy statement (a number, an efficacy, safety, causal or comparative "
            "assertion, or a recommendation) with no citation.",
        )
    }
