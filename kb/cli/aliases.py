"""Old spellings of commands, kept hidden for one release (kb 0.2 removes them).

The command groups are singular nouns with their verbs (`kb claim import`, `kb reference list`,
`kb article ingest`); `kb export TABLE` writes the analyst tables. The spellings before that
scheme still run the same code, after a note on standard error saying what to type instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from kb.cli.articles import ingest
from kb.cli.claims import claim_app, import_claims_cmd
from kb.cli.references import reference_app
from kb.cli.root import app

# old spelling -> new spelling, for the notes and the tests.
MOVED = {
    "claims": "claim",
    "refs": "reference",
    "import claims": "claim import",
    "ingest": "article ingest",
}


def moved_note(old: str) -> str:
    """The note an old spelling prints on standard error."""
    return f"note: `kb {old}` is now `kb {MOVED[old]}`; the old spelling goes in kb 0.2"


def _note(old: str) -> Callable[[], None]:
    def callback() -> None:
        typer.echo(moved_note(old), err=True)

    return callback


def _noted(old: str, command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        typer.echo(moved_note(old), err=True)
        return command(*args, **kwargs)

    return run


app.add_typer(claim_app, name="claims", hidden=True, callback=_note("claims"))
app.add_typer(reference_app, name="refs", hidden=True, callback=_note("refs"))
app.command("ingest", hidden=True)(_noted("ingest", ingest))
_import_app = typer.Typer(no_args_is_help=True)
_import_app.command("claims")(_noted("import claims", import_claims_cmd))
app.add_typer(_import_app, name="import", hidden=True)
