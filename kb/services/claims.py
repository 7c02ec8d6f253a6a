"""Changing a claim's text and citations, appraising citations, and reading claims.

Editing the text or the citations of a claim that is Under Review or Approved sends it back to
Submitted (a reviewer looked at something else); assessing a stance is the reviewer's appraisal
and leaves the status alone. All of them bump the claim's version and re-run the claim's
automatic checks (which also refresh its measures and evidence summary).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import FlagStatus, LinkState, Stance
from kb.errors import InvalidInput, NotFound
from kb.models import (
    Article,
    Citation,
    Claim,
    Flag,
    Measure,
    Reference,
    ReviewEvent,
    StudyType,
    User,
    utcnow,
)
from kb.permissions import Action
from kb.services.checks import check_claims, text_hash
from kb.services.claim_actions import apply_transition, begin_claim_action
from kb.services.references import get_reference
from kb.vocab import choose
from kb.workflow import EventAction, WorkflowAction


def _citation(session: Session, claim: Claim, ref: Reference) -> Citation | None:
    return session.exec(
        select(Citation).where(Citation.claim_id == claim.id, Citation.reference_id == ref.id)
    ).first()


def _sent_back(what: str, from_status: str, to_status: str) -> str:
    if from_status == to_status:
        return what
    return f"{what}; edited: sent back to {to_status} (was {from_status})"


def edit_claim(
    *, session: Session, actor: User, claim_id: int, text: str, seen_version: int | None
) -> Claim:
    """Replace a claim's text; an Approved or Under Review claim goes back to Submitted."""
    new_text = text.strip()
    if not new_text:
        raise InvalidInput("a claim's text cannot be empty")
    with writing(session):
        claim, transition = begin_claim_action(
            session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen_version,
            action=WorkflowAction.edit,
        )
        if claim.text == new_text:
            raise InvalidInput(f"claim {claim_id} already has this text")
        # The previous text goes into the event: the history is the only place it survives.
        what = f"text edited; previous text: {claim.text}"
        apply_transition(
            session,
            claim=claim,
            actor=actor,
            transition=transition,
            event_action=EventAction.edit_text.value,
            comment=_sent_back(what, claim.status, transition.target.value),
            text=new_text,
            text_hash=text_hash(new_text),
        )
        # New text, new numbers: measures and automatic flags follow the text.
        check_claims(session, [claim], actor=actor)
    return claim


def link_citation(
    *,
    session: Session,
    actor: User,
    claim_id: int,
    citekey: str,
    seen_version: int | None,
    marker: str | None = None,
    link_state: str = LinkState.manual.value,
) -> Citation:
    """Cite a library reference from a claim (with its in-text marker)."""
    state = choose(LinkState, link_state, "link state")
    with writing(session):
        claim, transition = begin_claim_action(
            session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen_version,
            action=WorkflowAction.edit,
            permission=Action.citation_link,
        )
        ref = get_reference(session=session, citekey=citekey)
        if _citation(session, claim, ref) is not None:
            raise InvalidInput(f"claim {claim_id} already cites {ref.citekey}")
        marker = marker.strip() if marker and marker.strip() else None
        assert ref.id is not None
        citation = Citation(
            claim_id=claim_id, reference_id=ref.id, marker=marker, link_state=state.value
        )
        what = f"linked {ref.citekey}" + (f" as marker {marker}" if marker else "")
        apply_transition(
            session,
            claim=claim,
            actor=actor,
            transition=transition,
            event_action=EventAction.link_citation.value,
            comment=_sent_back(what, claim.status, transition.target.value),
        )
        session.add(citation)
        check_claims(session, [claim], actor=actor)
    return citation


def unlink_citation(
    *, session: Session, actor: User, claim_id: int, citekey: str, seen_version: int | None
) -> Claim:
    """Remove a claim's citation of a reference (its stance and quote go with it)."""
    with writing(session):
        claim, transition = begin_claim_action(
            session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen_version,
            action=WorkflowAction.edit,
            permission=Action.citation_link,
        )
        ref = get_reference(session=session, citekey=citekey)
        citation = _citation(session, claim, ref)
        if citation is None:
            raise InvalidInput(f"claim {claim_id} does not cite {ref.citekey}")
        what = f"unlinked {ref.citekey} (stance was {citation.stance})"
        apply_transition(
            session,
            claim=claim,
            actor=actor,
            transition=transition,
            event_action=EventAction.unlink_citation.value,
            comment=_sent_back(what, claim.status, transition.target.value),
        )
        session.delete(citation)
        check_claims(session, [claim], actor=actor)
    return claim


def assess_stance(
    *,
    session: Session,
    actor: User,
    claim_id: int,
    citekey: str,
    stance: str,
    seen_version: int | None,
    quote: str | None = None,
    locator: str | None = None,
) -> Citation:
    """Record whether a cited reference supports the claim, with the quote and where it is."""
    new_stance = choose(Stance, stance, "stance")
    with writing(session):
        claim, transition = begin_claim_action(
            session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen_version,
            action=WorkflowAction.assess,
        )
        ref = get_reference(session=session, citekey=citekey)
        citation = _citation(session, claim, ref)
        if citation is None:
            raise InvalidInput(f"claim {claim_id} does not cite {ref.citekey}; link it first")
        what = f"{ref.citekey}: {citation.stance} -> {new_stance.value}"
        apply_transition(session, claim=claim, actor=actor, transition=transition, comment=what)
        citation.stance = new_stance.value
        citation.quote = quote.strip() if quote and quote.strip() else None
        citation.locator = locator.strip() if locator and locator.strip() else None
        citation.assessed_by = actor.id
        citation.assessed_at = utcnow()
        session.add(citation)
        check_claims(session, [claim], actor=actor)
    return citation


def _emails(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.email).where(col(User.id).in_(wanted))).all()
    return {uid: email for uid, email in rows if uid is not None}


def claim_detail(session: Session, claim_id: int) -> dict[str, Any]:
    """Everything `kb claim show` and the claim page display: citations, measures, flags,
    history."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    article = session.get(Article, claim.article_id)
    cites = session.exec(
        select(Citation, Reference, StudyType)
        .join(Reference, col(Reference.id) == Citation.reference_id)
        .join(StudyType, col(StudyType.code) == Reference.study_type)
        .where(Citation.claim_id == claim_id)
        .order_by(col(Citation.marker), col(Reference.citekey))
    ).all()
    measures = session.exec(
        select(Measure).where(Measure.claim_id == claim_id).order_by(col(Measure.position))
    ).all()
    flags = session.exec(select(Flag).where(Flag.claim_id == claim_id).order_by(col(Flag.id))).all()
    events = session.exec(
        select(ReviewEvent).where(ReviewEvent.claim_id == claim_id).order_by(col(ReviewEvent.id))
    ).all()
    people = _emails(
        session,
        {claim.author_id, claim.assignee_id, claim.approved_by, claim.updated_by}
        | {c.assessed_by for c, _, _ in cites}
        | {fl.raised_by for fl in flags}
        | {fl.resolved_by for fl in flags}
        | {e.actor_id for e in events},
    )

    def who(uid: int | None) -> str | None:
        return people.get(uid) if uid is not None else None

    return {
        "id": claim.id,
        "article": article.slug if article else None,
        "article_title": article.title if article else None,
        "position": claim.position,
        "section": claim.section,
        "kind": claim.kind,
        "text": claim.text,
        "status": claim.status,
        "version": claim.version,
        "author": who(claim.author_id),
        "assignee": who(claim.assignee_id),
        "approved_at": claim.approved_at,
        "approved_by": who(claim.approved_by),
        "next_review_due": claim.next_review_due,
        "updated_at": claim.updated_at,
        "updated_by": who(claim.updated_by),
        "best_level": claim.best_level,
        "best_study_type": claim.best_study_type,
        "supporting_count": claim.supporting_count,
        "refuting_count": claim.refuting_count,
        "open_flag_count": claim.open_flag_count,
        "citations": [
            {
                "citekey": ref.citekey,
                "marker": c.marker,
                "stance": c.stance,
                "quote": c.quote,
                "locator": c.locator,
                "link_state": c.link_state,
                "title": ref.title,
                "year": ref.year,
                "study_type": st.code,
                "study_type_label": st.label,
                "level": st.level,
                "retraction": ref.retraction,
                "assessed_by": who(c.assessed_by),
                "assessed_at": c.assessed_at,
            }
            for c, ref, st in cites
        ],
        "measures": [m.model_dump(exclude={"claim_id"}) for m in measures],
        "flags": [
            {
                "id": fl.id,
                "kind": fl.kind,
                "status": fl.status,
                "note": fl.note,
                "raised_by": who(fl.raised_by) or ("checks" if fl.check_key else None),
                "raised_at": fl.raised_at,
                "resolved_by": who(fl.resolved_by),
                "resolved_at": fl.resolved_at,
                "resolution_note": fl.resolution_note,
                "open": fl.status == FlagStatus.open.value,
            }
            for fl in flags
        ],
        "history": [
            {
                "at": e.created_at,
                "actor": who(e.actor_id) or e.actor_role,
                "role": e.actor_role,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "comment": e.comment,
                "version": e.claim_version,
            }
            for e in events
        ],
    }
