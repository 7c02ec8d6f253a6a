"""The Claims page's script run against an empty page's, in the same process (AppTest).

The Claims page with filters renders its first page from the query service (keyset page and a
count). The baseline is the app's empty page: the same router, sign-in and navigation running
the Claim page with no claim picked; the ratio is what the claims table costs on top of the
app's fixed cost of a run (goal: < 3x at 1,000,000 claims). A second row compares with a bare
one-title Streamlit script, for scale (no goal: the router alone costs a few of those).
Uses run.py's database (KB_BENCH_DATABASE_URL) or, run alone, generates KB_BENCH_CLAIMS claims
(default 100,000) into a temporary SQLite file.

    python -m benchmarks.bench_ui
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from benchmarks.common import DB_ENV, median_ms, row
from kb.db import make_engine

APP = Path(__file__).resolve().parents[1] / "app.py"
GOAL = 3.0
# The claim browser case of bench_queries: status, evidence level and an open-flag kind.
FILTERS = {
    "claims_status": ["Under Review"],
    "claims_level": [1, 2],
}
EMPTY_PAGE = "import streamlit as st\nst.title('Empty')\n"


@contextmanager
def _database() -> Iterator[str]:
    """run.py's benchmark database, or a freshly generated one."""
    given = os.environ.get(DB_ENV)
    if given:
        yield given
        return
    from benchmarks.generate import generate

    claims = int(os.environ.get("KB_BENCH_CLAIMS", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'kb-ui.sqlite'}"
        engine = make_engine(url)
        generate(engine, claims)
        engine.dispose()
        yield url


def _claims_page(url: str) -> tuple[AppTest, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        user_id = conn.execute(text('SELECT min(id) FROM "user"')).scalar_one()
        claims = conn.execute(text("SELECT count(*) FROM claim")).scalar_one()
    engine.dispose()
    os.environ["KB_DATABASE_URL"] = url
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["kb_user_id"] = user_id
    for key, value in FILTERS.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("kb/ui/pages/claims.py").run()
    if at.exception or at.error:
        raise RuntimeError(f"the Claims page failed: {at.exception or at.error}")
    return at, int(claims)


def _empty_app_page(url: str) -> AppTest:
    at, _ = _claims_page(url)
    at.switch_page("kb/ui/pages/claim.py").run()
    if at.exception or at.error or "kb_claim_id" in at.session_state:
        raise RuntimeError("the empty Claim page did not render as expected")
    return at


def run() -> list[dict[str, Any]]:
    """Claims page (filters, first page) vs the app's empty page, and vs a bare script."""
    previous = os.environ.get("KB_DATABASE_URL")
    try:
        with _database() as url:
            page, claims = _claims_page(url)
            empty = _empty_app_page(url)
            bare = AppTest.from_string(EMPTY_PAGE, default_timeout=120).run()
            page_ms = median_ms(page.run, runs=11)
            empty_ms = median_ms(empty.run, runs=11)
            bare_ms = median_ms(bare.run, runs=11)
            engine = make_engine(url).dialect.name
    finally:
        if previous is None:
            os.environ.pop("KB_DATABASE_URL", None)
        else:
            os.environ["KB_DATABASE_URL"] = previous
    case = f"AppTest run: filters + first page + count ({claims:,} claims)"
    return [
        row(
            "ui claims page", case, page_ms, engine=engine,
            baseline="AppTest run of the app's empty page (Claim page, nothing picked)",
            baseline_ms=empty_ms, target=f"< {GOAL:g}x at 1,000,000 claims",
            ok=page_ms / empty_ms < GOAL,
        ),
        row(
            "ui claims page", case, page_ms, engine=engine,
            baseline="AppTest run of a bare one-title script", baseline_ms=bare_ms,
        ),
    ]  # fmt: skip


if __name__ == "__main__":
    for r in run():
        print(r)
