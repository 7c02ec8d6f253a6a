"""Demo content for a fresh embedded database: the shipped library, sample articles, accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from kb.config import PROJECT_ROOT
from kb.enums import Role
from kb.models import User
from kb.passwords import random_password
from kb.services.ingest import ingest_article
from kb.services.references import import_bib
from kb.services.users import add_user

LIBRARY = PROJECT_ROOT / "data" / "references.bib"
ARTICLES = Path(__file__).resolve().parents[1] / "demo" / "articles"
DEMO_DOMAIN = "demo.kb"


def load_demo_if_empty(*, engine: Engine) -> Iterator[str]:
    """Load demo content when the database has no accounts; yields lines to show once."""
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(func.count()).select_from(User)).one() > 0:
            return
        yield "Empty database: loading demo content."
        accounts: dict[str, tuple[User, str]] = {}
        for role in Role:
            password = random_password()
            user = add_user(
                session=session,
                actor=None,
                email=f"{role.value}@{DEMO_DOMAIN}",
                role=role.value,
                password=password,
                name=f"Demo {role.value}",
            )
            accounts[role.value] = (user, password)
        report = import_bib(session=session, actor=None, data=LIBRARY.read_bytes(), source="demo")
        yield f"  library: {len(report.created)} references from {LIBRARY.name}"
        editor = accounts[Role.editor.value][0]
        for path in sorted(ARTICLES.glob("*.md")):
            result = ingest_article(
                session=session,
                actor=editor,
                text=path.read_text(encoding="utf-8"),
                slug=path.stem,
            )
            flags = ", ".join(f"{k} {v}" for k, v in result.flags.items()) or "none"
            yield f"  article {result.slug}: {len(result.claims)} claims; flags: {flags}"
        yield "Demo accounts (passwords are shown only this once):"
        for name, (user, password) in accounts.items():
            yield f"  {name:<9} {user.email:<20} {password}"
