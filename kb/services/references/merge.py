"""Merging two references that are the same work: citations move, claims record the move."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, delete
from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import Stance
from kb.errors import InvalidInput
from kb.models import Article, Citation, Reference, User
from kb.permissions import Action, require
from kb.services.checks import check_claims
from kb.services.claim_actions import lock_claims
from kb.services.events import change_claim, record_event
from kb.services.references.lookup import get_reference
from kb.workflow import EventAction


def merge_references(
    *, session: Session, actor: User | None, keep: str, drop: str
) -> dict[str, Any]:
    """Move every citation of DROP onto KEEP, then remove DROP; each claim records the move.

    A claim citing both keeps its KEEP citation; DROP's assessment is carried over only when
    KEEP's was never assessed. The claims' status does not change: the evidence is the same work
    under another key. Their automatic checks re-run (a flag about DROP, say its retraction,
    goes when KEEP gives no cause for it), and marker mappings and BibTeX crossrefs naming DROP
    name KEEP, so the library's export still imports back. KEEP may not itself take its
    container from DROP (a crossref to DROP): that merge is refused.
    """
    if actor is not None:
        require(actor, Action.reference_merge)
    if keep == drop:
        raise InvalidInput("cannot merge a reference into itself")
    with writing(session):
        keep_ref = get_reference(session=session, citekey=keep)
        drop_ref = get_reference(session=session, citekey=drop)
        children = _crossref_children(session, drop_ref.citekey)
        if any(c.id == keep_ref.id for c in children):
            raise InvalidInput(
                f"cannot merge {drop_ref.citekey} into {keep_ref.citekey}: {keep_ref.citekey} "
                f"takes its container from {drop_ref.citekey} (crossref); merge the other way"
            )
        for child in children:
            # The same work under its kept key: the child's container comes from KEEP now.
            child.raw_fields = {**child.raw_fields, "crossref": keep_ref.citekey}
            child.content_hash = ""  # the next import of the child's file compares afresh
            session.add(child)
        moving = session.exec(select(Citation).where(Citation.reference_id == drop_ref.id)).all()
        claims = lock_claims(session, [c.claim_id for c in moving])
        twins = {
            t.claim_id: t
            for t in session.exec(
                select(Citation).where(
                    Citation.reference_id == keep_ref.id,
                    col(Citation.claim_id).in_([c.claim_id for c in moving]),
                )
            )
        }
        not_assessed = Stance.not_assessed.value
        for cit in moving:
            twin = twins.get(cit.claim_id)
            if twin is None:
                cit.reference_id = keep_ref.id  # type: ignore[assignment]
                session.add(cit)
            else:
                if twin.stance == not_assessed and cit.stance != not_assessed:
                    twin.stance, twin.quote, twin.locator = cit.stance, cit.quote, cit.locator
                    twin.assessed_by, twin.assessed_at = cit.assessed_by, cit.assessed_at
                    session.add(twin)
                session.delete(cit)
        session.flush()
        comment = f"citation of {drop} moved to {keep} (duplicate references merged)"
        for claim in claims:
            change_claim(session, claim=claim, actor=actor, seen_version=None)
            record_event(
                session, claim=claim, actor=actor, action=EventAction.reference_merged.value,
                from_status=claim.status, to_status=claim.status, comment=comment,
            )  # fmt: skip
        for article in session.exec(
            select(Article).where(col(Article.id).in_({c.article_id for c in claims}))
        ):
            if drop in article.marker_map.values():
                article.marker_map = {
                    m: keep if k == drop else k for m, k in article.marker_map.items()
                }
                session.add(article)
        session.flush()
        session.execute(delete(Reference).where(col(Reference.id) == drop_ref.id))
        # Flags and evidence summaries follow the moved citations (no commit inside).
        check_claims(session, claims, actor=actor)
        return {"kept": keep, "removed": drop, "claims": [c.id for c in claims]}


def _crossref_children(session: Session, citekey: str) -> list[Reference]:
    """The references whose BibTeX crossref names citekey (as BibTeX does, ignoring case)."""
    candidates = session.exec(
        select(Reference).where(cast(col(Reference.raw_fields), Text).like('%"crossref"%'))
    )
    wanted = citekey.casefold()
    return [
        r for r in candidates if str(r.raw_fields.get("crossref", "")).strip().casefold() == wanted
    ]
