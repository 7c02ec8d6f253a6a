"""Another process holding SQLite's write lock: a writer waits the busy timeout, then gets one
clear KBError and the database is exactly as before (no traceback, no partial write)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kb.cli import run
from kb.db import make_engine
from kb.errors import DatabaseBusy, InvalidInput
from kb.models import User
from kb.services import users
from tests.conftest import REPO

BUSY = "the database is busy: another kb process is writing; try again"
KB = [sys.executable, "-c", "from kb.cli import main; main()"]


def _path(url: str) -> str:
    return url.removeprefix("sqlite:///")


@contextmanager
def write_lock(url: str) -> Iterator[None]:
    """Hold the database's write lock from another connection, as a second kb process would."""
    other = sqlite3.connect(_path(url), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _dump(url: str) -> list[tuple[str, list[tuple]]]:
    """Every table's rows, read outside kb (works while the lock is held: WAL readers)."""
    con = sqlite3.connect(_path(url))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]
    finally:
        con.close()


def _add(session: Session, email: str) -> User:
    return users.add_user(
        session=session, actor=None, email=email, role="editor", password="a long passphrase 1"
    )


def test_cli_write_while_another_process_writes_is_one_line_and_changes_nothing(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        **os.environ,
        "KB_DATABASE_URL": sqlite_url,
        "KB_SQLITE_BUSY_TIMEOUT_MS": "300",
        "PYTHONPATH": str(REPO),
    }
    add = [*KB, "user", "add", "ed@example.org", "--role", "editor"]
    with write_lock(sqlite_url):
        before = _dump(sqlite_url)
        done = subprocess.run(
            add, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert _dump(sqlite_url) == before
    assert (done.returncode, done.stderr) == (1, f"error: {BUSY}\n")
    assert done.stdout == ""
    # Once the other writer is done, the same command goes through.
    monkeypatch.setenv("KB_DATABASE_URL", sqlite_url)
    assert run(add[len(KB) :]) == 0
    assert [t for t in _dump(sqlite_url) if t[0] == "user"] != [t for t in before if t[0] == "user"]


def test_service_write_while_locked_raises_database_busy_and_rolls_back(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_SQLITE_BUSY_TIMEOUT_MS", "100")
    engine = make_engine(sqlite_url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            _add(s, "first@example.org")
            with write_lock(sqlite_url):
                # a read first, as the CLI and the pages do before they call a service
                assert len(s.exec(select(User)).all()) == 1
                with pytest.raises(DatabaseBusy) as caught:
                    _add(s, "second@example.org")
                assert str(caught.value) == BUSY
            # The session is usable again and holds nothing of the failed write.
            s.rollback()
            assert [u.email for u in s.exec(select(User)).all()] == ["first@example.org"]
            _add(s, "second@example.org")
        with Session(engine) as s:
            emails = sorted(u.email for u in s.exec(select(User)).all())
        assert emails == ["first@example.org", "second@example.org"]
    finally:
        engine.dispose()


def test_busy_timeout_comes_from_the_environment(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_SQLITE_BUSY_TIMEOUT_MS", "1234")
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 1234
    finally:
        engine.dispose()
    monkeypatch.setenv("KB_SQLITE_BUSY_TIMEOUT_MS", "soon")
    with pytest.raises(InvalidInput, match="KB_SQLITE_BUSY_TIMEOUT_MS must be a whole number"):
        make_engine(sqlite_url)
