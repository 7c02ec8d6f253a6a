"""Looking references up: one by citekey, one with everything that cites it, filtered lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from kb.enums import STUDY_TYPE_BY_CODE, RetractionStatus
from kb.errors import InvalidInput, NotFound
from kb.models import Article, Citation, Claim, Reference
from kb.services.references.duplicates import normalize_title


def get_reference(*, session: Session, citekey: str) -> Reference:
    """The reference with this citekey (surrounding spaces ignored), or NotFound."""
    citekey = citekey.strip()
    ref = session.exec(select(Reference).where(Reference.citekey == citekey)).first()
    if ref is None:
        raise NotFound(f"no reference with citekey {citekey!r}")
    return ref


def reference_summary(ref: Reference, cited_by: int = 0) -> dict[str, Any]:
    """The fields of a reference for lists and JSON."""
    st = STUDY_TYPE_BY_CODE.get(ref.study_type)
    return {
        "citekey": ref.citekey,
        "title": ref.title,
        "authors": list(ref.authors or []),
        "journal": ref.journal,
        "year": ref.year,
        "doi": ref.doi,
        "pmid": ref.pmid,
        "study_type": ref.study_type,
        "study_type_inferred": ref.study_type_inferred,
        "evidence_level": st.level if st else None,
        "retraction": ref.retraction,
        "source": ref.source,
        "cited_by": cited_by,
    }


def reference_detail(*, session: Session, citekey: str) -> dict[str, Any]:
    """A reference with every claim and article that cites it, and each stance."""
    ref = get_reference(session=session, citekey=citekey)
    rows = session.exec(
        select(Citation, Claim, Article)
        .join(Claim, col(Claim.id) == Citation.claim_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .where(Citation.reference_id == ref.id)
        .order_by(col(Article.slug), col(Claim.position))
    ).all()
    cited = [
        {
            "claim_id": claim.id,
            "article": article.slug,
            "article_title": article.title,
            "position": claim.position,
            "claim_text": claim.text,
            "claim_status": claim.status,
            "marker": cit.marker,
            "stance": cit.stance,
            "quote": cit.quote,
        }
        for cit, claim, article in rows
    ]
    out = reference_summary(ref, len(cited))
    out.update(
        {
            "entry_type": ref.entry_type,
            "volume": ref.volume,
            "number": ref.number,
            "pages": ref.pages,
            "abstract": ref.abstract,
            "note": ref.note,
            "retraction_note": ref.retraction_note,
            "articles": sorted({str(c["article"]) for c in cited}),
            "cited_by_claims": cited,
        }
    )
    return out


def list_references(
    *,
    session: Session,
    study_type: str | None = None,
    uncited: bool = False,
    retracted: bool = False,
    search: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """References with cited-by counts, filtered; ordered by citekey."""
    if study_type is not None and study_type not in STUDY_TYPE_BY_CODE:
        allowed = ", ".join(STUDY_TYPE_BY_CODE)
        raise InvalidInput(f"unknown study type {study_type!r}: choose one of {allowed}")
    # Counted per listed reference (an index lookup each), never by grouping every citation:
    # a search for 20 references must not read 1.5 million citations first.
    n = (
        select(func.count())
        .select_from(Citation)
        .where(Citation.reference_id == Reference.id)
        .scalar_subquery()
    )
    query = select(Reference, n)
    if study_type:
        query = query.where(Reference.study_type == study_type)
    if uncited:
        query = query.where(n == 0)
    if retracted:
        query = query.where(Reference.retraction != RetractionStatus.none.value)
    if search:
        like = f"%{search.strip().casefold()}%"
        query = query.where(
            or_(
                func.lower(Reference.citekey).like(like),
                col(Reference.title_norm).like(f"%{normalize_title(search) or ''}%"),
                func.lower(Reference.doi).like(like),
                col(Reference.pmid) == search.strip(),
            )
        )
    query = query.order_by(col(Reference.citekey))
    if limit:
        query = query.limit(limit)
    return [reference_summary(ref, int(count)) for ref, count in session.exec(query)]
