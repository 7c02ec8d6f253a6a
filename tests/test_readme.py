"""The README's commands and CLI table stay in sync with the code and CI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from kb.cli import app
from kb.cli.aliases import MOVED

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _command_paths(*, hidden: bool = False) -> set[tuple[str, ...]]:
    """Every command's words; with hidden=True the old spellings kept for a release too."""
    out: set[tuple[str, ...]] = set()

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        if getattr(cmd, "hidden", False) and not hidden:
            return
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, (*path, name))
        else:
            out.add(path)

    walk(typer.main.get_command(app), ())
    return out


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_two_commands_first() -> None:
    blocks = _bash_blocks()
    assert blocks[0].strip() == "pip install -e . && kb serve"
    assert blocks[1].strip() == "pip install -e '.[test]' && pytest"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _bash_blocks()[1].strip()
    assert test_command in ci.splitlines()
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci


def test_every_cli_command_is_in_the_readme() -> None:
    missing = [" ".join(p) for p in _command_paths() if f"`kb {' '.join(p)}" not in README]
    assert missing == []


def test_every_kb_command_the_readme_names_exists() -> None:
    paths = _command_paths(hidden=True)
    groups = {p[0] for p in paths if len(p) > 1}
    named = re.findall(r"`kb ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", README)
    unknown = []
    for first, second in named:
        if first in groups:
            if (first, second) not in paths:
                unknown.append(f"kb {first} {second}")
        elif (first,) not in paths:
            unknown.append(f"kb {first}")
    assert unknown == []


def test_old_spellings_are_hidden_and_named_in_the_readme() -> None:
    old = _command_paths(hidden=True) - _command_paths()
    assert {p[0] for p in old} == {w.split()[0] for w in MOVED}
    for spelling in MOVED:
        assert f"`kb {spelling}" in README
