"""Numeric inconsistency: a measure whose printed numbers cannot all be true together."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import FlagKind
from kb.measures import ParsedMeasure


def check(ctx: ClaimContext, position: int, m: ParsedMeasure) -> Wanted:
    """Flag the measure at position (1-based) when check_measure finds problems."""
    result = ctx.verdict(position, m)
    if result.ok:
        return {}
    return {
        f"numeric:{position}": (
            FlagKind.numeric_inconsistency,
            f"{m.text!r}: " + "; ".join(result.problems),
        )
    }
