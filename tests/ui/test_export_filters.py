"""The Export page exports what the Claims page lists: one set of filters for both pages."""

from __future__ import annotations

import io
import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import plain

SLUG = "spinal-stenosis-balance"
EXPORT_FILE = "kb_export_file"  # kb.ui.pages.export.FILE


def _listed(at: AppTest) -> tuple[int, list[int]]:
    """The Claims page's total and the ids it lists (one page: under 50 here)."""
    (caption,) = [plain(c.value) for c in at.caption if "claims (page" in plain(c.value)]
    found = re.match(r"^(?:\d+-\d+|0) of (\d+) claims", caption)
    assert found, caption
    ids = [] if not at.dataframe else [int(i) for i in at.dataframe[0].value["id"]]
    return int(found[1]), ids


def _summary(at: AppTest) -> str:
    (line,) = [plain(m.value) for m in at.markdown if re.match(r"^\*\*\d", plain(m.value))]
    return line


def _exported_ids(at: AppTest) -> list[int]:
    at.radio(key="export_format").set_value("CSV").run()
    at.button(key="export_build").click().run()
    assert not at.error, [e.value for e in at.error]
    _, name, data, rows = at.session_state[EXPORT_FILE]
    assert name == "kb-claims.csv"
    table = pd.read_csv(io.BytesIO(data))
    assert len(table) == rows
    return sorted(int(i) for i in table["claim_id"])


def test_export_page_exports_exactly_what_the_claims_page_listed(open_app) -> None:
    at = open_app("analyst", "claims.py")
    everything, _ = _listed(at)
    at.text_input(key="claims_article").input(SLUG).run()
    at.multiselect(key="claims_flag").set_value(["ambiguous citation mapping"]).run()
    at.text_input(key="claims_text").input("balance").run()
    total, listed = _listed(at)
    assert 0 < total < everything and len(listed) == total

    at.switch_page("kb/ui/pages/export.py").run()
    assert not at.exception and not at.error
    # The Claims page's filters, shown as they were set, and what they match before export.
    assert at.text_input(key="export_article").value == SLUG
    assert at.text_input(key="export_text").value == "balance"
    assert at.multiselect(key="export_flag").value == ["ambiguous citation mapping"]
    assert _summary(at) == (
        f"**{total} claims** match article {SLUG}; text “balance”; "
        "open flag ambiguous citation mapping · one row per claim"
    )
    assert _exported_ids(at) == sorted(listed)


def test_filters_changed_or_cleared_on_export_are_the_claims_pages_too(open_app) -> None:
    at = open_app("analyst", "claims.py")
    at.text_input(key="claims_article").input(SLUG).run()
    _, in_article = _listed(at)
    at.switch_page("kb/ui/pages/export.py").run()
    at.text_input(key="export_text").input("balance").run()
    narrowed = _summary(at)
    at.switch_page("kb/ui/pages/claims.py").run()
    assert at.text_input(key="claims_text").value == "balance"
    total, listed = _listed(at)
    assert narrowed.startswith(f"**{total} claims** match article {SLUG}; text “balance”")
    assert set(listed) < set(in_article)

    at.switch_page("kb/ui/pages/export.py").run()
    assert at.button(key="export_clear").disabled is False
    at.button(key="export_clear").click().run()
    assert at.text_input(key="export_article").value == ""
    assert at.button(key="export_clear").disabled
    everything = _summary(at)
    assert everything.startswith("**37 claims** (no filter: every claim)")
    assert len(_exported_ids(at)) == 37
    at.switch_page("kb/ui/pages/claims.py").run()
    assert at.text_input(key="claims_article").value == ""
    assert _listed(at)[0] == 37


def test_one_matching_claim_reads_in_the_singular(open_app) -> None:
    at = open_app("analyst", "export.py")
    at.text_input(key="export_text").input("fusion").run()
    at.text_input(key="export_article").input(SLUG).run()
    assert _summary(at).startswith("**1 claim** matches article")
