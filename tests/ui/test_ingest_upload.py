"""The Articles page takes an uploaded HTML, Word or JATS file as it takes text."""

from __future__ import annotations

from sqlmodel import Session, select

from kb.models import Article, Claim
from tests.test_ingest_jats import FIXTURE
from tests.ui.conftest import texts


def test_editor_uploads_a_jats_file_previews_and_saves_it(open_app, db: Session) -> None:
    at = open_app("editor", "articles.py")
    at.file_uploader(key="ing_file").upload("walk.nxml", FIXTURE, "application/xml").run()
    at.button(key="ing_preview").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Claims"], metrics["Printed references"]) == ("7", "6")
    assert "Marker mapping: exact" in texts(at)
    at.button(key="ing_save").click().run()
    assert not at.exception
    db.rollback()
    saved = db.exec(select(Article).where(Article.slug == "walking-and-back-pain")).one()
    claims = db.exec(select(Claim.text).where(Claim.article_id == saved.id)).all()
    assert "Back pain is common." in claims and not any("<" in t for t in claims)
    assert "Back pain is common" in saved.source_text and "<xref" not in saved.source_text


def test_a_word_file_that_is_not_a_zip_shows_the_reason(open_app) -> None:
    at = open_app("editor", "articles.py")
    at.file_uploader(key="ing_file").upload("draft.docx", b"not a zip", "application/msword").run()
    at.button(key="ing_preview").click().run()
    assert not at.exception
    assert "draft.docx: not a Word file (it is not a zip archive)" in texts(at)
