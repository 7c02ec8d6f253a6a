"""require_shared(): tests that read ../shared skip in a clone without it, and fail instead
when KB_REQUIRE_SHARED=1 (CI), as PostgreSQL and the browser tests do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, require_shared


def test_missing_shared_path_skips_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KB_REQUIRE_SHARED", raising=False)
    missing = tmp_path / "shared" / "seeds" / "absent.txt"
    with pytest.raises(pytest.skip.Exception, match=re.escape(str(missing))):
        require_shared(missing)


def test_missing_shared_path_fails_when_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_REQUIRE_SHARED", "1")
    missing = tmp_path / "shared" / "realdata"
    with pytest.raises(pytest.fail.Exception, match="KB_REQUIRE_SHARED=1 forbids skipping"):
        require_shared(missing)


@pytest.mark.parametrize("required", ["", "1"])
def test_present_shared_path_is_returned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, required: str
) -> None:
    monkeypatch.setenv("KB_REQUIRE_SHARED", required)
    assert require_shared(tmp_path) == tmp_path


def test_ci_forbids_every_skip_the_tests_allow() -> None:
    """Each KB_REQUIRE_* the tests read is exported by CI, so CI never passes by skipping."""
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("*.py")]
    flags = {flag for text in sources for flag in re.findall(r'"(KB_REQUIRE_[A-Z]+)"', text)}
    assert flags >= {"KB_REQUIRE_POSTGRES", "KB_REQUIRE_BROWSER", "KB_REQUIRE_SHARED"}
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert sorted(f for f in flags if f"export {f}=1" not in ci) == []
