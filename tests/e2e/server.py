"""A real `kb serve` in a subprocess: free port, private data dir and cwd, demo passwords read
from its stdout, ready when Streamlit's health endpoint answers, and never left running."""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import REPO

START_TIMEOUT = 120.0  # demo loading + Streamlit start on a loaded 2-core machine
KB = [sys.executable, "-c", "from kb.cli import main; main()"]
# "  editor    editor@demo.kb       <password>" (kb/services/demo.py)
ACCOUNT_LINE = re.compile(r"^\s+(editor|reviewer|analyst|admin)\s+(\S+@\S+)\s+(\S+)\s*$")

_running: set[subprocess.Popen[str]] = set()


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, home: Path, secrets: Path) -> dict[str, str]:
    """The environment of a kb process: its own data dir, HOME and secrets file, nothing else.

    STREAMLIT_SECRETS_FILES replaces Streamlit's default search (~/.streamlit, the cwd's and the
    app's .streamlit/secrets.toml), so a developer's own secrets never leak into a test server.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "STREAMLIT_"))}
    env.update(
        KB_DATA_DIR=str(data_dir),
        HOME=str(home),
        STREAMLIT_SECRETS_FILES=str(secrets),
        PYTHONUNBUFFERED="1",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",  # nothing to reload; spare the CPU
        STREAMLIT_CLIENT_TOOLBAR_MODE="viewer",  # no developer "Deploy" button in screenshots
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    return env


def kb(args: Sequence[str], *, env: dict[str, str], cwd: Path, stdin: str | None = None) -> str:
    """Run one `kb` command to completion; its stdout (fails the test on a non-zero exit)."""
    done = subprocess.run(
        [*KB, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise AssertionError(f"kb {' '.join(args)} failed: {done.stderr or done.stdout}")
    return done.stdout


class KbServer:
    """`kb serve --port P` in its own process group, with its output kept for error messages."""

    def __init__(self, *, root: Path, demo: bool = True) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.cwd = root / "cwd"
        for d in (self.data_dir, self.cwd, root / "home"):
            d.mkdir(parents=True, exist_ok=True)
        self.secrets_file = self.cwd / ".streamlit" / "secrets.toml"
        self.env = server_env(self.data_dir, root / "home", self.secrets_file)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.demo = demo
        self.passwords: dict[str, tuple[str, str]] = {}  # role -> (email, password)
        self.lines: list[str] = []
        self.proc: subprocess.Popen[str] | None = None

    def write_secrets(self, text: str) -> None:
        """Give the server a .streamlit/secrets.toml (in its cwd, outside the repository)."""
        self.secrets_file.parent.mkdir(exist_ok=True)
        self.secrets_file.write_text(text, encoding="utf-8")

    def kb(self, *args: str, stdin: str | None = None) -> str:
        """A `kb` command against this server's data dir."""
        return kb(args, env=self.env, cwd=self.cwd, stdin=stdin)

    def start(self) -> KbServer:
        """Start the server and wait until Streamlit answers its health check."""
        cmd = [*KB, "serve", "--port", str(self.port)] + ([] if self.demo else ["--no-demo"])
        self.proc = subprocess.Popen(
            cmd,
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group: stop() ends Streamlit too
        )
        _running.add(self.proc)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"kb serve exited with {self.proc.returncode}:\n{self.log}")
            if self._healthy():
                break
            time.sleep(0.25)
        else:
            self.stop()
            raise AssertionError(f"kb serve did not answer in {START_TIMEOUT:.0f}s:\n{self.log}")
        if self.demo and len(self.passwords) < 4:
            self.stop()
            raise AssertionError(f"kb serve printed no demo passwords:\n{self.log}")
        return self

    @property
    def log(self) -> str:
        return "\n".join(self.lines[-200:])

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            found = ACCOUNT_LINE.match(line)
            if found:
                self.passwords[found[1]] = (found[2], found[3])

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                return bool(r.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        """Terminate the process group (SIGKILL after 10 s)."""
        if self.proc is not None:
            stop_process(self.proc)


def stop_process(proc: subprocess.Popen[str]) -> None:
    """End proc and every process of its group."""
    _running.discard(proc)
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)
    # Streamlit may outlive the `kb serve` parent for a moment: end the rest of the group too.
    _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen[str], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


@atexit.register
def _stop_all() -> None:  # a crash or Ctrl-C between start and stop must not leave a server
    for proc in list(_running):
        stop_process(proc)
