"""`kb claim ...`: list, show, edit and import claims."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from kb.cli.filters import (
    ARTICLE,
    AUTHOR,
    FLAG_KIND,
    FROM,
    KIND,
    LEVEL,
    OPEN_FLAGS,
    REVIEWER,
    STATUS,
    STUDY,
    TEXT,
    TO,
    filter_options,
)
from kb.cli.root import (
    AS_OPTION,
    JSON_OPTION,
    VERSION_OPTION,
    app,
    data_session,
    print_json,
    print_table,
)
from kb.errors import ImportProblem
from kb.models import Claim
from kb.services import claims as svc
from kb.services.claim_import import import_claims
from kb.services.queries import query_claims
from kb.services.users import resolve_actor

claim_app = typer.Typer(help="List, show, edit and import claims.", no_args_is_help=True)
app.add_typer(claim_app, name="claim")


def claim_row(claim: Claim) -> dict[str, Any]:
    """The fields a one-line claim listing shows (and --json prints)."""
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "position": claim.position,
        "kind": claim.kind,
        "status": claim.status,
        "version": claim.version,
        "open_flags": claim.open_flag_count,
        "supporting": claim.supporting_count,
        "best_level": claim.best_level,
        "next_review_due": claim.next_review_due,
        "text": claim.text,
    }


def report(claim: Claim, json_: bool, what: str) -> None:
    """Print the outcome of a change: the claim as JSON, or one line."""
    if json_:
        print_json(claim_row(claim))
    else:
        typer.echo(f"claim {claim.id}: {what}; now {claim.status} (version {claim.version})")


@claim_app.command("list")
def claims_list(
    article: str | None = ARTICLE,
    status: list[str] = STATUS,
    kind: list[str] = KIND,
    study_type: list[str] = STUDY,
    level: list[str] = LEVEL,
    flag_kind: list[str] = FLAG_KIND,
    open_flags: bool | None = OPEN_FLAGS,
    flagged: bool = typer.Option(False, "--flagged", help="Same as --open-flags."),
    reviewer: str | None = REVIEWER,
    author: str | None = AUTHOR,
    updated_from: str | None = FROM,
    updated_to: str | None = TO,
    text: str | None = TEXT,
    limit: int = typer.Option(100, "--limit", min=1, max=10_000, help="Claims per page."),
    after: str | None = typer.Option(None, "--after", help="Cursor printed by the last page."),
    json_: bool = JSON_OPTION,
) -> None:
    """List claims in article order, filtered like `kb export`; pages by cursor."""
    filters = filter_options(
        article, status, kind, study_type, level, flag_kind, True if flagged else open_flags,
        reviewer, author, updated_from, updated_to, text,
    )  # fmt: skip
    with data_session() as session:
        page = query_claims(
            session=session, filters=filters, after=after, limit=limit, order="position"
        )
    rows = [asdict(r) for r in page.rows]
    if json_:
        print_json(rows)
    else:
        print_table(
            rows,
            ["id", "article_slug", "position", "status", "kind", "open_flag_count",
             "best_level", "text"],
        )  # fmt: skip
    if page.next_cursor:
        typer.echo(f"more: kb claim list ... --after {page.next_cursor}", err=True)


def _print_detail(d: dict[str, Any]) -> None:
    typer.echo(f"claim {d['id']} ({d['kind']}) in {d['article']} #{d['position']}")
    typer.echo(f"  {d['text']}")
    typer.echo(
        f"status {d['status']}  version {d['version']}  author {d['author'] or '-'}  "
        f"assignee {d['assignee'] or '-'}  next review {d['next_review_due'] or '-'}"
    )
    typer.echo("\ncitations:")
    print_table(
        d["citations"],
        ["marker", "citekey", "stance", "study_type", "level", "retraction", "locator", "quote"],
    )
    typer.echo("\nmeasures:")
    print_table(d["measures"], ["kind", "text", "estimate", "ci_lower", "ci_upper", "p_value"])
    typer.echo("\nflags:")
    print_table(d["flags"], ["id", "kind", "status", "note", "raised_by", "resolved_by"])
    typer.echo("\nhistory:")
    print_table(d["history"], ["at", "actor", "action", "from_status", "to_status", "comment"])


@claim_app.command("show")
def claims_show(
    claim_id: int = typer.Argument(..., help="Claim id."), json_: bool = JSON_OPTION
) -> None:
    """Show a claim: citations (marker, stance, quote, study type, level), measures, flags,
    history."""
    with data_session() as session:
        detail = svc.claim_detail(session, claim_id)
    if json_:
        print_json(detail)
    else:
        _print_detail(detail)


@claim_app.command("edit")
def claims_edit(
    claim_id: int = typer.Argument(..., help="Claim id."),
    text: str = typer.Option(..., "--text", help="The claim's new text."),
    as_: str = AS_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Change a claim's text (an Under Review or Approved claim goes back to Submitted)."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.edit_claim(
            session=session, actor=actor, claim_id=claim_id, text=text, seen_version=seen
        )
    report(claim, json_, "text edited")


@claim_app.command("import")
def import_claims_cmd(
    path: Path = typer.Argument(..., help="A .csv or .xlsx file with a `text` column."),
    article: str = typer.Option(..., "--article", help="Slug of the article to add to."),
    as_: str = AS_OPTION,
    title: str | None = typer.Option(None, "--title", help="Create the article with this title."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the good rows anyway."),
    json_: bool = JSON_OPTION,
) -> None:
    """Import claims (text, section, citekeys, kind, notes) into an article, all or nothing."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        try:
            report = import_claims(
                session=session, actor=actor, path=path, article=article, title=title,
                skip_bad=skip_bad,
            )  # fmt: skip
        except ImportProblem as exc:
            if json_:
                print_json({"error": str(exc), "refused": [vars(p) for p in exc.problems]})
            else:
                for problem in exc.problems:
                    typer.echo(str(problem), err=True)
            raise
    if json_:
        print_json(report.as_dict())
        return
    made = " (new article)" if report.created_article else ""
    typer.echo(f"imported {report.imported} of {report.rows} rows into {article}{made}")
    for problem in report.refused:
        typer.echo(f"refused {problem}")
    if report.ignored_columns:
        typer.echo(f"ignored columns: {', '.join(report.ignored_columns)}")
