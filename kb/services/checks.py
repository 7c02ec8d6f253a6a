"""Automatic checks: each raises a flag with a plain explanation; re-runs are idempotent.

The rules live in kb.checks (pure functions of plain records); this module loads those records
from the database, runs the registry on each claim, and stores measures and flags.
Every automatic flag carries a `check_key` naming its cause (e.g. "numeric:2" for the second
measure). A re-run computes the wanted keys per claim: new causes raise flags, causes that are
gone resolve their open flags (with a review event), and a flag a person dismissed or resolved
is not raised again for the same cause (one resolved automatically is, if its cause returns).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from kb.checks import ArticleContext, CitedSource, ClaimContext, wanted_flags
from kb.db import writing
from kb.enums import STUDY_TYPE_BY_CODE, FlagStatus
from kb.errors import NotFound
from kb.measures import CheckResult, ParsedMeasure, check_measure, parse_measures
from kb.models import Article, Citation, Claim, Flag, Measure, Reference, User, utcnow
from kb.permissions import Action, require
from kb.services.events import record_event
from kb.services.evidence import refresh_summaries

_CHUNK = 500
_MEASURE_COLUMNS = {c.name for c in Measure.__table__.columns} - {"id", "claim_id"}  # type: ignore[attr-defined]


@dataclass
class CheckReport:
    """What a run of the checks did."""

    claims: int = 0
    raised: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"claims": self.claims, "raised": self.raised, "resolved": self.resolved}


def text_hash(text: str) -> str:
    """The registry key of a claim's text: the same words are the same claim."""
    norm = " ".join(text.casefold().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def article_context(article: Article) -> ArticleContext:
    """What the article-scoped checks read of an article: marker map and reference list state."""
    return ArticleContext(
        marker_map=dict(article.marker_map or {}),
        reference_count=len(article.reference_list or []),
        reference_list_numbered=article.reference_list_numbered,
        ambiguous_markers=frozenset(
            m for entry in article.reference_list or [] for m in entry.get("ambiguous", [])
        ),
    )


def cited_source(
    citekey: str,
    marker: str | None,
    stance: str,
    study_type: str,
    retraction: str,
    abstract: str | None,
    note: str | None,
) -> CitedSource:
    """A citation and its reference as the checks read them."""
    st = STUDY_TYPE_BY_CODE.get(study_type)
    return CitedSource(
        citekey=citekey,
        marker=marker,
        stance=stance,
        level=st.level if st else None,
        retraction=retraction,
        source_text=" ".join(t for t in (abstract, note) if t),
    )


_DIGIT = re.compile("[0-9]")


def claim_measures(text: str) -> list[ParsedMeasure]:
    """The measures a claim's text reports.

    Every measure is read from printed numbers (ASCII digits: kb.measures.numbers), so a text
    without a digit has none, and most claims skip the parser's patterns altogether.
    """
    return parse_measures(text) if _DIGIT.search(text) else []


def measure_rows(
    claim_id: int,
    text: str,
    parsed: Sequence[ParsedMeasure] | None = None,
    verdicts: Sequence[CheckResult] | None = None,
) -> list[dict[str, Any]]:
    """Measure table rows for a claim's text, each with its consistency verdict (check_measure
    of each parsed measure, unless given)."""
    measures = claim_measures(text) if parsed is None else parsed
    if verdicts is None or len(verdicts) != len(measures):
        verdicts = [check_measure(m) for m in measures]
    rows = []
    for i, (m, result) in enumerate(zip(measures, verdicts, strict=True), 1):
        row = {k: v for k, v in m.as_row().items() if k in _MEASURE_COLUMNS}
        row.update(
            claim_id=claim_id,
            position=i,
            consistent=result.ok,
            check_explanation=result.explanation,
            problems=list(result.problems),
        )
        rows.append(row)
    return rows


def _load(
    session: Session, claim_ids: Sequence[int]
) -> tuple[dict[int, list[CitedSource]], dict[int, list[Flag]], dict[int, list[str]]]:
    cited: dict[int, list[CitedSource]] = defaultdict(list)
    rows = session.exec(
        select(Citation, Reference)
        .join(Reference, col(Reference.id) == Citation.reference_id)
        .where(col(Citation.claim_id).in_(claim_ids))
    )
    for cit, ref in rows:
        cited[cit.claim_id].append(
            cited_source(
                ref.citekey,
                cit.marker,
                cit.stance,
                ref.study_type,
                ref.retraction,
                ref.abstract,
                ref.note,
            )  # fmt: skip
        )
    flags: dict[int, list[Flag]] = defaultdict(list)
    for flag in session.exec(
        select(Flag).where(col(Flag.claim_id).in_(claim_ids), col(Flag.check_key).is_not(None))
    ):
        flags[flag.claim_id].append(flag)
    stored: dict[int, list[str]] = defaultdict(list)
    for cid, text in session.exec(
        select(Measure.claim_id, Measure.text)
        .where(col(Measure.claim_id).in_(claim_ids))
        .order_by(col(Measure.claim_id), col(Measure.position))
    ):
        stored[cid].append(text)
    return cited, flags, stored


def check_claims(
    session: Session,
    claims: Iterable[Claim],
    *,
    actor: User | None = None,
    report: CheckReport | None = None,
    fresh: bool = False,
) -> CheckReport:
    """Run every check on claims and raise/resolve their automatic flags (no commit).

    fresh=True says the claims were just created (no flags or measures yet), which skips the
    look-ups of what is stored.
    """
    report = report or CheckReport()
    claims = list(claims)
    articles: dict[int, ArticleContext] = {}
    for start in range(0, len(claims), _CHUNK):
        chunk = claims[start : start + _CHUNK]
        ids = [c.id for c in chunk if c.id is not None]
        cited, flags, stored = _load(session, ids)
        new_measures: list[dict[str, Any]] = []
        new_flags: list[dict[str, Any]] = []
        now = utcnow()
        for claim in chunk:
            assert claim.id is not None
            if claim.article_id not in articles:
                article = session.get(Article, claim.article_id)
                assert article is not None
                articles[claim.article_id] = article_context(article)
            parsed = claim_measures(claim.text)
            verdicts = tuple(check_measure(m) for m in parsed)
            if [m.text for m in parsed] != stored.get(claim.id, []):
                if not fresh:
                    session.execute(delete(Measure).where(col(Measure.claim_id) == claim.id))
                new_measures += measure_rows(claim.id, claim.text, parsed, verdicts)
            want = wanted_flags(
                ClaimContext(
                    text=claim.text,
                    kind=claim.kind,
                    markers=tuple(claim.markers or ()),
                    cited=tuple(cited.get(claim.id, ())),
                    measures=tuple(parsed),
                    article=articles[claim.article_id],
                    verdicts=verdicts,
                )
            )
            open_keys = set()
            closed_by_person = set()
            for flag in flags.get(claim.id, []):
                key = flag.check_key or ""
                if flag.status == FlagStatus.open.value:
                    if key in want:
                        open_keys.add(key)
                        continue
                    flag.status = FlagStatus.resolved.value
                    flag.resolved_at = now
                    flag.resolution_note = "resolved automatically: the cause is gone"
                    session.add(flag)
                    record_event(
                        session,
                        claim=claim,
                        actor=None,
                        action="flag resolved",
                        comment=f"{flag.kind} resolved automatically: the cause is gone",
                    )
                    report.resolved[flag.kind] = report.resolved.get(flag.kind, 0) + 1
                elif flag.status == FlagStatus.dismissed.value or flag.resolved_by is not None:
                    # A person closed it for this cause: a re-run does not raise it again.
                    closed_by_person.add(key)
            for key, (kind, note) in want.items():
                if key in open_keys or key in closed_by_person:
                    continue
                new_flags.append(
                    {"claim_id": claim.id, "kind": kind.value, "status": FlagStatus.open.value,
                     "note": note, "check_key": key, "raised_by": None, "raised_at": now,
                     "resolved_by": None, "resolved_at": None, "resolution_note": None}
                )  # fmt: skip
                record_event(
                    session,
                    claim=claim,
                    actor=None,
                    action="flag raised",
                    comment=f"{kind.value} (automatic check): {note}",
                )
                report.raised[kind.value] = report.raised.get(kind.value, 0) + 1
        if new_measures:
            session.execute(insert(Measure), new_measures)
        if new_flags:
            session.execute(insert(Flag), new_flags)
        refresh_summaries(session, chunk)
        report.claims += len(chunk)
    return report


def run_checks(
    *,
    session: Session,
    actor: User | None,
    article_slug: str | None = None,
    claim_ids: Sequence[int] | None = None,
) -> CheckReport:
    """Re-run the automatic checks (all claims, one article's, or the given ones) and commit."""
    if actor is not None:
        require(actor, Action.checks_run)
    query = select(Claim).order_by(col(Claim.id))
    report = CheckReport()
    with writing(session):
        if article_slug is not None:
            article = session.exec(select(Article).where(Article.slug == article_slug)).first()
            if article is None:
                raise NotFound(f"no article with slug {article_slug!r}")
            query = query.where(Claim.article_id == article.id)
        if claim_ids is not None:
            query = query.where(col(Claim.id).in_(list(claim_ids)))
        batch: list[Claim] = []
        for claim in session.exec(query):
            batch.append(claim)
            if len(batch) >= _CHUNK:
                check_claims(session, batch, actor=actor, report=report)
                batch = []
        if batch:
            check_claims(session, batch, actor=actor, report=report)
    return report
