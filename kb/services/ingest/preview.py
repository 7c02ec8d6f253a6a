"""Previewing an ingestion: what ingest_article would store, flags included, computed without
writing, so that a preview neither waits for nor blocks another writer (no write transaction).

The flags come from the same pure rules (kb.checks) run on the same records the stored claims
would give them: each planned citation with its reference's study type, retraction and
abstract, and the article's planned marker map.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from kb.checks import ArticleContext, ClaimContext, Wanted, wanted_flags
from kb.enums import RetractionStatus, Stance
from kb.ingest import ParsedArticle
from kb.measures import CheckResult, ParsedMeasure, check_measure
from kb.models import Reference, User
from kb.permissions import Action, require
from kb.services.checks import cited_source, claim_measures
from kb.services.ingest.plan import IngestResult, MarkerPlan, plan_article, reference_from_entry


def preview_article(
    *,
    session: Session,
    actor: User,
    text: str | bytes,
    title: str | None = None,
    slug: str | None = None,
    add_missing: bool = False,
    furniture: Sequence[str] | None = None,
    filename: str | None = None,
) -> IngestResult:
    """What ingest_article would store, flags included, without writing anything.

    The same permission as ingesting. Claims carry no id.
    """
    require(actor, Action.article_ingest)
    parsed, result, plan = plan_article(
        session=session, text=text, title=title, slug=slug, furniture=furniture,
        add_missing=add_missing, filename=filename,
    )  # fmt: skip
    sources = _planned_sources(session, parsed, result, plan)
    counts: Counter[str] = Counter()
    for planned in check_plan(parsed, result, plan, sources):
        counts.update(kind.value for kind, _note in planned.flags.values())
    for row in result.claims:
        row["id"] = None
    result.flags = dict(sorted(counts.items()))
    return result


@dataclass
class PlannedClaim:
    """One planned claim's measures, their consistency verdicts and the automatic flags it
    gets, by check key."""

    measures: list[ParsedMeasure]
    verdicts: tuple[CheckResult, ...]
    flags: Wanted


def check_plan(
    parsed: ParsedArticle, result: IngestResult, plan: MarkerPlan, sources: PlannedSources
) -> list[PlannedClaim]:
    """Every planned claim's measures and flags, by the same pure rules as a re-run of the
    checks reading the stored rows: the preview counts them, the ingestion stores them."""
    article = ArticleContext(
        marker_map={m: key for m, (key, _state) in plan.items()},
        reference_count=len(result.references),
        reference_list_numbered=parsed.reference_list_numbered,
        ambiguous_markers=frozenset(m for r in result.references for m in r.ambiguous),
    )
    out = []
    for statement, row in zip(parsed.statements, result.claims, strict=True):
        # One citation per reference, carrying the first marker that named it (as stored).
        cited: dict[str, str] = {}
        for marker in statement.markers:
            if marker in plan:
                cited.setdefault(plan[marker][0], marker)
        measures = claim_measures(statement.text)
        verdicts = tuple(check_measure(m) for m in measures)
        ctx = ClaimContext(
            text=statement.text,
            kind=row["kind"],
            markers=tuple(statement.markers),
            cited=tuple(
                cited_source(key, marker, Stance.not_assessed.value, *sources[key])
                for key, marker in cited.items()
            ),
            measures=tuple(measures),
            article=article,
            verdicts=verdicts,
        )
        out.append(PlannedClaim(measures, verdicts, wanted_flags(ctx)))
    return out


# citekey -> (study type, retraction, abstract, note) of a reference the plan links
PlannedSources = dict[str, tuple[str, str, str | None, str | None]]


def _planned_sources(
    session: Session, parsed: ParsedArticle, result: IngestResult, plan: MarkerPlan
) -> PlannedSources:
    """Every reference the plan links, as the checks will read it once stored."""
    keys = {key for key, _state in plan.values()}
    sources: PlannedSources = {}
    for r in result.references:
        if r.how == "added" and r.citekey in keys:
            row = reference_from_entry(parsed.references[r.index], r.citekey, result.slug)
            sources[r.citekey] = (row["study_type"], RetractionStatus.none.value, None, row["note"])
    wanted = sorted(keys - set(sources))
    if wanted:
        rows = session.execute(
            sa_select(
                col(Reference.citekey), col(Reference.study_type), col(Reference.retraction),
                col(Reference.abstract), col(Reference.note),
            ).where(col(Reference.citekey).in_(wanted))
        )  # fmt: skip
        for key, study_type, retraction, abstract, note in rows:
            sources[key] = (study_type, retraction, abstract, note)
    return sources
