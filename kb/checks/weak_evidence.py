"""Weak evidence: a finding or recommendation supported only by level 4-5 sources."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import SUPPORTING_STANCES, ClaimKind, FlagKind


def check(ctx: ClaimContext) -> Wanted:
    """Flag when every supporting citation is of a known level 4 or 5."""
    if ctx.kind not in (ClaimKind.finding, ClaimKind.recommendation):
        return {}
    supporting = [c for c in ctx.cited if c.stance in SUPPORTING_STANCES]
    if not supporting or not all(c.level is not None and c.level >= 4 for c in supporting):
        return {}
    keys = ", ".join(c.citekey for c in supporting)
    return {
        "weak": (
            FlagKind.weak_evidence,
            f"Only low-level evidence (level 4-5: {keys}) supports this "
            f"{ctx.kind}; look for a trial, cohort or review.",
        )
    }
