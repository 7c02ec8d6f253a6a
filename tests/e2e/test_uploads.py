"""Publisher material through the browser: an editor uploads a saved web page, previews and
saves it; uploads a Word manuscript and a JATS article together; imports a RIS file. Against a
real `kb serve` in chromium, as the editor would do it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import KbServer
from tests.e2e.ui import alert, expect, go, new_page, open_tab, screenshot, settle, sign_in, widget
from tests.test_ingest_docx import manuscript
from tests.test_ingest_jats import FIXTURE as JATS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAGE = Path(__file__).resolve().parents[1] / "data" / "html" / "saved-page.html"
RIS = (
    b"TY  - JOUR\nAU  - Roe, Ann\nTI  - Heat wraps for acute low back pain\n"
    b"JO  - Journal of Example Trials\nPY  - 2005\nDO  - 10.1000/heatwraps.2005\nER  - \n\n"
    b"TY  - JOUR\nAU  - Poe, Bo\nTI  - Walking programmes for older adults\n"
    b"JO  - Journal of Example Trials\nPY  - 2011\nER  - \n"
)


def _upload(page: Any, key: str, files: list[tuple[str, bytes, str]]) -> None:
    """Put files into the uploader with this key, as a user choosing them would."""
    chooser = widget(page, key).locator("input[type=file]")
    chooser.set_input_files([{"name": n, "mimeType": m, "buffer": b} for n, b, m in files])
    for name, _, _ in files:
        expect(widget(page, key).get_by_text(name)).to_be_visible()
    settle(page)


def test_editor_uploads_a_web_page_word_and_jats_articles_and_ris_references(
    browser: Any, kb_server: KbServer, screenshots: Path
) -> None:
    editor_email, editor_pw = kb_server.passwords["editor"]
    ctx, page = new_page(browser)
    sign_in(page, kb_server.url, editor_email, editor_pw)

    # A saved web page: previewed with the site's furniture gone, then saved.
    go(page, "Articles")
    open_tab(page, "New article")
    _upload(page, "ing_file", [("walking.html", PAGE.read_bytes(), "text/html")])
    page.get_by_role("button", name="Preview", exact=True).click()
    claims = page.get_by_test_id("stMetric").filter(has_text="Claims")
    expect(claims).to_contain_text("8")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Walking for chronic low back pain")
    for furniture in ("Accept all cookies", "Scripts never become claims", "Search the site"):
        expect(main).not_to_contain_text(furniture)
    settle(page)
    screenshot(page, "ingest-html-preview", screenshots)
    page.get_by_role("button", name="Save article", exact=True).click()
    expect(alert(page, re.compile(r"saved with 8 claims"))).to_be_visible()
    settle(page)

    # A Word manuscript and a JATS article in one go. Both are titled "Walking and back pain":
    # the first is stored, the second refused for its slug, and the report says so per file.
    files = [
        ("article.xml", JATS, "application/xml"),
        ("manuscript.docx", manuscript(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]  # fmt: skip
    go(page, "Articles")
    open_tab(page, "Several articles")
    _upload(page, "ingm_files", files)
    page.get_by_role("button", name="Ingest 2 files", exact=True).click()
    done = re.compile(r"1 ingested \(7 claims, \d+ flags\), 1 refused")
    expect(alert(page, done)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()
    settle(page)
    screenshot(page, "ingest-several", screenshots)

    # A RIS export from a reference manager.
    go(page, "References")
    open_tab(page, "Import")
    _upload(page, "bib_file", [("export.ris", RIS, "application/x-research-info-systems")])
    page.get_by_role("button", name="Import", exact=True).click()
    created = page.get_by_test_id("stMetric").filter(has_text="Created")
    expect(created).to_contain_text("2")
    settle(page)
    ctx.close()
