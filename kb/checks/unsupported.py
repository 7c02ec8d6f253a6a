"""Unsupported statement: a check-worthy claim with neither a marker nor a citation."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import FlagKind
from kb.ingest import is_check_worthy


def check(ctx: ClaimContext) -> Wanted:
    """Flag a check-worthy statement that cites nothing."""
    if ctx.markers or ctx.cited or not is_check_worthy(ctx.text):
        return {}
    return {
        "unsupported": (
            FlagKind.unsupported,
            "Check-worthy statement (a number, an efficacy, safety, causal or comparative "
            "assertion, or a recommendation) with no citation.",
        )
    }
