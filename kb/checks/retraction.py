"""Retracted source: a cited reference that is retracted or under an expression of concern."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import DOUBTFUL_RETRACTIONS, FlagKind


def check(ctx: ClaimContext) -> Wanted:
    """One flag per doubtful cited reference."""
    # Same key as kb.services.retraction, so a re-run keeps the flag it raised.
    return {
        f"retraction:{c.citekey}": (
            FlagKind.retracted_source,
            f"Cited reference {c.citekey} is marked {c.retraction}.",
        )
        for c in ctx.cited
        if c.retraction in DOUBTFUL_RETRACTIONS
    }
