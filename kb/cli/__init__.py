"""The `kb` command: a thin layer over kb.services. KBError -> one-line message, exit code 1.

Layer rule: may import kb.services, kb.db (engines), kb.migrate and the vocabularies; never
streamlit, and no SQL of its own.

Commands only parse arguments, call one service and print; every rule lives in the services.
"""

from __future__ import annotations

import typer

from kb.cli import aliases as _aliases  # noqa: F401  (groups register on `app` on import)
from kb.cli import articles as _articles  # noqa: F401
from kb.cli import citations as _citations  # noqa: F401
from kb.cli import claims as _claims  # noqa: F401
from kb.cli import db as _db  # noqa: F401
from kb.cli import export as _export  # noqa: F401
from kb.cli import flags as _flags  # noqa: F401
from kb.cli import references as _references  # noqa: F401
from kb.cli import review as _review  # noqa: F401
from kb.cli import serve as _serve  # noqa: F401
from kb.cli import users as _users  # noqa: F401
from kb.cli.root import app
from kb.errors import KBError


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with argv and return its exit code (used by tests and by main)."""
    try:
        app(args=argv, prog_name="kb")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        typer.echo(str(exc.code), err=True)
        return 1
    except KBError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    return 0


def main() -> None:
    """Entry point of the `kb` console script."""
    raise SystemExit(run())


__all__ = ["app", "main", "run"]
