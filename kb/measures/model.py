"""What a parsed measure is: its fields, the decimals each number was printed with, and how
those printed numbers are rebuilt and widened into the intervals they stand for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from kb.enums import MeasureKind

__all__ = ["NUMERIC_FIELDS", "Box", "ParsedMeasure", "printed", "rounding_box"]

Box = tuple[float, float]
NUMERIC_FIELDS = (
    "pre_mean", "pre_sd", "post_mean", "post_sd", "estimate", "ci_lower", "ci_upper",
    "p_value", "events", "n", "percent",
)  # fmt: skip


@dataclass
class ParsedMeasure:
    """A number a claim reports, parsed into fields, with the printed decimals of each.

    Not the database row (kb.models.Measure): the services store one row per parsed measure.
    """

    kind: MeasureKind
    text: str
    start: int
    end: int
    outcome: str | None = None
    pre_mean: float | None = None
    pre_sd: float | None = None
    post_mean: float | None = None
    post_sd: float | None = None
    estimate: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    ci_level: float | None = None
    unit: str | None = None  # as printed beside the estimate: "days", "%", "per mg/dl"
    p_value: float | None = None
    p_operator: str | None = None
    n: int | None = None
    events: int | None = None
    percent: float | None = None
    time_point: str | None = None
    scale_max: float | None = None
    decimals: dict[str, int] = field(default_factory=dict)

    def numbers(self) -> list[str]:
        """The printed numbers of this measure (rebuilt from values and printed decimals)."""
        out = [printed(self, name) for name in NUMERIC_FIELDS if getattr(self, name) is not None]
        if self.time_point:
            out.append(self.time_point.split()[0])
        return out

    def as_row(self) -> dict[str, Any]:
        """Flat dict of the fields, kind as its value string and decimals as a new dict."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row["kind"] = self.kind.value
        row["decimals"] = dict(self.decimals)
        return row


def printed(m: ParsedMeasure, name: str) -> str:
    """Field `name` of m as it was printed (its value at its printed decimals)."""
    value = getattr(m, name)
    if isinstance(value, int):
        return str(value)
    decimals = m.decimals.get(name)
    if decimals is None:
        return f"{value:g}"
    return f"{value:.{max(decimals, 0)}f}"  # "2.1 × 10^4" has decimals -3: print 21000


def rounding_box(m: ParsedMeasure, name: str) -> Box | None:
    """Interval of values that print as field `name` of m with its printed decimals."""
    value = getattr(m, name)
    if value is None:
        return None
    decimals = m.decimals.get(name)
    if decimals is None:
        return (float(value), float(value))
    half = 0.5 * 10.0**-decimals
    return (value - half, value + half)
