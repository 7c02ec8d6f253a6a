"""Issue 7's journey in a real browser against `kb serve`: an editor ingests an article, a
reviewer flags a claim and requests changes, the editor fixes it, the reviewer approves, an
analyst filters the claims, exports what the Claims page listed and reads the dashboard.
Along the way, at 1400 x 900, it measures what must not be cut or scrolled out of sight.
Screenshots go to a temporary folder, or to KB_SCREENSHOT_DIR: the README's Screenshots section
refreshes its pictures that way."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import KbServer
from tests.e2e.ui import (
    Locator,
    Page,
    alert,
    chart_labels,
    choose,
    clipped,
    expect,
    go,
    grid_headers,
    inside_viewport,
    new_page,
    open_tab,
    screenshot,
    scrolls_sideways,
    settle,
    sign_in,
    type_in,
    widget,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Every run starts from an empty data dir: fixed names keep the screenshots steady.
SLUG = "walking-and-back-pain"
TITLE = "Walking and low back pain"
CLAIM = "The lumbar spine sits in the lower back."
FIXED = "The lumbar spine sits in the lower back, below the thoracic spine."
NUMERIC = "Walking for 30 minutes a day lowered pain scores in 42 adults."
# The review queue's columns, all in view at 1400 px; the Claims page starts with them.
TRIAGE = ["id", "status", "text", "supports", "open flags", "assignee"]
ARTICLE = f"""# {TITLE}

## Background

{CLAIM} [1]

{NUMERIC} [1]

## References

1. Costantini A, Buchser E, Van Buyten JP. Spinal cord stimulation for the treatment of chronic
pain in patients with lumbar spinal stenosis. Neuromodulation. 2010;13(4):275-279.
"""


def _status(page: Page) -> Locator:
    """The claim page's status line (badge, kind, version, article)."""
    return page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"· version \d+ ·"))


def _claim_text(page: Page) -> Locator:
    """The claim's text as the Claim page shows it (bold, between its neighbours)."""
    return page.get_by_test_id("stMain").locator("strong").filter(has_text=CLAIM[:20]).first


def _click_review(page: Page, label: str, done: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    expect(alert(page, done)).to_be_visible()
    settle(page)


def _open_claim_from_article(page: Page, text: str) -> int:
    """On the Article page, open the claim whose row shows text; its id."""
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text=text)
    row.get_by_role("button", name="Open", exact=True).click()
    heading = page.get_by_role("heading", name=re.compile(r"^Claim \d+$"))
    expect(heading).to_be_visible()
    settle(page)
    return int(heading.inner_text().split()[1])


def test_editor_reviewer_analyst_journey(
    browser: Any, kb_server: KbServer, screenshots: Path, tmp_path: Path
) -> None:
    url = kb_server.url
    editor_email, editor_pw = kb_server.passwords["editor"]
    reviewer_email, reviewer_pw = kb_server.passwords["reviewer"]
    analyst_email, analyst_pw = kb_server.passwords["analyst"]

    # --- The editor pastes an article, previews it and saves it.
    ed_ctx, ed = new_page(browser)
    sign_in(ed, url, editor_email, editor_pw)
    go(ed, "Articles")
    open_tab(ed, "New article")
    type_in(ed.get_by_role("textbox", name="…or paste the article"), ARTICLE)
    type_in(ed.get_by_role("textbox", name="Slug (optional)"), SLUG)
    ed.get_by_role("button", name="Preview", exact=True).click()
    expect(ed.get_by_text(f"→ slug {SLUG}")).to_be_visible()
    expect(ed.get_by_test_id("stMetric").filter(has_text="Claims")).to_contain_text("2")
    expect(ed.get_by_text("Marker mapping: numbered")).to_be_visible()
    settle(ed)
    ed.get_by_role("button", name="Save article").click()
    expect(alert(ed, f"Article {SLUG} saved with 2 claims.")).to_be_visible()
    expect(ed.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(ed.get_by_text(CLAIM)).to_be_visible()
    expect(ed.get_by_text(NUMERIC)).to_be_visible()
    settle(ed)

    # --- The reviewer finds the article, opens the claim, takes it, flags it, sends it back.
    rv_ctx, rv = new_page(browser)
    sign_in(rv, url, reviewer_email, reviewer_pw)
    expect(rv.get_by_role("heading", name="Review queue", exact=True)).to_be_visible()
    expect(rv.get_by_test_id("stMetric").filter(has_text="Submitted")).to_be_visible()
    # Open flags, supports and the assignee are in view without scrolling sideways.
    tables = rv.get_by_test_id("stDataFrame")
    expect(tables.first).to_be_visible()
    for table in tables.all():
        assert grid_headers(table, len(TRIAGE)) == TRIAGE
        assert not scrolls_sideways(table)
        assert inside_viewport(table)
    screenshot(rv, "review_queue", screenshots)
    go(rv, "Articles")
    type_in(rv.get_by_role("textbox", name="Filter by title or slug"), SLUG)
    expect(rv.get_by_text("1 articles; the 1 most recently updated below.")).to_be_visible()
    settle(rv)
    widget(rv, "articles_open").get_by_role("button").click()
    expect(rv.get_by_role("heading", name=TITLE)).to_be_visible()
    settle(rv)
    claim_id = _open_claim_from_article(rv, CLAIM)
    # Claim 1 of 2 has a next one; there, "← Previous claim" is shown in full and leads back.
    rv.get_by_role("button", name="Next claim →").click()
    expect(_status(rv)).to_contain_text("claim 2 of 2")
    settle(rv)
    previous = widget(rv, "claim_prev").get_by_role("button")
    expect(previous).to_have_text("← Previous claim")
    assert clipped(previous) == []
    assert inside_viewport(previous)
    previous.click()
    expect(rv.get_by_role("heading", name=f"Claim {claim_id}", exact=True)).to_be_visible()
    settle(rv)
    expect(_status(rv)).to_contain_text("Submitted")
    expect(_status(rv)).to_contain_text("background")
    _click_review(rv, "Start review", f"Start review: done on claim {claim_id}.")
    expect(_status(rv)).to_contain_text("Under Review")

    open_tab(rv, re.compile(r"^Flags \(0 open\)"))
    rv.get_by_role("button", name="Raise a flag").click()
    dialog = rv.get_by_role("dialog")
    expect(dialog.get_by_text("Raise a flag")).to_be_visible()
    choose(rv, "flag_kind", "other")
    type_in(dialog.get_by_role("textbox", name="What is wrong?"), "Say where in the back.")
    dialog.get_by_role("button", name="Raise flag").click()
    expect(alert(rv, "Flag raised: other.")).to_be_visible()
    expect(rv.get_by_role("dialog")).to_have_count(0)
    settle(rv)
    open_tab(rv, re.compile(r"^Flags \(1 open\)"))
    raised = re.compile(r"other \(flag \d+\): Say where in the back\.")
    expect(rv.get_by_text(raised)).to_be_visible()

    type_in(rv.get_by_role("textbox", name=re.compile("^Comment")), "Name the neighbouring region.")
    _click_review(rv, "Request changes", f"Request changes: done on claim {claim_id}.")
    expect(_status(rv)).to_contain_text("Submitted")
    # The comment went with that action; the next one must not repeat it.
    expect(rv.get_by_role("textbox", name=re.compile("^Comment"))).to_have_value("")

    # --- The editor edits the text and resolves the flag.
    assert _open_claim_from_article(ed, CLAIM) == claim_id
    expect(_status(ed)).to_contain_text("Submitted")
    ed.get_by_text("Edit the claim's text").click()
    type_in(ed.get_by_role("textbox", name="Claim text"), FIXED)
    ed.get_by_role("button", name="Save text").click()
    expect(alert(ed, f"Claim {claim_id}: text saved.")).to_be_visible()
    expect(_claim_text(ed)).to_have_text(FIXED)
    settle(ed)
    flags_tab = re.compile(r"^Flags \(1 open\)")
    open_tab(ed, flags_tab)
    type_in(ed.get_by_role("textbox", name="Note", exact=True), "Added the thoracic spine.")
    settle(ed)
    open_tab(ed, flags_tab)
    ed.get_by_role("button", name="Resolve", exact=True).click()
    expect(alert(ed, re.compile(r"^Flag \d+: resolved\.$"))).to_be_visible()
    expect(ed.get_by_role("tab", name=re.compile(r"^Flags \(0 open\)"))).to_be_visible()
    settle(ed)

    # --- The reviewer acts on what they saw: refused as stale; then takes and approves it.
    rv.get_by_role("button", name="Start review", exact=True).click()
    expect(alert(rv, f"was changed by {editor_email} at")).to_contain_text("reload")
    settle(rv)
    expect(_claim_text(rv)).to_have_text(FIXED)
    _click_review(rv, "Start review", f"Start review: done on claim {claim_id}.")
    _click_review(rv, "Approve", f"Approve: done on claim {claim_id}.")
    expect(_status(rv)).to_contain_text("Approved")
    expect(_status(rv)).to_contain_text("version")
    open_tab(rv, re.compile(r"^History"))
    screenshot(rv, "claim", screenshots)
    rv_ctx.close()
    ed_ctx.close()

    # --- The analyst exports the claims table as CSV and reads the dashboard.
    an_ctx, an = new_page(browser)
    sign_in(an, url, analyst_email, analyst_pw)
    expect(an.get_by_role("heading", name="Claims", exact=True)).to_be_visible()
    # The triage columns come first, whole: the column after them begins in view.
    headers = grid_headers(an.get_by_test_id("stDataFrame").first, len(TRIAGE) + 1)
    assert headers[: len(TRIAGE)] == TRIAGE
    screenshot(an, "claims", screenshots)
    # What the analyst filters on the Claims page is what the Export page exports.
    type_in(widget(an, "claims_article").get_by_role("textbox"), SLUG)
    expect(an.get_by_text("1-2 of 2 claims (page 1)")).to_be_visible()
    go(an, "Export")
    expect(widget(an, "export_article").get_by_role("textbox")).to_have_value(SLUG)
    expect(an.get_by_text(f"2 claims match article {SLUG} · one row per claim")).to_be_visible()
    expect(an.get_by_text("First rows of the claims table with these filters:")).to_be_visible()
    settle(an)
    an.get_by_role("button", name="Build file").click()
    download_button = an.get_by_role("button", name="Download kb-claims.csv (2 rows)")
    expect(download_button).to_be_visible()
    settle(an)
    screenshot(an, "export", screenshots)
    with an.expect_download() as info:
        download_button.click()
    settle(an)
    saved = tmp_path / "claims.csv"
    info.value.save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as f:
        rows = {row["text"]: row for row in csv.DictReader(f)}
    assert set(rows) == {FIXED, NUMERIC}
    approved = rows[FIXED]
    assert (approved["claim_id"], approved["article_slug"]) == (str(claim_id), SLUG)
    assert (approved["status"], approved["kind"]) == ("Approved", "background")
    assert (approved["approved_by"], approved["author"]) == (reviewer_email, editor_email)
    assert approved["open_flag_count"] == "0"
    assert approved["citekeys"] == "costantini2010scs"
    assert rows[NUMERIC]["status"] == "Submitted"
    # Narrowed on the Export page, the Claims page lists the same; cleared there, both are.
    widget(an, "export_status").get_by_role("combobox").click()
    an.get_by_role("option", name="Approved", exact=True).click()
    an.keyboard.press("Escape")
    expect(an.get_by_text(f"1 claim matches article {SLUG}; status Approved")).to_be_visible()
    settle(an)
    go(an, "Claims")
    expect(an.get_by_text("1-1 of 1 claims (page 1)")).to_be_visible()
    widget(an, "claims_clear").get_by_role("button").click()
    expect(an.get_by_text("1-39 of 39 claims (page 1)")).to_be_visible()
    settle(an)

    go(an, "Dashboard")
    for heading in ("Claims by status", "Open flags by kind", "Approvals per week"):
        expect(an.get_by_role("heading", name=heading)).to_be_visible()
    expect(an.get_by_test_id("stMetric").filter(has_text="Approved")).to_contain_text("1")
    charts = an.get_by_test_id("stVegaLiteChart")
    expect(charts.first).to_be_visible()
    assert charts.count() == 4
    # Every label in full (Vega cuts a long one to "ambiguous citati…"), whole-number counts.
    labels = [label for chart in charts.all() for label in chart_labels(chart)]
    assert [label for label in labels if "…" in label] == []
    assert {"Under Review", "ambiguous citation mapping", "unsupported statement"} <= set(labels)
    weekly = chart_labels(charts.filter(has_text="week starting"))
    assert [label for label in weekly if re.fullmatch(r"[\d.,]+", label)] == ["0", "1"]
    screenshot(an, "dashboard", screenshots)
    go(an, "Articles")
    expect(an.get_by_text("3 articles; the 3 most recently updated below.")).to_be_visible()
    slugs = chart_labels(an.get_by_test_id("stVegaLiteChart").first)
    assert {SLUG, "spinal-stenosis-balance", "scs-clinic-blog"} <= set(slugs)
    screenshot(an, "articles", screenshots)
    go(an, "References")
    expect(an.get_by_text(re.compile(r"^\d+ references"))).to_be_visible()
    screenshot(an, "references", screenshots)
    an_ctx.close()
