"""`kb flag ...`: raise, resolve and dismiss flags on claims."""

from __future__ import annotations

import typer

from kb.cli.root import AS_OPTION, JSON_OPTION, VERSION_OPTION, app, data_session, print_json
from kb.models import Flag
from kb.services import flags as svc
from kb.services.users import resolve_actor

flag_app = typer.Typer(help="Raise, resolve and dismiss flags on claims.", no_args_is_help=True)
app.add_typer(flag_app, name="flag")

NOTE_OPTION = typer.Option(None, "--note", help="Why (recorded with the flag and the event).")


def _report(flag: Flag, json_: bool) -> None:
    if json_:
        print_json(flag.model_dump())
    else:
        typer.echo(f"flag {flag.id} on claim {flag.claim_id}: {flag.kind} ({flag.status})")


@flag_app.command("raise")
def flag_raise(
    claim_id: int = typer.Argument(..., help="Claim id."),
    kind: str = typer.Option(
        ..., "--kind", help='Flag kind: "unsupported statement" or a slug like weak-evidence.'
    ),
    note: str = typer.Option(..., "--note", help="What is wrong."),
    as_: str = AS_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Raise a flag on a claim (it blocks approval until resolved or dismissed)."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        flag = svc.raise_flag(
            session=session,
            actor=actor,
            claim_id=claim_id,
            kind=kind,
            note=note,
            seen_version=seen,
        )
    _report(flag, json_)


@flag_app.command("resolve")
def flag_resolve(
    flag_id: int = typer.Argument(..., help="Flag id."),
    as_: str = AS_OPTION,
    note: str | None = NOTE_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Resolve an open flag: the problem was fixed."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        flag = svc.resolve_flag(
            session=session, actor=actor, flag_id=flag_id, note=note, seen_version=seen
        )
    _report(flag, json_)


@flag_app.command("dismiss")
def flag_dismiss(
    flag_id: int = typer.Argument(..., help="Flag id."),
    as_: str = AS_OPTION,
    note: str | None = NOTE_OPTION,
    seen: int | None = VERSION_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Dismiss an open flag: it was not a problem."""
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        flag = svc.dismiss_flag(
            session=session, actor=actor, flag_id=flag_id, note=note, seen_version=seen
        )
    _report(flag, json_)
