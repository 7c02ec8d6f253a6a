"""The automatic checks, in the order their flags are raised, and the one loop that runs them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from kb.checks import (
    ambiguous,
    dangling,
    not_in_source,
    numeric,
    retraction,
    unsupported,
    weak_evidence,
)
from kb.checks.context import ClaimContext, Wanted
from kb.measures import ParsedMeasure

__all__ = ["CHECKS", "Check", "MeasureCheck", "Scope", "wanted_flags"]

Scope = Literal["claim", "article", "outcome"]


@dataclass(frozen=True)
class Check:
    """A check run once per claim; its flags' keys are `name` or start with `name:`."""

    name: str
    scope: Scope
    run: Callable[[ClaimContext], Wanted]


@dataclass(frozen=True)
class MeasureCheck:
    """A check run once per parsed measure of a claim, with the measure's 1-based position."""

    name: str
    scope: Scope
    run: Callable[[ClaimContext, int, ParsedMeasure], Wanted]


CHECKS: tuple[Check | MeasureCheck, ...] = (
    Check("unsupported", "claim", unsupported.check),
    Check("dangling", "article", dangling.check),
    Check("ambiguous", "article", ambiguous.check),
    MeasureCheck("numeric", "claim", numeric.check),
    MeasureCheck("notinsource", "claim", not_in_source.check),
    Check("retraction", "claim", retraction.check),
    Check("weak", "claim", weak_evidence.check),
)


def wanted_flags(ctx: ClaimContext, checks: Sequence[Check | MeasureCheck] = CHECKS) -> Wanted:
    """Every automatic flag the claim should carry now, by check key, in the checks' order.

    Measure checks next to each other in `checks` take turns measure by measure, so that one
    measure's flags stay together: numeric:1, notinsource:1:..., numeric:2, ...
    """
    want: Wanted = {}
    for step in _steps(tuple(checks)):
        if isinstance(step, Check):
            want.update(step.run(ctx))
            continue
        for position, m in enumerate(ctx.measures, 1):
            for check in step:
                want.update(check.run(ctx, position, m))
    return want


@cache
def _steps(
    checks: tuple[Check | MeasureCheck, ...],
) -> tuple[Check | tuple[MeasureCheck, ...], ...]:
    """The checks with each run of neighbouring measure checks gathered into one step."""
    steps: list[Check | tuple[MeasureCheck, ...]] = []
    for check in checks:
        if isinstance(check, Check):
            steps.append(check)
        elif steps and isinstance(steps[-1], tuple):
            steps[-1] = (*steps[-1], check)
        else:
            steps.append((check,))
    return tuple(steps)
