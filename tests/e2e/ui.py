"""Driving Streamlit pages with Playwright: sign in, wait for reruns, pick options, screenshots.

Streamlit reruns the script after every interaction; the page is settled when its status widget
("Running...") is gone and no skeleton or stale element of the previous run is left. Every wait
has the same generous timeout, for a loaded 2-core machine.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from tests.conftest import REPO

try:
    from playwright.sync_api import BrowserContext, Locator, Page, expect
except ImportError:  # the `browser` fixture skips (or, in CI, fails) with the reason
    BrowserContext = Locator = Page = Any  # type: ignore[misc, assignment]
    expect = None  # type: ignore[assignment]

TIMEOUT = 30_000  # ms, per expectation
VIEWPORT = {"width": 1400, "height": 900}
README_SCREENSHOTS = REPO / "docs" / "screenshots"
SCREENSHOT_DIR_ENV = "KB_SCREENSHOT_DIR"
MAX_PNG_BYTES = 400_000

if expect is not None:
    expect.set_options(timeout=TIMEOUT)


def new_page(browser: Any) -> tuple[BrowserContext, Page]:
    """A fresh browser context (its own Streamlit session) and a page in it."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    return context, context.new_page()


def settle(page: Page) -> None:
    """Wait until the current rerun finished and every element rendered (none left stale)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    expect(page.locator('[data-stale="true"]')).to_have_count(0)


def sign_in(page: Page, url: str, email: str, password: str) -> None:
    """Sign in on the local sign-in form; wait for the sidebar's "Signed in as"."""
    page.goto(url)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {email}")
    settle(page)


def go(page: Page, title: str) -> None:
    """Open a page from the sidebar and wait for its title."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    settle(page)


def open_tab(page: Page, name: str | re.Pattern[str]) -> None:
    """Select a tab (again: a rerun that changes a tab's label may reset the selection)."""
    tab = page.get_by_role("tab", name=name)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def widget(page: Page | Locator, key: str) -> Locator:
    """The element of the widget with this Streamlit key (rendered as class st-key-<key>)."""
    return page.locator(f".st-key-{key}")


def choose(page: Page, key: str, option: str | re.Pattern[str]) -> None:
    """Pick an option of the selectbox with this key."""
    widget(page, key).get_by_role("combobox").click()
    page.get_by_role("option", name=option).first.click()


def type_in(box: Locator, text: str) -> None:
    """Fill a text input or area and commit it (Streamlit sends the value on blur)."""
    box.fill(text)
    box.press("Tab")
    settle(box.page)


def alert(page: Page, text: str | re.Pattern[str]) -> Locator:
    """The success/info/warning/error box holding text."""
    return page.get_by_test_id("stAlertContainer").filter(has_text=text)


def screenshot_dir(tmp_path_factory: Any) -> Path:
    """Where the browser tests save screenshots: KB_SCREENSHOT_DIR when set, else a folder of
    this run's pytest temporary directory. A test run never rewrites the README's pictures;
    refreshing them is its own command (README, Screenshots)."""
    given = os.environ.get(SCREENSHOT_DIR_ENV, "").strip()
    return Path(given).resolve() if given else tmp_path_factory.getbasetemp() / "screenshots"


def screenshot(page: Page, name: str, folder: Path) -> Path:
    """Save the whole page (not just the viewport) as <folder>/<name>.png, kept small.

    Streamlit scrolls inside its main container, so the viewport is stretched to the content
    height for the shot and restored afterwards.
    """
    settle(page)
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebarContent'].map(id => "
        "document.querySelector(`[data-testid=${id}]`)?.scrollHeight || 0))"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
    try:
        page.wait_for_timeout(300)  # let charts re-lay out at the new size
        settle(page)
        png = page.screenshot(full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(VIEWPORT)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    path.write_bytes(_small_png(png))
    assert path.stat().st_size < MAX_PNG_BYTES, f"{path} is too big for the repository"
    return path


def _small_png(png: bytes) -> bytes:
    """The screenshot as a 256-colour PNG: a UI shot loses nothing visible, and a third of the
    bytes stays well under MAX_PNG_BYTES for the repository."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def grid_headers(table: Locator, at_least: int = 1) -> list[str]:
    """The column headers of an st.dataframe that lie at least partly in its visible area.

    Streamlit's grid draws on a canvas; what it exposes to the DOM is an accessible table of
    the columns currently in view (hidden from sight, so read textContent, not innerText).
    """
    headers = table.locator("table[role=grid] thead th")
    expect(headers.nth(at_least - 1)).to_be_attached()
    return [str(t) for t in headers.evaluate_all("hs => hs.map(h => h.textContent)")]


def scrolls_sideways(table: Locator) -> bool:
    """True when an st.dataframe's columns are wider than the table (a horizontal scrollbar)."""
    return bool(table.locator(".dvn-scroller").evaluate("s => s.scrollWidth > s.clientWidth"))


def clipped(element: Locator) -> list[str]:
    """The text of every part of element that is cut short (its content wider than its box)."""
    return [
        str(t)
        for t in element.evaluate(
            "e => [e, ...e.querySelectorAll('*')]"
            ".filter(x => x.scrollWidth > x.clientWidth).map(x => x.textContent)"
        )
    ]


def inside_viewport(element: Locator) -> bool:
    """True when element's box lies within the browser window's width."""
    box = element.bounding_box()
    width = element.page.viewport_size["width"] if element.page.viewport_size else 0
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def chart_labels(chart: Locator) -> list[str]:
    """Every axis label a Vega-Lite chart drew (Streamlit renders them as SVG text)."""
    expect(chart.locator("svg").first).to_be_visible()
    labels = chart.locator(".role-axis-label text")
    expect(labels.first).to_be_attached()
    return [str(t) for t in labels.evaluate_all("ts => ts.map(t => t.textContent)")]
