"""The tables the claim query reads, the orders of a page, the shape of a filter, the page key."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import String, Table, literal_column
from sqlmodel import Session, SQLModel

import kb.models  # noqa: F401  (registers the tables)

_TABLES = SQLModel.metadata.tables
CLAIM: Table = _TABLES["claim"]
ARTICLE: Table = _TABLES["article"]
CITATION: Table = _TABLES["citation"]
FLAG: Table = _TABLES["flag"]
USER: Table = _TABLES["user"]

Order = Literal["updated", "position"]
ORDERS: tuple[str, ...] = ("updated", "position")


# A filter becomes a *shape*, the (name, form) pairs of its conditions (hashable), and the
# values to bind.
# Statements are built and cached per shape, so a page or a count with new values reuses a
# statement SQLAlchemy has already compiled and keyed (building and keying a statement costs
# more than running it for one page).
Shape = tuple[Any, ...]


def dialect_name(session: Session) -> str:
    """The database engine of session: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


# SQLite's page key (migration 0006 indexes it, alone and after status, assignee_id and
# author_id): one text that sorts as (updated_at, id) does, so that a page after a cursor is a
# single index seek past the cursor's key, as the first page is a single seek to the newest.
# The text must be exactly the index's expression for SQLite to use the index.
PAGE_KEY_SQL = "(claim.updated_at || char(1) || printf('%010d', claim.id))"


def page_key_column(*, indexed: bool = True) -> Any:
    """PAGE_KEY_SQL as a column expression; indexed=False: `+key`, which SQLite won't seek by."""
    return literal_column(PAGE_KEY_SQL if indexed else f"+{PAGE_KEY_SQL}", String)
