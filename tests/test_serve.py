"""Stopping `kb serve` stops the Streamlit server it started: the port closes, no child is left.

Each test starts a real `kb serve --no-demo` (no browser needed) and signals the kb process
alone, never its process group, as a service manager or `kill PID` does.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.server import KbServer

pytestmark = [
    pytest.mark.slow,
    # /proc for the process tree, and Linux's parent-death signal for the SIGKILL case
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only"),
]

STOP_WITHIN = 15.0  # seconds: Streamlit's own shutdown on a loaded machine


def _children(pid: int) -> list[int]:
    """The processes whose parent is pid (read from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing paren
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def _running(pid: int) -> bool:
    """pid is a live process (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[KbServer]:
    srv = KbServer(root=tmp_path, demo=False)
    try:
        yield srv.start()
    finally:
        srv.stop()


@pytest.mark.parametrize(
    "sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name
)
def test_signal_to_kb_serve_stops_streamlit_and_frees_the_port(
    server: KbServer, sig: signal.Signals
) -> None:
    assert server.proc is not None
    kb_pid = server.proc.pid
    children = _children(kb_pid)
    assert len(children) == 1 and _port_open(server.port)
    os.kill(kb_pid, sig)  # the kb process only, not its group
    assert _wait_until(lambda: not _port_open(server.port), STOP_WITHIN), server.log
    code = server.proc.wait(timeout=STOP_WITHIN)
    assert not _running(children[0]), f"streamlit (pid {children[0]}) outlived kb serve"
    assert "Traceback" not in server.log, server.log
    # Streamlit stops cleanly on SIGTERM and SIGINT; SIGHUP ends it as it ends a shell's jobs.
    assert code == (128 + signal.SIGHUP if sig == signal.SIGHUP else 0), server.log


def test_streamlit_does_not_outlive_a_killed_kb_serve(server: KbServer) -> None:
    assert server.proc is not None
    children = _children(server.proc.pid)
    assert len(children) == 1
    os.kill(server.proc.pid, signal.SIGKILL)  # no chance to forward anything
    assert _wait_until(lambda: not _port_open(server.port), STOP_WITHIN), server.log
    assert _wait_until(lambda: not _running(children[0]), STOP_WITHIN)
