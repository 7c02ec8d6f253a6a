"""Articles (status bars, article view, ingest, marker mapping), References, Export, Dashboard,
Admin; and the rules every page keeps (no page raises, no HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from kb.models import Article, Citation, Claim, Reference, User
from kb.services.users import authenticate
from tests.ui.conftest import ARTICLE, REFERENCE, REPO, email, plain, texts

SLUG = "spinal-stenosis-balance"
PAGES = {
    "editor": ["claims", "claim", "articles", "article", "references", "reference", "dashboard",
               "export"],
    "reviewer": ["review_queue", "claims", "claim", "articles", "article", "references",
                 "reference", "dashboard", "export"],
    "analyst": ["claims", "claim", "articles", "article", "references", "reference", "dashboard",
                "export"],
    "admin": ["review_queue", "claims", "claim", "articles", "article", "references",
              "reference", "dashboard", "export", "admin"],
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_page_raises_for_any_role(open_app, role: str) -> None:
    at = open_app(role, kb_claim_id=5, kb_article=SLUG, kb_reference="costantini2010scs")
    for page in PAGES[role]:
        at.switch_page(f"kb/ui/pages/{page}.py").run()
        assert not at.exception, (role, page, at.exception)
        assert not at.error, (role, page, [e.value for e in at.error])


def test_no_html_is_ever_allowed() -> None:
    sources = [REPO / "app.py", *sorted((REPO / "kb" / "ui").rglob("*.py"))]
    offenders = [p for p in sources if "unsafe_allow_html" in p.read_text("utf-8")]
    assert offenders == []
    assert not [p for p in sources if "st.html(" in p.read_text("utf-8")]


def test_articles_list_shows_status_counts_and_opens_an_article(open_app) -> None:
    at = open_app("analyst", "articles.py")
    table = at.dataframe[0].value
    row = table[table["slug"] == SLUG].iloc[0]
    assert (row["Submitted"], row["Under Review"], row["Approved"]) == (16, 0, 0)
    at.selectbox(key="articles_pick").set_value(SLUG)
    at.button(key="articles_open").click().run()
    assert not at.exception
    assert at.title[0].value.startswith("Can spinal cord stimulation improve balance")
    assert len([b for b in at.button if b.key and b.key.startswith("open_claim_")]) == 16


def test_editor_maps_an_ambiguous_marker(open_app, db: Session) -> None:
    at = open_app("editor", "article.py", **{ARTICLE: SLUG})
    assert at.button(key="markers_save").disabled  # nothing chosen yet
    # The choices are the article's own resolved references; others are found by search.
    assert "ozcaneksi2016denervation" not in at.selectbox(key="marker_1").options
    at.text_input(key="markers_search").input("ozcaneksi").run()
    at.selectbox(key="marker_1").set_value("ozcaneksi2016denervation").run()
    at.button(key="markers_save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Mapped 1 -> ozcaneksi2016denervation." in texts(at)
    db.rollback()
    article = db.exec(select(Article).where(Article.slug == SLUG)).one()
    assert article.marker_map == {"1": "ozcaneksi2016denervation"}
    assert db.exec(select(Citation).where(Citation.marker == "1")).all()


def test_reviewer_sees_the_marker_editor_disabled_with_the_reason(open_app) -> None:
    at = open_app("reviewer", "article.py", **{ARTICLE: SLUG})
    assert at.selectbox(key="marker_1").disabled
    assert (
        at.button(key="markers_save").help == "not allowed: reviewers may not set marker mappings"
    )
    assert "not allowed: reviewers may not set marker mappings" in texts(at)


ARTICLE_TEXT = """# Walking and back pain

## Evidence

- A walking programme reduced back pain by 30% over 12 weeks in 120 adults.
- Walking is safe for most people with chronic back pain.
"""


def test_editor_previews_then_saves_an_article(open_app, db: Session) -> None:
    at = open_app("editor", "articles.py")
    at.text_area(key="ing_text").input(ARTICLE_TEXT).run()
    at.button(key="ing_preview").click().run()
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Claims"] == "2"
    assert db.exec(select(Article).where(Article.slug == "walking-and-back-pain")).first() is None
    at.button(key="ing_save").click().run()
    assert not at.exception
    assert at.title[0].value == "Walking and back pain"
    db.rollback()
    saved = db.exec(select(Article).where(Article.slug == "walking-and-back-pain")).one()
    assert len(db.exec(select(Claim).where(Claim.article_id == saved.id)).all()) == 2


def test_ingest_of_an_existing_slug_shows_the_services_error(open_app) -> None:
    at = open_app("editor", "articles.py")
    at.text_area(key="ing_text").input(ARTICLE_TEXT).run()
    at.text_input(key="ing_slug").input(SLUG).run()
    at.button(key="ing_preview").click().run()
    assert [plain(e.value) for e in at.error] == [
        f"an article with slug '{SLUG}' already exists; choose --slug"
    ]


def test_analyst_cannot_ingest(open_app) -> None:
    at = open_app("analyst", "articles.py")
    assert at.button(key="ing_disabled").help == "not allowed: analysts may not ingest articles"


def test_reference_search_and_cited_by(open_app) -> None:
    at = open_app("reviewer", "references.py")
    at.text_input(key="refs_q").input("denervation").run()
    assert list(at.dataframe[0].value["citekey"]) == ["ozcaneksi2016denervation"]
    at = open_app("reviewer", "reference.py", **{REFERENCE: "costantini2010scs"})
    assert at.title[0].value == "costantini2010scs"
    assert "No claim cites this reference." in texts(at)


BAD_BIB = b"""@article{good2020,
  title = {A good entry},
  author = {Doe, Jane},
  journal = {J},
  year = {2020},
}

@article{bad2021,
  title = {Missing a closing brace},
  year = {2021,
}
"""


def test_bib_upload_reports_problems_and_can_skip_bad_entries(open_app, db: Session) -> None:
    at = open_app("editor", "references.py")
    at.file_uploader(key="bib_file").upload("lib.bib", BAD_BIB, "text/plain").run()
    at.button(key="bib_import").click().run()
    assert not at.exception
    assert at.error and plain(at.error[0].value).startswith("Nothing imported:")
    problems = at.dataframe[-1].value
    assert {"kind", "line", "citekey", "message"} <= set(problems.columns)
    at.checkbox(key="bib_skip").check()
    at.button(key="bib_import").click().run()
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Created"] == "1"


def test_analyst_cannot_import_but_can_download_the_library(open_app) -> None:
    at = open_app("analyst", "references.py")
    assert at.button(key="bib_disabled").help == "not allowed: analysts may not import references"
    at.button(key="bib_prepare").click().run()
    assert at.download_button(key="bib_download").label == "Download references.bib"


@pytest.mark.parametrize("fmt", ["CSV", "Excel", "Parquet"])
def test_export_previews_and_builds_a_file(open_app, fmt: str) -> None:
    at = open_app("analyst", "export.py")
    at.selectbox(key="export_frame").set_value("flags").run()
    at.text_input(key="export_article").input(SLUG).run()
    preview = at.dataframe[0].value
    assert len(preview) == 16 and set(preview["kind"]) == {"ambiguous citation mapping"}
    at.radio(key="export_format").set_value(fmt).run()
    at.button(key="export_build").click().run()
    assert not at.error, [e.value for e in at.error]
    suffix = {"CSV": "csv", "Excel": "xlsx", "Parquet": "parquet"}[fmt]
    assert (
        at.download_button(key="export_download").label == f"Download kb-flags.{suffix} (16 rows)"
    )
    # The progress bar ends full, saying what was covered: the 16 claims the filter matches.
    (bar,) = at.get("progress")
    assert (bar.proto.value, bar.proto.text) == (
        100,
        f"Building kb-flags.{suffix}: 16 of 16 claims",
    )


def test_export_shows_a_bad_filter(open_app) -> None:
    at = open_app("analyst", "export.py")
    at.text_input(key="export_text").input("!!!").run()
    assert [plain(e.value) for e in at.error] == ["search text '!!!' has no words to search for"]


def test_dashboard_counts(open_app) -> None:
    at = open_app("analyst", "dashboard.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Claims": "37", "Submitted": "37", "Under Review": "0", "Approved": "0"}
    assert len(at.get("vega_lite_chart")) == 3  # no approvals yet: a sentence, not a chart


def test_admin_adds_an_account_and_sees_its_password_once(open_app, db: Session) -> None:
    at = open_app("admin", "admin.py")
    at.text_input(key="add_email").input("new.editor@example.org")
    at.selectbox(key="add_role").set_value("editor")
    at.form_submit_button[0].click().run()
    assert not at.error, [e.value for e in at.error]
    (password,) = [c.value for c in at.code]
    db.rollback()
    user = authenticate(session=db, email="new.editor@example.org", password=password)
    assert user.role == "editor"
    at.run()
    assert not at.code


def test_admin_changes_a_role_and_disables_an_account(open_app, db: Session) -> None:
    at = open_app("admin", "admin.py")
    at.selectbox(key="role_email").set_value(email("analyst")).run()
    at.selectbox(key="role_new").set_value("reviewer")
    at.button(key="role_go").click().run()
    at.selectbox(key="active_email").set_value(email("editor")).run()
    assert at.button(key="active_go").label == "Disable account"
    at.button(key="active_go").click().run()
    db.rollback()
    by_email = {u.email: u for u in db.exec(select(User)).all()}
    assert by_email[email("analyst")].role == "reviewer"
    assert by_email[email("editor")].is_active is False


def test_admin_cannot_disable_themself(open_app) -> None:
    at = open_app("admin", "admin.py")
    at.selectbox(key="active_email").set_value(email("admin")).run()
    at.button(key="active_go").click().run()
    assert [plain(e.value) for e in at.error] == ["you cannot disable your own account"]


def test_pages_stay_short() -> None:
    for page in (REPO / "kb" / "ui" / "pages").glob("*.py"):
        assert len(page.read_text("utf-8").splitlines()) < 250, page.name
    assert Path(REPO / "kb" / "ui" / "__init__.py").read_text("utf-8").startswith('"""')


BROKEN_RIS = (
    b"TY  - JOUR\nAU  - Roe, Ann\nTI  - A good record\nPY  - 2001\nER  - \n"
    b"TY  - JOUR\nAU  - Poe, Bo\nTI  - A record cut off\nPY  - 2002\n"
)


def test_ris_upload_reports_the_record_without_er_and_can_skip_it(open_app, db: Session) -> None:
    at = open_app("editor", "references.py")
    at.file_uploader(key="bib_file").upload("export.ris", BROKEN_RIS, "text/plain").run()
    at.button(key="bib_import").click().run()
    assert not at.exception
    assert at.error and plain(at.error[0].value).startswith("Nothing imported: 1 problem(s)")
    problems = at.dataframe[-1].value
    assert list(problems["citekey"]) == ["poe2002record"] and list(problems["line"]) == [6]
    assert "no ER line" in problems["message"][0]
    at.checkbox(key="bib_skip").check()
    at.button(key="bib_import").click().run()
    assert {m.label: m.value for m in at.metric}["Skipped"] == "1"
    db.rollback()  # end the session's read snapshot, to see what the app wrote
    rows = db.exec(select(Reference.citekey, Reference.source).where(Reference.source == "ris"))
    assert list(rows) == [("roe2001good", "ris")]


def test_library_downloads_as_ris_and_csl_json(open_app) -> None:
    at = open_app("analyst", "references.py")
    at.radio(key="bib_format").set_value("ris").run()
    at.button(key="bib_prepare").click().run()
    assert at.download_button(key="bib_download").label == "Download references.ris"
    at.radio(key="bib_format").set_value("csl-json").run()
    at.button(key="bib_prepare").click().run()
    assert at.download_button(key="bib_download").label == "Download references.json"


def test_several_articles_uploaded_at_once_each_reported(open_app, db: Session) -> None:
    at = open_app("editor", "articles.py")
    before = {a.slug for a in db.exec(select(Article))}
    good = b"# Cold packs\n\nCold packs ease acute pain.\n"
    other = b"# Stretching\n\nStretching improves flexibility in most adults.\n"
    bad = "# Caf\xe9\n\nCoffee.\n".encode("latin-1")
    files = [("cold.md", good, "text/markdown"), ("bad.md", bad, "text/markdown"),
             ("stretch.txt", other, "text/plain")]  # fmt: skip
    at.file_uploader(key="ingm_files").set_value(files).run()
    assert at.button(key="ingm_go").label == "Ingest 3 files"
    at.button(key="ingm_go").click().run()
    assert not at.exception
    (summary,) = [plain(w.value) for w in at.warning]
    assert summary.startswith("2 ingested (2 claims, ") and summary.endswith(" flags), 1 refused")
    table = at.dataframe[-1].value
    assert list(table["outcome"]) == ["ingested", "refused", "ingested"]
    assert list(table["article"]) == ["cold-packs", "", "stretching"]
    assert "bad.md is not UTF-8 text" in table["why refused"][1]
    db.rollback()  # end the read that saw the articles before
    assert {a.slug for a in db.exec(select(Article))} - before == {"cold-packs", "stretching"}


def test_analyst_cannot_ingest_several_articles(open_app) -> None:
    at = open_app("analyst", "articles.py")
    assert "not allowed: " in texts(at)
    assert not [u for u in at.get("file_uploader") if u.key == "ingm_files"]


def test_a_large_reference_upload_still_reports_its_counts(open_app, db: Session) -> None:
    ris = "".join(
        f"TY  - JOUR\nAU  - Roe, Ann\nTI  - Work number {i}\nPY  - 2001\nER  - \n\n"
        for i in range(2500)
    )
    at = open_app("editor", "references.py")
    at.file_uploader(key="bib_file").upload("many.ris", ris.encode(), "text/plain").run()
    at.button(key="bib_import").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Entries"], metrics["Created"]) == ("2500", "2500")
    assert not at.get("progress")  # the bar is gone once the report shows what was stored
    db.rollback()
    assert len(db.exec(select(Reference.citekey).where(Reference.source == "ris")).all()) == 2500
