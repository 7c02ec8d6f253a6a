"""Articles: list with status counts, one article's claims, and the editor's marker mapping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import LinkState, ReviewStatus
from kb.errors import InvalidInput, NotFound
from kb.models import Article, Citation, Claim, Reference, User, utcnow
from kb.permissions import Action, require
from kb.services.checks import check_claims
from kb.services.claim_actions import apply_transition, begin_claim_action
from kb.services.references import list_references
from kb.workflow import EventAction, WorkflowAction

_STATUSES = [s.value for s in ReviewStatus]


def get_article(*, session: Session, slug: str) -> Article:
    """The article with this slug, or NotFound."""
    article = session.exec(select(Article).where(Article.slug == slug)).first()
    if article is None:
        raise NotFound(f"no article with slug {slug!r}")
    return article


def status_counts(claims: list[Claim]) -> dict[str, int]:
    """How many of claims are in each review status (every status present, workflow order)."""
    counts = dict.fromkeys(_STATUSES, 0)
    for claim in claims:
        counts[claim.status] = counts.get(claim.status, 0) + 1
    return counts


def derived_status(counts: dict[str, int]) -> str:
    """An article's status from its claims' (DOMAIN.md): Approved only when every claim is;
    Under Review once any claim is under review or approved; Submitted before that (and with
    no claims)."""
    total = sum(counts.values())
    if total and counts.get(ReviewStatus.approved.value, 0) == total:
        return ReviewStatus.approved.value
    if counts.get(ReviewStatus.under_review.value, 0) or counts.get(ReviewStatus.approved.value, 0):
        return ReviewStatus.under_review.value
    return ReviewStatus.submitted.value


def _article_search(search: str | None) -> Any:
    """A condition on Article for a case-insensitive search of slug and title (None: all)."""
    if not search or not search.strip():
        return None
    like = f"%{search.strip().casefold()}%"
    return or_(func.lower(Article.slug).like(like), func.lower(Article.title).like(like))


def count_articles(*, session: Session, search: str | None = None) -> int:
    """How many articles list_articles would list without a limit."""
    query = select(func.count()).select_from(Article)
    condition = _article_search(search)
    if condition is not None:
        query = query.where(condition)
    return int(session.exec(query).one())


def list_articles(
    *, session: Session, search: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Articles (most recently updated first; matching search in slug or title; at most limit)
    with their claim counts per status, open flags and derived status.

    Claims are counted for the listed articles only, not for the whole catalogue.
    """
    query = select(Article).order_by(col(Article.updated_at).desc(), col(Article.id).desc())
    condition = _article_search(search)
    if condition is not None:
        query = query.where(condition)
    if limit is not None:
        query = query.limit(limit)
    listed = list(session.exec(query))
    ids = [a.id for a in listed]
    counts: dict[int, dict[str, int]] = {}
    flags: dict[int, int] = {}
    if ids:
        rows = session.exec(
            select(Claim.article_id, Claim.status, func.count(), func.sum(Claim.open_flag_count))
            .where(col(Claim.article_id).in_(ids))
            .group_by(col(Claim.article_id), col(Claim.status))
        )
        for article_id, status, n, open_flags in rows:
            counts.setdefault(article_id, {})[status] = int(n)
            flags[article_id] = flags.get(article_id, 0) + int(open_flags or 0)
    out = []
    for a in listed:
        c = {s: counts.get(a.id or 0, {}).get(s, 0) for s in _STATUSES}
        out.append(
            {
                "id": a.id,
                "slug": a.slug,
                "title": a.title,
                "claims": sum(c.values()),
                **c,
                "open_flags": flags.get(a.id or 0, 0),
                "status": derived_status(c),
                "updated_at": a.updated_at,
            }
        )
    return out


def article_claims(*, session: Session, slug: str) -> tuple[Article, list[Claim]]:
    """An article and its claims in reading order."""
    article = get_article(session=session, slug=slug)
    claims = session.exec(
        select(Claim).where(Claim.article_id == article.id).order_by(col(Claim.position))
    ).all()
    return article, list(claims)


def marker_choices(*, session: Session, article: Article, search: str | None = None) -> list[str]:
    """Citekeys to offer for an article's markers: the references its printed list resolved to,
    the ones mapped now and, with search, up to 20 library references matching it.

    Bounded whatever the library's size (a selectbox of every reference is not).
    """
    keys = {e.get("citekey") for e in article.reference_list or [] if isinstance(e, dict)}
    keys |= set((article.marker_map or {}).values())
    if search and search.strip():
        found = list_references(session=session, search=search, limit=20)
        keys |= {r["citekey"] for r in found}
    return sorted(k for k in keys if k)


def set_marker_mapping(
    *, session: Session, actor: User, slug: str, mapping: dict[str, str]
) -> dict[str, Any]:
    """Map printed markers to citekeys: links every claim carrying them, resolves ambiguity.

    Re-mapping a marker replaces the link it made before. Each claim goes through the same
    workflow row as any citation edit (locked, checked, sent back to Submitted from Under Review
    or Approved), with one event naming the markers and references.
    """
    require(actor, Action.article_map_markers)
    if not mapping:
        raise InvalidInput("give at least one MARKER=CITEKEY pair")
    with writing(session):
        article, claims = article_claims(session=session, slug=slug)
        used = {m for c in claims for m in (c.markers or [])}
        unknown = sorted(set(mapping) - used, key=lambda m: (len(m), m))
        if unknown:
            shown = ", ".join(sorted(used, key=lambda m: (len(m), m))) or "none"
            raise InvalidInput(
                f"marker(s) {', '.join(unknown)} do not appear in article {slug} "
                f"(its markers: {shown})"
            )
        refs = {
            r.citekey: r
            for r in session.exec(
                select(Reference).where(col(Reference.citekey).in_(set(mapping.values())))
            )
        }
        missing = sorted(set(mapping.values()) - set(refs))
        if missing:
            raise NotFound(f"no reference with citekey {missing[0]!r} (import it or add it first)")
        old_map = dict(article.marker_map or {})
        carrying = sorted(c.id for c in claims if c.id and set(c.markers or []) & set(mapping))
        changed: list[Claim] = []
        for claim_id in carrying:  # locked in id order, so two mappings never deadlock
            claim, transition = begin_claim_action(
                session,
                actor=actor,
                claim_id=claim_id,
                seen_version=None,
                action=WorkflowAction.edit,
                permission=Action.article_map_markers,
            )
            changed.append(claim)
            notes = [
                _link_marker(session, claim, m, refs[mapping[m]], old_map.get(m))
                for m in (claim.markers or [])
                if m in mapping
            ]
            before, after = claim.status, transition.target.value
            apply_transition(
                session,
                claim=claim,
                actor=actor,
                transition=transition,
                event_action=EventAction.citations_mapped.value,
                comment="; ".join(notes)
                + ("" if before == after else f"; citations changed: sent back to {after}"),
            )
        article.marker_map = {**old_map, **mapping}
        article.updated_at = utcnow()
        session.add(article)
        session.flush()
        report = check_claims(session, changed, actor=actor)
    return {
        "article": slug,
        "mapping": dict(sorted(article.marker_map.items(), key=lambda kv: (len(kv[0]), kv[0]))),
        "claims": [c.id for c in changed],
        "resolved": report.resolved,
    }


def _link_marker(
    session: Session, claim: Claim, marker: str, ref: Reference, old_key: str | None
) -> str:
    """Point claim's citation for marker at ref (replacing an earlier mapping's link)."""
    current = session.exec(
        select(Citation).where(Citation.claim_id == claim.id, Citation.marker == marker)
    ).first()
    if current is not None and current.reference_id != ref.id:
        session.delete(current)
        session.flush()
        current = None
    twin = session.exec(
        select(Citation).where(Citation.claim_id == claim.id, Citation.reference_id == ref.id)
    ).first()
    if twin is not None:
        twin.link_state = LinkState.manual.value
        twin.marker = twin.marker or marker
        session.add(twin)
    else:
        session.add(
            Citation(
                claim_id=claim.id,  # type: ignore[arg-type]
                reference_id=ref.id,  # type: ignore[arg-type]
                marker=marker,
                link_state=LinkState.manual.value,
            )
        )
    session.flush()
    was = f" (was {old_key})" if old_key and old_key != ref.citekey else ""
    return f"marker {marker} -> {ref.citekey}{was}"
