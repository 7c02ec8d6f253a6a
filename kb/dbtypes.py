"""Column types shared by the models and the migrations (kept apart so migrations stay stable)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware, on every engine.

    SQLite stores them as text, 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's DATETIME format).
    There the conversion is done here with isoformat / fromisoformat, in C: SQLAlchemy's
    SQLite DATETIME formats and parses in Python, several microseconds a value, which showed
    in every page of claims and every export.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_text(value: datetime | None) -> str | None:
            naive_utc = self.process_bind_param(value, dialect)
            return None if naive_utc is None else naive_utc.isoformat(" ", "microseconds")

        return to_text

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def from_text(value: str | None) -> datetime | None:
            parsed = None if value is None else datetime.fromisoformat(value)
            return self.process_result_value(parsed, dialect)

        return from_text
