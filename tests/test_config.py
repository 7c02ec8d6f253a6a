from __future__ import annotations

import pytest

from kb.config import get_settings, normalize_database_url
from kb.errors import InvalidInput


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5433/db", "postgresql+psycopg://u@h:5433/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_urls_normalized(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_default_is_sqlite_under_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path))
    s = get_settings()
    assert s.database_url == f"sqlite:///{tmp_path / 'kb.sqlite'}"
    assert s.uses_default_database


def test_bad_interval_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_REVIEW_INTERVAL_MONTHS", "soon")
    with pytest.raises(InvalidInput, match="KB_REVIEW_INTERVAL_MONTHS"):
        get_settings()
