"""UTCDateTime: aware UTC datetimes in and out, stored on SQLite as SQLAlchemy stores them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select, text
from sqlalchemy.dialects import sqlite

from kb.dbtypes import UTCDateTime

VALUES = [
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(2026, 11, 22, 10, 41, 42, 999_329, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
    datetime(2040, 3, 1, 8, 0, 0, 500_000, tzinfo=timezone(timedelta(hours=-5))),
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
]


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_sqlite_text_is_sqlalchemys_datetime_format(value: datetime) -> None:
    ours = UTCDateTime().bind_processor(sqlite.dialect())
    theirs = sqlite.DATETIME().bind_processor(sqlite.dialect())
    assert ours is not None and theirs is not None
    assert ours(value) == theirs(value.astimezone(UTC).replace(tzinfo=None))


def test_round_trip_and_rows_written_other_ways(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 't.sqlite'}")
    meta = MetaData()
    t = Table("t", meta, Column("id", Integer, primary_key=True), Column("at", UTCDateTime))
    with engine.begin() as conn:
        # A scratch table for the type alone, not kb's schema.
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, at DATETIME)"))
        conn.execute(t.insert(), [{"id": i, "at": v} for i, v in enumerate(VALUES)])
        # As SQLite's own functions and hand-written SQL leave them.
        conn.execute(text("INSERT INTO t VALUES (100, '2026-02-01 10:00:00')"))
        conn.execute(text("INSERT INTO t VALUES (101, '2026-02-01T10:00:00.5')"))
        conn.execute(text("INSERT INTO t VALUES (102, '2026-02-01 12:00:00+02:00')"))
        conn.execute(text("INSERT INTO t VALUES (103, NULL)"))
        got = dict(conn.execute(select(t.c.id, t.c.at)).all())
        # Compared as stored text too: SQL comparisons see what was bound.
        later = conn.execute(select(t.c.id).where(t.c.at > VALUES[0]).order_by(t.c.id)).all()
    for i, v in enumerate(VALUES):
        assert got[i] == v and got[i].tzinfo == UTC
    assert got[100] == datetime(2026, 2, 1, 10, tzinfo=UTC)
    assert got[101] == datetime(2026, 2, 1, 10, 0, 0, 500_000, tzinfo=UTC)
    assert got[102] == datetime(2026, 2, 1, 10, tzinfo=UTC)
    assert got[103] is None
    assert [r[0] for r in later] == [1, 3, 100, 101, 102]
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as conn:
        conn.execute(t.insert(), {"id": 200, "at": datetime(2026, 1, 1)})
    engine.dispose()
