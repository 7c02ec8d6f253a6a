"""Screenshots: a test run writes them outside the repository's files; the README's refresh
command writes them to docs/screenshots. No browser needed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.ui import README_SCREENSHOTS, SCREENSHOT_DIR_ENV, screenshot_dir

README = (REPO / "README.md").read_text(encoding="utf-8")
JOURNEY = (REPO / "tests" / "e2e" / "test_journey.py").read_text(encoding="utf-8")


def _git_would_see(folder: Path) -> bool:
    """A file written in folder would show in `git status` (inside the repo and not ignored)."""
    try:
        inside = folder.resolve().relative_to(REPO)
    except ValueError:
        return False
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(inside / "shot.png")], cwd=REPO, capture_output=True
    )
    return ignored.returncode != 0


def test_tests_write_screenshots_where_git_does_not_look(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SCREENSHOT_DIR_ENV, raising=False)
    folder = screenshot_dir(tmp_path_factory)
    assert folder.resolve() != README_SCREENSHOTS.resolve()
    assert not _git_would_see(folder), folder
    assert _git_would_see(README_SCREENSHOTS)  # the check above can tell a tracked folder


def test_the_readme_refresh_command_writes_the_readme_pictures(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = README.split("## Screenshots", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    assert len(commands) == 1
    command = commands[0].strip()
    assert command.endswith("pytest tests/e2e/test_journey.py")
    settings = dict(re.findall(r"(\w+)=(\S+)", command))
    assert settings[SCREENSHOT_DIR_ENV] == "docs/screenshots"
    assert settings["KB_REQUIRE_BROWSER"] == "1"  # a missing browser fails instead of skipping
    monkeypatch.chdir(REPO)
    monkeypatch.setenv(SCREENSHOT_DIR_ENV, settings[SCREENSHOT_DIR_ENV])
    assert screenshot_dir(tmp_path_factory) == README_SCREENSHOTS.resolve()


def test_the_journey_takes_every_picture_the_readme_shows() -> None:
    shown = set(re.findall(r"\(docs/screenshots/(\w+)\.png\)", README))
    taken = set(re.findall(r'screenshot\(\w+, "(\w+)", screenshots\)', JOURNEY))
    assert shown and shown <= taken
    assert taken == {p.stem for p in README_SCREENSHOTS.glob("*.png")}
