"""What the checks read: plain records of a claim, its citations and its article, built by the
services from the database so that every check is a pure function of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from kb.enums import FlagKind
from kb.measures import CheckResult, ParsedMeasure, check_measure

__all__ = ["ArticleContext", "CitedSource", "ClaimContext", "MarkerState", "Wanted"]

# The flags a check wants on a claim now: check key -> (kind, note). The key names the cause
# ("numeric:2" for the second measure); stored flags are matched to causes by it.
Wanted = dict[str, tuple[FlagKind, str]]
MarkerState = Literal["mapped", "ambiguous", "dangling"]


@dataclass(frozen=True)
class CitedSource:
    """One citation of the claim and the reference it links to."""

    citekey: str
    marker: str | None
    stance: str
    level: int | None  # evidence level of the reference's study type; None when unclassified
    retraction: str
    source_text: str  # the reference's abstract and note, joined ("" when it has neither)


@dataclass(frozen=True)
class ArticleContext:
    """The article's confirmed marker map and the state of its printed reference list."""

    marker_map: Mapping[str, str] = field(default_factory=dict)
    reference_count: int = 0
    reference_list_numbered: bool = False
    # markers that could name several entries (author-year "Zhou et al. 2002" with two such)
    ambiguous_markers: frozenset[str] = frozenset()

    def marker_state(self, marker: str) -> MarkerState:
        """'mapped', 'ambiguous' or 'dangling' for one printed marker of the article."""
        if marker in self.marker_map:
            return "mapped"
        if marker in self.ambiguous_markers:
            return "ambiguous"
        if self.reference_count and not self.reference_list_numbered:
            return "ambiguous"
        return "dangling"


@dataclass(frozen=True)
class ClaimContext:
    """One claim as the checks see it: text, kind, printed markers, citations, measures.

    article is None when only claim-scoped checks run (see kb.checks on scopes).
    """

    text: str
    kind: str
    markers: tuple[str, ...] = ()
    cited: tuple[CitedSource, ...] = ()
    measures: tuple[ParsedMeasure, ...] = ()
    article: ArticleContext | None = None
    # check_measure's verdict on each measure, in order, when the caller has them already (the
    # ingestion stores them on the measure rows): computed once, not once per use
    verdicts: tuple[CheckResult, ...] = ()

    def verdict(self, position: int, m: ParsedMeasure) -> CheckResult:
        """check_measure(m) for the measure at position (1-based), reusing the given verdict
        when m is that measure of the claim."""
        n = len(self.measures)
        if len(self.verdicts) == n and 0 < position <= n and self.measures[position - 1] is m:
            return self.verdicts[position - 1]
        return check_measure(m)

    def unlinked_markers(self) -> list[str]:
        """The claim's printed markers, in order, that no citation of the claim carries."""
        if not self.markers:
            return []
        linked = {c.marker for c in self.cited}
        return [m for m in self.markers if m not in linked]

    def require_article(self) -> ArticleContext:
        """The article context; an article-scoped check cannot run without it."""
        if self.article is None:
            raise ValueError("an article-scoped check needs the claim's article context")
        return self.article
