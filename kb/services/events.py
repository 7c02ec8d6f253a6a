"""The audit trail and the compare-and-set every claim change goes through.

`change_claim` is the only way services write a claim row: one UPDATE ... WHERE id = :id AND
version = :seen, so two people acting on the same claim never silently overwrite each other, in
one process or many, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from kb.errors import StaleVersion
from kb.models import Claim, ReviewEvent, User, utcnow


def record_event(
    session: Session,
    *,
    claim: Claim,
    actor: User | None,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    comment: str | None = None,
) -> ReviewEvent:
    """Append one review event for claim (not committed; the service commits once)."""
    assert claim.id is not None, "flush the claim before recording its events"
    event = ReviewEvent(
        claim_id=claim.id,
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "system",
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        claim_version=claim.version,
    )
    session.add(event)
    return event


def stale_error(session: Session, claim_id: int) -> StaleVersion:
    """The "changed by X at T; reload" error for a claim someone else changed."""
    row = session.exec(
        select(Claim.updated_by, Claim.updated_at).where(Claim.id == claim_id)
    ).first()
    if row is None:
        return StaleVersion(f"claim {claim_id} was deleted; reload")
    who = "someone"
    if row[0] is not None:
        user = session.get(User, row[0])
        who = user.email if user else who
    when = row[1].strftime("%Y-%m-%d %H:%M:%S UTC") if row[1] else "an unknown time"
    return StaleVersion(f"claim {claim_id} was changed by {who} at {when}; reload")


def check_version(session: Session, claim: Claim, seen_version: int | None) -> None:
    """Refuse early when the caller saw an older version than the one loaded."""
    if seen_version is not None and seen_version != claim.version:
        raise stale_error(session, claim.id or 0)


def change_claim(
    session: Session,
    *,
    claim: Claim,
    actor: User | None,
    seen_version: int | None,
    **changes: Any,
) -> Claim:
    """Compare-and-set: apply changes only if the claim is still at the version the actor saw.

    seen_version None means "the version loaded in this session". The claim object is updated
    in place to the new values and version.
    """
    expected = claim.version if seen_version is None else seen_version
    now = utcnow()
    values = {
        **changes,
        "version": expected + 1,
        "updated_at": now,
        "updated_by": actor.id if actor else None,
    }
    result = session.execute(
        update(Claim)
        .where(Claim.id == claim.id, Claim.version == expected)  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.rollback()
        raise stale_error(session, claim.id or 0)
    # The UPDATE already wrote these: mark them committed so the flush does not write them again.
    for key, value in values.items():
        set_committed_value(claim, key, value)
    return claim
