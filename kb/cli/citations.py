"""`kb citation ...`: link and unlink references to claims, assess their stance."""

from __future__ import annotations

import typer

from kb.cli.claims import report
from kb.cli.root import AS_OPTION, JSON_OPTION, VERSION_OPTION, app, data_session, print_json
from kb.models import Citation
from kb.services import claims as svc
from kb.services.users import resolve_actor

citation_app = typer.Typer(
    help="Link references to claims and assess whether they support them.", no_args_is_help=True
)
app.add_typer(citation_app, name="citation")

CLAIM_ARG = typer.Argument(..., help="Claim id.")
CITEKEY_ARG = typer.Argument(..., help="BibTeX citekey of the reference.")


def _report(citation: Citation, citekey: str, json_: bool) -> None:
    if json_:
        print_json({**citation.model_dump(), "citekey": citekey})
    else:
        typer.echo(
            f"claim {citation.claim_id} cites {citekey}"
            + (f" [{citation.marker}]" if citation.marker else "")
            + f": {citation.stance}"
        )


@citation_app.command("link")
def citation_link(
    claim_id: int = CLAIM_ARG,
    citekey: str = CITEKEY_ARG,
    as_: str = AS_OPTION,
    marker: str | None = typer.Option(None, "--marker", help='In-text marker as printed ("2").'),
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Cite a reference from a claim (a claim Under Review or Approved goes back to Submitted)."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        citation = svc.link_citation(
            session=session,
            actor=actor,
            claim_id=claim_id,
            citekey=citekey,
            seen_version=seen,
            marker=marker,
        )
    _report(citation, citekey, json_)


@citation_app.command("unlink")
def citation_unlink(
    claim_id: int = CLAIM_ARG,
    citekey: str = CITEKEY_ARG,
    as_: str = AS_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Remove a claim's citation of a reference."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        claim = svc.unlink_citation(
            session=session, actor=actor, claim_id=claim_id, citekey=citekey, seen_version=seen
        )
    report(claim, json_, f"{citekey} unlinked")


@citation_app.command("assess")
def citation_assess(
    claim_id: int = CLAIM_ARG,
    citekey: str = CITEKEY_ARG,
    stance: str = typer.Option(
        ..., "--stance", help="supports, partially-supports, refutes, not-found, background-only."
    ),
    quote: str | None = typer.Option(None, "--quote", help="The passage that shows it."),
    locator: str | None = typer.Option(None, "--locator", help="Where: page, table, figure."),
    as_: str = AS_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Record whether a cited reference supports the claim (reviewers)."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        citation = svc.assess_stance(
            session=session,
            actor=actor,
            claim_id=claim_id,
            citekey=citekey,
            stance=stance,
            seen_version=seen,
            quote=quote,
            locator=locator,
        )
    _report(citation, citekey, json_)
