"""Engines and sessions. SQLite gets foreign keys, WAL and a busy timeout on every connection.

Write transactions on SQLite begin IMMEDIATE so two writers queue on the busy timeout instead
of failing with "database is locked" when a reader tries to upgrade its lock. A writer that
still waits in vain (another process held the lock longer than the timeout) gets DatabaseBusy,
a KBError every caller already shows as one line, and its transaction is rolled back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from kb.config import get_settings, normalize_database_url, sqlite_busy_timeout_ms
from kb.errors import DatabaseBusy

WRITE_OPTION = "kb_write"
BUSY_MESSAGE = "the database is busy: another kb process is writing; try again"


def _sqlite_path(url: str) -> str | None:
    rest = url.split("://", 1)[1]
    path = rest[1:] if rest.startswith("/") else rest
    return None if path in ("", ":memory:") else path


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for a kb database URL (default: the configured one)."""
    url = normalize_database_url(url) if url else get_settings().database_url
    if url.startswith("sqlite"):
        return _make_sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _make_sqlite_engine(url: str, **kwargs: Any) -> Engine:
    path = _sqlite_path(url)
    if path is None:
        kwargs.setdefault("poolclass", StaticPool)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    busy_timeout_ms = sqlite_busy_timeout_ms()
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", busy_timeout_ms / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself, so writers can ask for IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        if path is not None:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            # Reads through a memory map and a 32 MB page cache instead of one read() call per
            # page: claim browser queries and counts at a million claims are several times
            # faster (benchmarks/bench_queries.py). The map is address space, not memory.
            cur.execute("PRAGMA mmap_size = 1073741824")
            cur.execute("PRAGMA cache_size = -32000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "handle_error", retval=True)
    def _on_error(context: ExceptionContext) -> BaseException | None:
        # Every statement, BEGIN and COMMIT passes here, so the CLI, the pages and the services
        # all get the same one-line error instead of sqlite3's "database is locked".
        if _is_busy(context.original_exception):
            return DatabaseBusy(BUSY_MESSAGE)
        return None

    return engine


def _is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY (any extended code): the lock was still held when the busy timeout ran out."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_BUSY)
    return isinstance(exc, sqlite3.OperationalError) and str(exc) in (
        "database is locked",
        "database is busy",
    )


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session that rolls back on error; with write=True it takes the write lock up front."""
    with Session(engine, expire_on_commit=False) as session:
        if write:
            session.connection(execution_options={WRITE_OPTION: True})
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


def _writing_or_pending(session: Session) -> bool:
    """True when the session's open transaction writes, or holds changes not yet flushed."""
    options = session.connection().get_execution_options()
    return bool(options.get(WRITE_OPTION) or session.new or session.dirty or session.deleted)


def end_read(session: Session) -> None:
    """End a clean read-only transaction (this only releases its snapshot), so that slow work
    after it (parsing a large file) holds nothing; a transaction that writes, or holds pending
    changes, is kept."""
    if session.in_transaction() and not _writing_or_pending(session):
        session.commit()


def begin_write(session: Session) -> None:
    """Make the session's transaction a write transaction (IMMEDIATE on SQLite).

    Services call it first thing. Callers (the CLI resolving `--as`, a page loading the user)
    often read before they call a service, and on SQLite a read transaction that later writes
    fails at once with "database is locked" when another connection committed in between. So a
    clean read-only transaction is committed first (nothing is pending: this only releases the
    read snapshot); a transaction that is already writing, or holds pending changes, is kept.
    """
    if session.in_transaction():
        if _writing_or_pending(session):
            return
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """The one way services write: a write transaction (IMMEDIATE on SQLite) that commits once
    when the block ends and rolls back on any error, so a refused or failed operation leaves the
    database exactly as it was and never keeps SQLite's write lock."""
    begin_write(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
