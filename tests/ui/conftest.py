"""AppTest fixtures: a seeded SQLite database (library, demo articles, one account per role),
copied for each test, and a helper that opens the app signed in as a role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kb.db import make_engine
from kb.services.ingest import ingest_article
from kb.services.references import import_bib
from tests import factories

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
ROLES = ("editor", "reviewer", "analyst", "admin")
PASSWORD = factories.PASSWORD
USER_ID = "kb_user_id"  # kb.ui.state.USER_ID
CLAIM_ID = "kb_claim_id"
ARTICLE = "kb_article"
REFERENCE = "kb_reference"
TIMEOUT = 30


def email(role: str) -> str:
    return f"{role}@example.org"


@pytest.fixture(scope="session")
def seeded_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui") / "seeded.sqlite"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as s:
        users = {r: factories.user(s, r, email=email(r)) for r in ROLES}
        factories.user(s, "reviewer", email="reviewer2@example.org")
        import_bib(session=s, actor=None, data=(REPO / "data" / "references.bib").read_bytes())
        for article in sorted((REPO / "kb" / "demo" / "articles").glob("*.md")):
            ingest_article(
                session=s, actor=users["editor"], text=article.read_text("utf-8"), slug=article.stem
            )
    engine.dispose()
    return path


@pytest.fixture
def kb_url(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "kb.sqlite"
    shutil.copyfile(seeded_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("KB_DATABASE_URL", url)
    return url


@pytest.fixture
def db(kb_url: str):
    """A Session on the test's database (for seeding and checking what the app wrote)."""
    engine = make_engine(kb_url)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


def user_id(db: Session, role_or_email: str) -> int:
    from kb.services.users import get_user_by_email

    address = role_or_email if "@" in role_or_email else email(role_or_email)
    found = get_user_by_email(session=db, email=address).id
    assert found is not None
    return found


@pytest.fixture
def open_app(kb_url: str, db: Session) -> Callable[..., AppTest]:
    """open_app(role, page="claims.py", **state) -> AppTest after the page ran."""

    def _open(role: str | None = None, page: str | None = None, **state: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        if role is not None:
            at.session_state[USER_ID] = user_id(db, role)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        if page is not None:
            at.switch_page(f"kb/ui/pages/{page}").run()
        return at

    return _open


def plain(text: str) -> str:
    """Undo kb.ui.text.md's escaping (what a person reads)."""
    return re.sub(r"\\(.)", r"\1", text).replace("  \n", "\n")


def texts(at: AppTest) -> str:
    """Every markdown, caption and alert text of the page, unescaped, one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success]
    return "\n".join(plain(str(p)) for p in parts)
