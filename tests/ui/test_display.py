"""What every page shows for missing values, and how its tables and charts are laid out."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from kb.models import Claim
from kb.services import review
from kb.services.claims import link_citation
from kb.services.flags import raise_flag, resolve_flag
from kb.services.users import get_user_by_email
from kb.ui.components import charts
from kb.ui.text import EMPTY
from tests import factories
from tests.ui.conftest import ARTICLE, CLAIM_ID, REFERENCE, REPO, email, plain

SLUG = "spinal-stenosis-balance"
CITED = "praxis2025stenosis"  # no authors in the library: an empty cell in its rows
ROLE_PAGES = {
    "reviewer": ["review_queue", "claims", "claim", "articles", "article", "references",
                 "reference", "dashboard", "export"],
    "admin": ["review_queue", "claims", "claim", "articles", "article", "references",
              "reference", "dashboard", "export", "admin"],
}  # fmt: skip
NONE_WORD = re.compile(r"\bNone\b")


@pytest.fixture
def worked_claim(db: Session) -> int:
    """A claim with what leaves fields empty: a citation with no marker, quote or locator, a
    resolved flag, reviews and an approval (so the approvals chart has a week to draw)."""
    editor = get_user_by_email(session=db, email=email("editor"))
    reviewer = get_user_by_email(session=db, email=email("reviewer"))
    claim = db.exec(select(Claim).where(col(Claim.section).is_(None)).limit(1)).first()
    assert claim is not None and claim.id is not None
    cid = claim.id
    link_citation(session=db, actor=editor, claim_id=cid, citekey=CITED, seen_version=None)
    flag = raise_flag(session=db, actor=reviewer, claim_id=cid, kind="other", note="Check it.")
    resolve_flag(session=db, actor=editor, flag_id=flag.id, note=None)
    other = factories.claim(db, author=editor, kind="background")
    review.start_review(session=db, actor=reviewer, claim_id=other.id, seen_version=None)
    review.approve(session=db, actor=reviewer, claim_id=other.id, seen_version=None)
    return cid


def _page_texts(at: AppTest) -> list[str]:
    """Every string a person reads on the page, as they read it."""
    parts: list[object] = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [t.value for t in (*at.title, *at.subheader)]
    parts += [x for m in at.metric for x in (m.label, m.value)]
    parts += [b.label for b in at.button] + [t.label for t in at.tabs]
    return [plain(str(p)) for p in parts]


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_no_page_shows_none_for_an_empty_value(
    open_app, db: Session, worked_claim: int, role: str
) -> None:
    at = open_app(role, **{CLAIM_ID: worked_claim, ARTICLE: SLUG, REFERENCE: CITED})
    seen_tables = 0
    for page in ROLE_PAGES[role]:
        at.switch_page(f"kb/ui/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        shown = [t for t in _page_texts(at) if NONE_WORD.search(t)]
        assert shown == [], (page, shown)
        for table in at.dataframe:
            assert table.proto.placeholder == EMPTY, (page, table.key)
            seen_tables += 1
    assert seen_tables >= 6  # queue, claims, articles, references, cited by, export (, admin)


def test_every_table_in_the_ui_sets_the_empty_placeholder() -> None:
    # Tables that only appear after an upload or a preview are not reached by the sweep above.
    for path in sorted((REPO / "kb" / "ui").rglob("*.py")):
        source = path.read_text("utf-8")
        calls = source.count("st.dataframe(")
        assert source.count("placeholder=EMPTY") >= calls, path.relative_to(REPO)


def test_claim_detail_text_shows_the_empty_mark(open_app, worked_claim: int) -> None:
    at = open_app("reviewer", "claim.py", **{CLAIM_ID: worked_claim})
    (line,) = [plain(c.value) for c in at.caption if plain(c.value).startswith("Section:")]
    assert line.startswith(f"Section: {EMPTY} · author ")
    assert f"assignee {EMPTY}" in line


def _specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _axis(encoding: dict[str, Any]) -> dict[str, Any]:
    return encoding.get("axis") or {}


def test_dashboard_bar_labels_are_never_cut(open_app, worked_claim: int) -> None:
    at = open_app("analyst", "dashboard.py")
    specs = _specs(at)
    assert len(specs) == 4
    bars = [s for s in specs if s["encoding"]["y"]["type"] == "nominal"]
    assert len(bars) == 3  # status, evidence level, open flags by kind
    for spec in bars:
        assert _axis(spec["encoding"]["y"]).get("labelLimit") == 0, spec["encoding"]["y"]
        # Room for every label: a band of at least 20 px per bar above the x axis.
        rows = len(spec["encoding"]["y"]["sort"])
        assert (spec["height"] - charts.AXIS_HEIGHT) / rows >= 20, spec["encoding"]["y"]


def test_counts_are_whole_numbers_on_every_axis(open_app, worked_claim: int) -> None:
    at = open_app("analyst", "dashboard.py")
    (weekly,) = [s for s in _specs(at) if s["encoding"]["x"]["type"] == "temporal"]
    assert weekly["encoding"]["y"]["field"] == "approvals"
    counts = [weekly["encoding"]["y"]]
    counts += [
        s["encoding"]["x"] for s in _specs(at) if s["encoding"]["x"]["type"] == "quantitative"
    ]
    assert len(counts) == 4
    for axis in map(_axis, counts):
        assert (axis.get("format"), axis.get("tickMinStep")) == ("d", 1), axis


def test_no_approvals_yet_says_so_instead_of_an_empty_chart(open_app) -> None:
    at = open_app("analyst", "dashboard.py")
    assert "No approvals in the last 26 weeks." in [plain(c.value) for c in at.caption]
    assert all(s["encoding"]["x"]["type"] != "temporal" for s in _specs(at))


def test_article_bars_show_the_whole_slug(open_app) -> None:
    at = open_app("analyst", "articles.py")
    (spec,) = _specs(at)
    assert spec["encoding"]["y"]["field"] == "article"
    assert _axis(spec["encoding"]["y"]).get("labelLimit") == 0


# The main area beside the sidebar in a 1400 px window, less the grid's row selector (measured
# in chromium; tests/e2e checks the real grid at that size).
MAIN_AREA_PX = 938 - 33
TRIAGE = ["id", "status", "text", "supports", "open flags", "assignee"]


def test_review_queue_tables_show_the_triage_columns_within_the_window(
    open_app, db: Session
) -> None:
    reviewer = get_user_by_email(session=db, email=email("reviewer"))
    other = get_user_by_email(session=db, email="reviewer2@example.org")
    for assignee in (reviewer, other):
        factories.claim(db, status="Under Review", assignee_id=assignee.id)
    at = open_app("reviewer", "review_queue.py")
    assert len(at.dataframe) == 3  # mine, waiting, under review by others
    for table in at.dataframe:
        assert list(table.proto.column_order) == TRIAGE, table.key
        config = json.loads(table.proto.columns)
        assert sum(config[c]["width"] for c in TRIAGE) <= MAIN_AREA_PX, table.key


def test_claims_page_puts_the_triage_columns_first(open_app) -> None:
    at = open_app("analyst", "claims.py")
    (table,) = at.dataframe
    order = list(table.proto.column_order)
    assert order[: len(TRIAGE)] == TRIAGE
    assert set(order) == set(table.value.columns)  # and every other column after them
