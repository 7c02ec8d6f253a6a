"""Fixtures that make real databases cheap: a migrated template copied per test.

SQLite: one file migrated with Alembic per session, copied for each test.
PostgreSQL: a server (KB_TEST_POSTGRES_URL, or one started here with initdb/pg_ctl), a template
database migrated once, and `CREATE DATABASE ... TEMPLATE` for each test. Where PostgreSQL is
missing the tests skip, unless KB_REQUIRE_POSTGRES=1 (set by CI), which turns the skip into a
failure.

../shared (next to the repository, not in it) holds the seed articles and real-world data some
tests read. A clone without it skips those tests, unless KB_REQUIRE_SHARED=1 (set by CI), which
turns the skip into a failure: every such test asks `require_shared(path)` first.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from kb.db import make_engine
from kb.migrate import upgrade
from tests.pgserver import TempPostgres, find_bindir

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_counter = itertools.count()


def need(flag: str, reason: str) -> None:
    """Skip with reason, or fail when the environment variable `flag` demands the feature."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1 forbids skipping)")
    pytest.skip(reason)


def require_shared(path: Path) -> Path:
    """path (a file or folder under ../shared) when it exists; else skip the test, or fail it
    when KB_REQUIRE_SHARED=1."""
    if not path.exists():
        need(
            "KB_REQUIRE_SHARED",
            f"{path} is absent (test data from ../shared, next to the repository)",
        )
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "kb.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    given = os.environ.get("KB_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = find_bindir()
    if bindir is None:
        need("KB_REQUIRE_POSTGRES", "PostgreSQL binaries (initdb, pg_ctl) are not installed")
    assert bindir is not None
    server = TempPostgres(bindir)
    try:
        url = server.start()
    except Exception as exc:  # pragma: no cover - environment problem
        server.stop()
        need("KB_REQUIRE_POSTGRES", f"could not start PostgreSQL: {exc}")
    yield url
    server.stop()


def _admin_engine(server_url: str) -> Engine:
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


def _url_for(server_url: str, dbname: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def pg_template(pg_server_url: str) -> str:
    name = f"kb_template_{os.getpid()}"
    admin = _admin_engine(pg_server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(_url_for(pg_server_url, name))
    upgrade(engine)
    engine.dispose()
    return name


def new_sqlite_url(template: Path, tmp_path: Path) -> str:
    path = tmp_path / f"kb-{next(_counter)}.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def new_pg_url(server_url: str, template: str) -> str:
    name = f"kb_test_{os.getpid()}_{next(_counter)}"
    admin = _admin_engine(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return _url_for(server_url, name)


def drop_pg(server_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = _admin_engine(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database URL on each engine."""
    if request.param == "sqlite":
        yield new_sqlite_url(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    server = request.getfixturevalue("pg_server_url")
    url = new_pg_url(server, request.getfixturevalue("pg_template"))
    yield url
    drop_pg(server, url)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database URL."""
    return new_sqlite_url(sqlite_template, tmp_path)


@pytest.fixture
def pg_url(pg_server_url: str, pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database URL."""
    url = new_pg_url(pg_server_url, pg_template)
    yield url
    drop_pg(pg_server_url, url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database, once per engine kind."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """An engine on a fresh SQLite database (for tests whose subject is not the engine)."""
    eng = make_engine(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def sqlite_session(sqlite_engine: Engine) -> Iterator[Session]:
    with Session(sqlite_engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    """Point the CLI (kb.cli.run) at a fresh SQLite database."""
    monkeypatch.setenv("KB_DATABASE_URL", sqlite_url)
    return sqlite_url
