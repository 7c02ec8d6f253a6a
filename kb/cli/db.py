"""`kb db ...`: schema migrations."""

from __future__ import annotations

import typer

from kb.cli.root import app
from kb.db import make_engine
from kb.migrate import current_revision, downgrade, head_revision, upgrade

db_app = typer.Typer(help="Create and migrate the database schema (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    engine = make_engine()
    try:
        upgrade(engine, revision)
        typer.echo(f"database at revision {current_revision(engine)} ({engine.url.database})")
    finally:
        engine.dispose()


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument("-1", help="Target revision; 'base' removes every table."),
) -> None:
    """Undo migrations down to REVISION (default: one step)."""
    engine = make_engine()
    try:
        downgrade(engine, revision)
        typer.echo(f"database at revision {current_revision(engine) or 'base (empty)'}")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the latest one."""
    engine = make_engine()
    try:
        current, head = current_revision(engine), head_revision()
        state = "up to date" if current == head else "needs `kb db upgrade`"
        typer.echo(f"current: {current or 'empty'}  head: {head}  ({state})")
    finally:
        engine.dispose()
