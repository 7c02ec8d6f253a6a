"""`kb review ...`: take, approve, request changes, reopen and assign claims; what is due."""

from __future__ import annotations

import typer

from kb.cli.claims import claim_row, report
from kb.cli.filters import parse_date
from kb.cli.root import (
    AS_OPTION,
    JSON_OPTION,
    VERSION_OPTION,
    app,
    data_session,
    print_json,
    print_table,
)
from kb.services import review as svc
from kb.services.users import normalize_email, resolve_actor

review_app = typer.Typer(
    help="Review claims: start, approve, request changes, reopen, assign; what is due.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

CLAIM_ARG = typer.Argument(..., help="Claim id.")
COMMENT_OPTION = typer.Option(None, "--comment", help="Comment recorded with the event.")


@review_app.command("start")
def review_start(
    claim_id: int = CLAIM_ARG,
    as_: str = AS_OPTION,
    comment: str | None = COMMENT_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Take a Submitted claim: it goes Under Review with you as its assignee."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.start_review(
            session=session, actor=actor, claim_id=claim_id, seen_version=seen, comment=comment
        )
    report(claim, json_, "review started")


@review_app.command("approve")
def review_approve(
    claim_id: int = CLAIM_ARG,
    as_: str = AS_OPTION,
    comment: str | None = COMMENT_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Approve a claim Under Review (not your own; no open flags; supported if a finding)."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.approve(
            session=session, actor=actor, claim_id=claim_id, seen_version=seen, comment=comment
        )
    report(claim, json_, "approved")


@review_app.command("request-changes")
def review_request_changes(
    claim_id: int = CLAIM_ARG,
    as_: str = AS_OPTION,
    comment: str | None = typer.Option(None, "--comment", help="What has to change (required)."),
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Send a claim Under Review back to Submitted with a comment."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.request_changes(
            session=session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen,
            comment=comment or "",
        )
    report(claim, json_, "changes requested")


@review_app.command("reopen")
def review_reopen(
    claim_id: int = CLAIM_ARG,
    as_: str = AS_OPTION,
    comment: str | None = typer.Option(None, "--comment", help="Why it is reopened (required)."),
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Reopen an Approved claim: it goes back Under Review."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.reopen(
            session=session,
            actor=actor,
            claim_id=claim_id,
            seen_version=seen,
            comment=comment or "",
        )
    report(claim, json_, "reopened")


@review_app.command("assign")
def review_assign(
    claim_id: int = CLAIM_ARG,
    to: str = typer.Option(..., "--to", help="Email of the reviewer to assign."),
    as_: str = AS_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Assign a reviewer to a claim (the status does not change)."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.assign_reviewer(
            session=session, actor=actor, claim_id=claim_id, assignee_email=to, seen_version=seen
        )
    report(claim, json_, f"assigned to {normalize_email(to)}")


@review_app.command("due")
def review_due(
    today: str | None = typer.Option(
        None, "--today", help="Count as today (YYYY-MM-DD); default: the real today."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """List Approved claims due for re-review (next review date today or earlier)."""
    day = parse_date(today, "--today")
    with data_session() as session:
        rows = [claim_row(c) for c in svc.due_for_review(session=session, today=day)]
    if json_:
        print_json(rows)
    else:
        print_table(rows, ["id", "next_review_due", "version", "kind", "text"])
