"""Constraints hold in the database itself, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlmodel import Session

from kb.models import Citation, Reference, ReviewEvent, User
from tests import factories as f


def test_duplicate_citekey_refused(session: Session) -> None:
    session.add(Reference(citekey="smith2020", title="A"))
    session.commit()
    session.add(Reference(citekey="smith2020", title="B"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_duplicate_email_refused(session: Session) -> None:
    session.add(User(email="a@example.org", role="editor"))
    session.commit()
    session.add(User(email="a@example.org", role="analyst"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_citation_to_missing_claim_refused(session: Session) -> None:
    ref = f.reference(session)
    session.add(Citation(claim_id=999_999, reference_id=ref.id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_one_citation_per_claim_and_reference(session: Session) -> None:
    ref = f.reference(session)
    c = f.claim(session, refs=(ref,))
    session.add(Citation(claim_id=c.id, reference_id=ref.id, marker="9"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_unknown_study_type_refused(session: Session) -> None:
    session.add(Reference(citekey="x", title="t", study_type="horoscope"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE review_event SET comment = 'rewritten'",
        "DELETE FROM review_event",
    ],
)
def test_review_events_are_append_only(session: Session, statement: str) -> None:
    c = f.claim(session)
    session.add(ReviewEvent(claim_id=c.id, action="submit", to_status="Submitted"))
    session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement))
        session.commit()
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM review_event")).scalar_one() == 1
    assert session.execute(text("SELECT comment FROM review_event")).scalar_one() is None


def test_timestamps_come_back_utc_aware(session: Session) -> None:
    u = f.user(session)
    session.expire_all()
    again = session.get(User, u.id)
    assert again is not None and again.created_at.utcoffset() is not None
    assert again.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
