"""Alembic owns the schema: upgrade/downgrade cycles, no drift, same tables on both engines."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import kb.models  # noqa: F401
from kb.db import make_engine
from kb.enums import STUDY_TYPES
from kb.migrate import current_revision, downgrade, head_revision, include_schema_name, upgrade

EXPECTED_TABLES = {
    "user",
    "study_type",
    "reference",
    "article",
    "claim",
    "citation",
    "measure",
    "flag",
    "review_event",
}


def _tables(engine: Engine) -> set[str]:
    # SQLite's FTS5 tables have no PostgreSQL counterpart (a GIN index does that job there).
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    return {n for n in names if include_schema_name(n, "table")}


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert _tables(engine) >= EXPECTED_TABLES
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not (_tables(engine) & EXPECTED_TABLES)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _tables(engine) >= EXPECTED_TABLES


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_schema_name}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_study_types_seeded(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, level FROM study_type")).all()
    assert {(r.code, r.level) for r in rows} == {(s.code, s.level) for s in STUDY_TYPES}


def test_same_tables_and_columns_on_sqlite_and_postgres(sqlite_url: str, pg_url: str) -> None:
    shapes = []
    for url in (sqlite_url, pg_url):
        eng = make_engine(url)
        insp = inspect(eng)
        shapes.append(
            {t: sorted(c["name"] for c in insp.get_columns(t)) for t in sorted(_tables(eng))}
        )
        eng.dispose()
    assert shapes[0] == shapes[1]
    assert set(shapes[0]) >= EXPECTED_TABLES


@pytest.mark.parametrize("table", sorted(EXPECTED_TABLES))
def test_every_table_has_a_primary_key(sqlite_engine: Engine, table: str) -> None:
    assert inspect(sqlite_engine).get_pk_constraint(table)["constrained_columns"]
