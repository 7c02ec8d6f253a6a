"""The root typer app and the helpers every command group shares."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from kb import __version__
from kb.db import make_engine
from kb.migrate import require_current
from kb.models import User
from kb.services.users import resolve_actor

app = typer.Typer(
    name="kb",
    help="kb: evidence knowledge base for health content (claims, citations, review).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

JSON_OPTION = typer.Option(False, "--json", help="Print records as JSON.")
AS_OPTION = typer.Option(..., "--as", help="Email of the account acting.")
VERSION_OPTION = typer.Option(
    None, "--version", help="The claim version you saw; refused if someone changed it since."
)


def engine_for_data() -> Engine:
    """The configured engine, refused unless the database is at the latest revision."""
    engine = make_engine()
    require_current(engine)
    return engine


def optional_actor(session: Session, email: str | None) -> User | None:
    """The account of --as EMAIL, or None (the local operator) when --as was not given."""
    return resolve_actor(session=session, email=email) if email else None


@contextmanager
def data_session() -> Iterator[Session]:
    """A session on the configured, up-to-date database."""
    engine = engine_for_data()
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return str(value)


def print_json(data: Any) -> None:
    """Print data as indented JSON (datetimes as ISO 8601)."""
    typer.echo(json.dumps(data, indent=2, default=_default, ensure_ascii=False))


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Print rows as a plain aligned text table."""
    if not rows:
        typer.echo("(none)")
        return
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        shown = [v if len(v) <= w else v[: w - 1] + "…" for v, w in zip(row, widths, strict=True)]
        typer.echo("  ".join(v.ljust(w) for v, w in zip(shown, widths, strict=True)).rstrip())


@app.command()
def version() -> None:
    """Print kb's version and the schema revision it expects."""
    from kb.migrate import head_revision

    typer.echo(f"kb {__version__} (schema {head_revision()})")
