"""Settings from the environment: where the database is and the few knobs of the workflow."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import InvalidInput

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def normalize_database_url(url: str) -> str:
    """Map the URL spellings people paste to the drivers kb ships (psycopg 3 for PostgreSQL)."""
    url = url.strip()
    if not url:
        raise InvalidInput("KB_DATABASE_URL is empty")
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("postgresql+psycopg://", "sqlite://", "sqlite+pysqlite://")):
        return url
    raise InvalidInput(
        f"KB_DATABASE_URL {url.split('://')[0]}:// is not supported: use sqlite:///PATH "
        "or postgresql://USER:PASSWORD@HOST/DB"
    )


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, got {value}")
    return value


SQLITE_BUSY_TIMEOUT_MS = 30_000


def sqlite_busy_timeout_ms() -> int:
    """How long a SQLite writer waits for another one (KB_SQLITE_BUSY_TIMEOUT_MS, 30 s)."""
    return _env_int("KB_SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)


@dataclass(frozen=True)
class Settings:
    """What kb reads from the environment, validated once."""

    data_dir: Path
    database_url: str
    review_interval_months: int = 12
    furniture_file: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_default_database(self) -> bool:
        return "KB_DATABASE_URL" not in os.environ or not os.environ["KB_DATABASE_URL"].strip()


def get_settings() -> Settings:
    """Read KB_DATA_DIR, KB_DATABASE_URL, KB_REVIEW_INTERVAL_MONTHS and KB_FURNITURE_FILE."""
    data_dir = Path(os.environ.get("KB_DATA_DIR") or "data").expanduser()
    raw_url = os.environ.get("KB_DATABASE_URL", "").strip()
    if raw_url:
        url = normalize_database_url(raw_url)
    else:
        url = f"sqlite:///{(data_dir / 'kb.sqlite').resolve()}"
    furniture = os.environ.get("KB_FURNITURE_FILE")
    return Settings(
        data_dir=data_dir,
        database_url=url,
        review_interval_months=_env_int("KB_REVIEW_INTERVAL_MONTHS", 12),
        furniture_file=Path(furniture) if furniture else None,
    )
