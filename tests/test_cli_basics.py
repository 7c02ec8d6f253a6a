"""The CLI: help everywhere, one-line errors, argon2 hashes, the not-at-head guard."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import typer.main
from sqlmodel import Session, select

from kb.cli import app, run
from kb.db import make_engine
from kb.models import User


def _walk(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    if hasattr(group, "commands"):
        for name, cmd in group.commands.items():
            out += _walk(cmd, (*path, name))
    return out


ALL_COMMANDS = _walk(typer.main.get_command(app))


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "kb")
def test_every_command_has_help(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage:" in out


def test_user_add_stores_argon2_hash_not_password(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-passw0rd\n"))
    code = run(["user", "add", "Ed@Example.org", "--role", "editor", "--password-stdin"])
    assert code == 0, capsys.readouterr().err
    engine = make_engine(cli_env)
    with Session(engine) as s:
        user = s.exec(select(User)).one()
    engine.dispose()
    assert user.email == "ed@example.org"
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert "s3cret-passw0rd" not in user.password_hash


def test_user_add_refuses_a_weak_password_saying_why(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("password12\n"))
    assert run(["user", "add", "ed@example.org", "--role", "editor", "--password-stdin"]) == 1
    assert capsys.readouterr().err == (
        "error: password refused: too easy to guess: this is a very common password\n"
    )
    engine = make_engine(cli_env)
    with Session(engine) as s:
        assert s.exec(select(User)).all() == []
    engine.dispose()


def test_second_user_add_same_email_fails_clearly(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["user", "add", "a@example.org", "--role", "reviewer"]) == 0
    out = capsys.readouterr().out
    assert "password (shown once):" in out
    assert run(["user", "add", "A@example.org", "--role", "editor"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "error: an account with email a@example.org already exists"
    assert "Traceback" not in err


def test_unknown_role_is_one_line_error(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["user", "add", "a@example.org", "--role", "boss"]) == 1
    err = capsys.readouterr().err
    assert "unknown role 'boss'" in err and len(err.strip().splitlines()) == 1


def test_user_list_json(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(["user", "add", "b@example.org", "--role", "analyst", "--name", "Bea"])
    capsys.readouterr()
    assert run(["user", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["email"], r["role"], r["name"]) for r in rows] == [
        ("b@example.org", "analyst", "Bea")
    ]


def test_data_commands_refuse_database_not_at_head(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert run(["user", "list"]) == 1
    err = capsys.readouterr().err
    assert "run `kb db upgrade`" in err
    assert run(["db", "upgrade"]) == 0
    assert run(["user", "list"]) == 0
    assert run(["db", "downgrade", "base"]) == 0
    capsys.readouterr()
    assert run(["db", "current"]) == 0
    assert "current: empty" in capsys.readouterr().out


def test_console_script_exit_code_and_no_traceback(tmp_path) -> None:
    env = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "PATH": ""}
    proc = subprocess.run(
        [sys.executable, "-c", "from kb.cli import main; main()", "user", "list"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: the database is empty")


def test_bad_database_url_is_clear(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("KB_DATABASE_URL", "mysql://x/y")
    assert run(["user", "list"]) == 1
    assert "mysql:// is not supported" in capsys.readouterr().err


def test_user_set_password_replaces_the_hash(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from kb.errors import AuthenticationFailed
    from kb.services.users import authenticate

    assert run(["user", "add", "lost@example.org", "--role", "reviewer"]) == 0
    old = capsys.readouterr().out.split("password (shown once): ")[1].strip()
    monkeypatch.setattr(sys, "stdin", io.StringIO("brand-new-passw0rd\n"))
    assert run(["user", "set-password", "lost@example.org", "--password-stdin"]) == 0
    assert "password of lost@example.org changed" in capsys.readouterr().out
    engine = make_engine(cli_env)
    with Session(engine) as s:
        assert authenticate(session=s, email="lost@example.org", password="brand-new-passw0rd")
        with pytest.raises(AuthenticationFailed):
            authenticate(session=s, email="lost@example.org", password=old)
    engine.dispose()
    assert run(["user", "set-password", "nobody@example.org"]) == 1
    assert "no account with email nobody@example.org" in capsys.readouterr().err
