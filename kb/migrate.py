"""Run Alembic from code: upgrade, downgrade, current, and the "is it at head?" guard."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from kb.config import PROJECT_ROOT
from kb.errors import DatabaseNotReady

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"

# Schema objects the models cannot describe: the FTS5 tables and triggers and the tsvector GIN
# index of migration 0002, the SQLite-only facet counts of migration 0003 and the SQLite-only
# page-key expression indexes of migration 0006. migrations/env.py and the drift test leave them
# out of autogenerate.
UNMODELLED_SCHEMA_PREFIXES = ("claim_fts", "claim_facet", "ix_claim_page")


def include_schema_name(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """Alembic include_name hook: False for the unmodelled objects (0002, 0003, 0006)."""
    return not (name and name.startswith(UNMODELLED_SCHEMA_PREFIXES))


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic Config pointing at kb's migrations, optionally bound to an engine's URL."""
    cfg = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return cfg


def head_revision() -> str | None:
    """The newest revision in migrations/versions."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to revision."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "-1") -> None:
    """Undo migrations down to revision ("base" empties the database)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that is not at the latest revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise DatabaseNotReady(
            f"the database is {where}, kb needs revision {head}: run `kb db upgrade`"
        )
