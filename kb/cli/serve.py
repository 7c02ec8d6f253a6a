"""`kb serve`: upgrade the embedded database, load demo content once, start Streamlit."""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from kb.cli.app import app
from kb.config import PROJECT_ROOT, get_settings
from kb.db import make_engine
from kb.migrate import require_current, upgrade


@app.command()
def serve(
    port: int = typer.Option(8501, "--port", help="Port to bind on 127.0.0.1."),
    demo: bool = typer.Option(
        True, "--demo/--no-demo", help="Load demo content into an empty database."
    ),
) -> None:
    """Start the web app on 127.0.0.1 (upgrading the embedded SQLite database first)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if settings.uses_default_database:
            upgrade(engine)
        else:
            require_current(engine)
        if demo:
            from kb.services.demo import load_demo_if_empty

            for line in load_demo_if_empty(engine=engine):
                typer.echo(line)
    finally:
        engine.dispose()
    env = {**os.environ, "KB_DATABASE_URL": settings.database_url}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]
    typer.echo(f"kb is starting on http://127.0.0.1:{port}")
    raise typer.Exit(subprocess.call(cmd, env=env))
