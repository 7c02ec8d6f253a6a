"""Browser fixtures: Debian's chromium driven by Playwright, and a `kb serve` with demo content.

Without playwright or chromium the e2e tests skip with the reason, unless KB_REQUIRE_BROWSER=1
(set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need
from tests.e2e.server import KbServer
from tests.e2e.ui import screenshot_dir

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """KB_CHROMIUM, else Debian's /usr/bin/chromium, else chromium on PATH."""
    for candidate in (os.environ.get("KB_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless chromium for the whole session (each test opens its own contexts)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        need("KB_REQUIRE_BROWSER", "playwright is not installed (pip install -e '.[test]')")
    executable = find_chromium()
    if executable is None:
        need("KB_REQUIRE_BROWSER", "chromium is not installed (apt-get install chromium)")
    assert executable is not None
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Error as exc:
            need("KB_REQUIRE_BROWSER", f"chromium at {executable} did not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def kb_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KbServer]:
    """`kb serve` on a free port with a fresh data dir and the demo content loaded."""
    server = KbServer(root=tmp_path_factory.mktemp("kb-serve"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder screenshots go to: KB_SCREENSHOT_DIR, else this run's temporary folder."""
    return screenshot_dir(tmp_path_factory)
