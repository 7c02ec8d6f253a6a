"""`kb serve`: upgrade the embedded database, load demo content once, start Streamlit.

Streamlit runs as a child process that stops with `kb serve`: SIGTERM, SIGINT and SIGHUP are
passed on to it (killed if it has not stopped STOP_TIMEOUT seconds later), and on Linux the
kernel ends it if `kb serve` dies without a chance to do so.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType

import typer

from kb.cli.root import app
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
    raise typer.Exit(run_child(cmd, env=env))


FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
STOP_TIMEOUT = 10.0  # seconds the child gets to stop after a forwarded signal
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def run_child(cmd: Sequence[str], *, env: dict[str, str]) -> int:
    """Run cmd until it exits and return its exit code (128 + N when killed by signal N).

    A stop signal sent to this process goes to the child too, and the child is killed when it
    is still running STOP_TIMEOUT seconds later.
    """
    proc = subprocess.Popen(cmd, env=env, preexec_fn=_exit_with_parent())
    killer = threading.Timer(STOP_TIMEOUT, proc.kill)
    killer.daemon = True

    def forward(signum: int, _frame: FrameType | None) -> None:
        proc.send_signal(signum)  # a no-op once the child has exited
        if killer.ident is None:
            killer.start()

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        code = proc.wait()
    finally:
        killer.cancel()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code if code >= 0 else 128 - code


def _exit_with_parent() -> Callable[[], None] | None:
    """On Linux, a function for the child to run before exec: SIGTERM it when its parent dies.

    Covers the one case forwarding cannot: `kb serve` killed with SIGKILL (or crashing).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(1)

    return arm
