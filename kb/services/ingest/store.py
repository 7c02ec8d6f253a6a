"""Storing an ingested article: the article, its claims, citations, review events, references
the editor asked to add, then the automatic checks; one write transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import ReviewStatus, Stance
from kb.models import Article, Citation, Claim, Reference, ReviewEvent, User, utcnow
from kb.permissions import Action, require
from kb.services.checks import CheckReport, check_claims, text_hash
from kb.services.ingest.plan import IngestResult, plan_article, reference_from_entry
from kb.workflow import EventAction


def ingest_article(
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
    """Store an article's claims with citations, measures and automatic flags; commit once."""
    require(actor, Action.article_ingest)
    with writing(session):
        return _ingest(session, actor, text, title, slug, add_missing, furniture, filename)


def _ingest(
    session: Session,
    actor: User,
    text: str | bytes,
    title: str | None,
    slug: str | None,
    add_missing: bool,
    furniture: Sequence[str] | None,
    filename: str | None = None,
) -> IngestResult:
    parsed, result, plan = plan_article(
        session=session, text=text, title=title, slug=slug, furniture=furniture,
        add_missing=add_missing, filename=filename,
    )  # fmt: skip
    added = [
        reference_from_entry(parsed.references[r.index], r.citekey or "", result.slug)
        for r in result.references
        if r.how == "added"
    ]
    if added:
        session.execute(insert(Reference), added)
    article = Article(
        slug=result.slug,
        title=result.title,
        source_text=text if isinstance(text, str) else parsed.source_text,
        reference_list=[r.as_dict() for r in result.references],
        reference_list_numbered=parsed.reference_list_numbered,
        marker_map={m: key for m, (key, _state) in plan.items()},
        created_by=actor.id,
    )
    session.add(article)
    session.flush()
    result.article_id = article.id
    # Core bulk insert, then one ORM load: building 50 ORM objects by hand costs more than both.
    now = utcnow()
    session.execute(
        insert(Claim),
        [
            {"article_id": article.id, "position": s.position, "section": s.section,
             "text": s.text, "text_hash": text_hash(s.text), "kind": planned["kind"],
             "status": ReviewStatus.submitted.value, "version": 1, "markers": list(s.markers),
             "author_id": actor.id, "assignee_id": None, "best_level": None,
             "best_study_type": None, "supporting_count": 0, "refuting_count": 0,
             "open_flag_count": 0, "approved_at": None, "approved_by": None,
             "next_review_due": None, "created_at": now, "updated_at": now,
             "updated_by": actor.id}
            for s, planned in zip(parsed.statements, result.claims, strict=True)
        ],
    )  # fmt: skip
    claims = list(
        session.exec(
            select(Claim).where(Claim.article_id == article.id).order_by(col(Claim.position))
        )
    )
    ref_ids = _reference_ids(session, {key for key, _ in plan.values()})
    citations = []
    for claim in claims:
        for marker in claim.markers:
            if marker in plan:
                key, state = plan[marker]
                citations.append(
                    {"claim_id": claim.id, "reference_id": ref_ids[key], "marker": marker,
                     "stance": Stance.not_assessed.value, "link_state": state.value,
                     "quote": None, "locator": None, "assessed_by": None, "assessed_at": None,
                     "created_at": utcnow()}
                )  # fmt: skip
    # One citation per claim and reference, even when two markers name the same reference.
    unique = {(c["claim_id"], c["reference_id"]): c for c in reversed(citations)}
    if unique:
        session.execute(insert(Citation), list(unique.values()))
    now = utcnow()
    session.execute(
        insert(ReviewEvent),
        [
            {"claim_id": c.id, "actor_id": actor.id, "actor_role": actor.role,
             "action": EventAction.created.value, "from_status": None,
             "to_status": ReviewStatus.submitted.value,
             "comment": f"ingested from article {result.slug}", "claim_version": c.version,
             "created_at": now}
            for c in claims
        ],
    )  # fmt: skip
    report = check_claims(session, claims, actor=actor, report=CheckReport(), fresh=True)
    result.flags = dict(sorted(report.raised.items()))
    result.claims = [{**row, "id": c.id} for row, c in zip(result.claims, claims, strict=True)]
    return result


def _reference_ids(session: Session, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = session.exec(
        select(Reference.citekey, Reference.id).where(col(Reference.citekey).in_(sorted(keys)))
    )
    return {k: i for k, i in rows if i is not None}
