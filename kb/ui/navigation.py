"""Which pages exist and which a role may see: the navigation table as data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from kb.models import User
from kb.permissions import Action, can

PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """One page: its file in kb/ui/pages, its title and the action that lets a user see it."""

    file: str
    title: str
    icon: str
    needs: Action
    hidden: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("review_queue.py", "Review queue", ":material/inbox:", Action.review_start),
    PageSpec("claims.py", "Claims", ":material/format_list_bulleted:", Action.read),
    PageSpec("claim.py", "Claim", ":material/description:", Action.read, hidden=True),
    PageSpec("articles.py", "Articles", ":material/article:", Action.read),
    PageSpec("article.py", "Article", ":material/article:", Action.read, hidden=True),
    PageSpec("references.py", "References", ":material/menu_book:", Action.read),
    PageSpec("reference.py", "Reference", ":material/book:", Action.read, hidden=True),
    PageSpec("dashboard.py", "Dashboard", ":material/monitoring:", Action.read),
    PageSpec("export.py", "Export", ":material/download:", Action.export),
    PageSpec("admin.py", "Admin", ":material/manage_accounts:", Action.user_manage),
)


def page_path(file: str) -> str:
    """The absolute path of a page file (what st.Page and st.switch_page take)."""
    return str(PAGES_DIR / file)


CLAIM_PAGE = page_path("claim.py")
CLAIMS_PAGE = page_path("claims.py")
ARTICLE_PAGE = page_path("article.py")
ARTICLES_PAGE = page_path("articles.py")
REFERENCE_PAGE = page_path("reference.py")
REFERENCES_PAGE = page_path("references.py")


def visible_specs(user: User) -> list[PageSpec]:
    """The pages user's role may open, in menu order (hidden detail pages included)."""
    return [p for p in PAGES if can(user, p.needs)]


def pages_for(user: User) -> list[st.Page]:
    """st.Page objects for user; the first visible one is the landing page."""
    specs = visible_specs(user)
    first = next(p for p in specs if not p.hidden)
    return [
        st.Page(
            page_path(p.file),
            title=p.title,
            icon=p.icon,
            default=p is first,
            visibility="hidden" if p.hidden else "visible",
        )
        for p in specs
    ]
