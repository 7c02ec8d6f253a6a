"""Number not in source: a measure's printed numbers absent from a cited abstract or note."""

from __future__ import annotations

from kb.checks.context import ClaimContext, Wanted
from kb.enums import FlagKind
from kb.measures import ParsedMeasure, numbers_missing_from


def check(ctx: ClaimContext, position: int, m: ParsedMeasure) -> Wanted:
    """One flag per cited reference with text that lacks some number of the measure."""
    want: Wanted = {}
    for c in ctx.cited:
        if not c.source_text:
            continue  # nothing to look in: the library has no abstract or note for it
        missing = numbers_missing_from(m, c.source_text)
        if missing:
            want[f"notinsource:{position}:{c.citekey}"] = (
                FlagKind.number_not_in_source,
                f"{', '.join(missing)} from {m.text!r} not found in the abstract or note "
                f"of {c.citekey}.",
            )
    return want
