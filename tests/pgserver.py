"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder.

Used when KB_TEST_POSTGRES_URL is not given. As root, the server runs as the `postgres` system
user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    pg_config = shutil.which("pg_config")
    candidates: list[str] = []
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.append(str(Path(which).resolve().parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempPostgres:
    """Start with start(), read .url, stop with stop()."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="kb-pg-"))
        self.port = _free_port()
        self.run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
                self.run_as = "postgres"
            except KeyError:
                self.run_as = "nobody"
            info = pwd.getpwnam(self.run_as)
            os.chmod(self.dir, 0o700)
            os.chown(self.dir, info.pw_uid, info.pw_gid)

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def start(self) -> str:
        data = self.dir / "data"
        subprocess.run(
            self._cmd("initdb", "-D", str(data), "-U", "kb", "-A", "trust", "-E", "UTF8",
                      "--no-locale"),
            check=True, capture_output=True,
        )  # fmt: skip
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c max_connections=200"
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(data), "-o", opts, "-l", str(self.dir / "log"), "-w",
                      "start"),
            check=True, capture_output=True,
        )  # fmt: skip
        return self.url

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://kb@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop"),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)
