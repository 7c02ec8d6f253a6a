"""The old command spellings run the same commands as the new ones, after a note on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from kb.cli import app, run
from kb.cli.aliases import MOVED, moved_note


def _command(words: str) -> object:
    cmd = typer.main.get_command(app)
    for word in words.split():
        cmd = cmd.commands[word]  # type: ignore[attr-defined]
    return cmd


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_old_spelling_names_the_same_command(old: str, new: str) -> None:
    old_cmd, new_cmd = _command(old), _command(new)
    assert getattr(_command(old.split()[0]), "hidden", False)
    assert not getattr(new_cmd, "hidden", False)
    if hasattr(new_cmd, "commands"):
        assert set(old_cmd.commands) == set(new_cmd.commands)  # type: ignore[attr-defined]
    else:
        assert [p.name for p in old_cmd.params] == [p.name for p in new_cmd.params]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old_argv", "new_argv", "note"),
    [
        (["refs", "list", "--json"], ["reference", "list", "--json"], "refs"),
        (["claims", "list", "--json"], ["claim", "list", "--json"], "claims"),
    ],
)
def test_old_spelling_prints_the_same_and_a_note(
    cli_env: str,
    capsys: pytest.CaptureFixture[str],
    old_argv: list[str],
    new_argv: list[str],
    note: str,
) -> None:
    assert run(new_argv) == 0
    new_out, new_err = capsys.readouterr()
    assert run(old_argv) == 0
    old_out, old_err = capsys.readouterr()
    assert (old_out, new_err) == (new_out, "")
    assert old_err == moved_note(note) + "\n"


def test_old_ingest_and_import_still_refuse_like_the_new(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "nowhere.md")
    assert run(["article", "ingest", missing, "--as", "x@example.org"]) == 1
    new_err = capsys.readouterr().err
    assert run(["ingest", missing, "--as", "x@example.org"]) == 1
    assert capsys.readouterr().err == moved_note("ingest") + "\n" + new_err
    argv = [missing, "--article", "a", "--as", "x@example.org"]
    assert run(["claim", "import", *argv]) == 1
    new_err = capsys.readouterr().err
    assert run(["import", "claims", *argv]) == 1
    assert capsys.readouterr().err == moved_note("import claims") + "\n" + new_err
