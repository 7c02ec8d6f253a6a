"""Build records in one line for tests (through the models; services are tested elsewhere)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import Session

from kb.models import Article, Citation, Claim, Reference, User
from kb.passwords import hash_password

_n = itertools.count(1)
_HASH = hash_password("correct horse battery")
PASSWORD = "correct horse battery"


def user(session: Session, role: str = "editor", **kw: Any) -> User:
    i = next(_n)
    u = User(
        email=kw.pop("email", f"{role}{i}@example.org"),
        role=role,
        name=kw.pop("name", f"{role.title()} {i}"),
        password_hash=kw.pop("password_hash", _HASH),
        **kw,
    )
    session.add(u)
    session.commit()
    session.refresh(u)
    return u


def reference(session: Session, **kw: Any) -> Reference:
    i = next(_n)
    r = Reference(
        citekey=kw.pop("citekey", f"ref{i}"),
        title=kw.pop("title", f"A study number {i}"),
        year=kw.pop("year", 2020),
        study_type=kw.pop("study_type", "rct"),
        **kw,
    )
    session.add(r)
    session.commit()
    session.refresh(r)
    return r


def article(session: Session, **kw: Any) -> Article:
    i = next(_n)
    a = Article(slug=kw.pop("slug", f"article-{i}"), title=kw.pop("title", f"Article {i}"), **kw)
    session.add(a)
    session.commit()
    session.refresh(a)
    return a


def claim(
    session: Session,
    *,
    art: Article | None = None,
    author: User | None = None,
    refs: tuple[Reference, ...] = (),
    stance: str = "not assessed",
    **kw: Any,
) -> Claim:
    art = art or article(session)
    i = next(_n)
    c = Claim(
        article_id=art.id,
        position=kw.pop("position", i),
        text=kw.pop("text", f"Treatment {i} reduced pain by 20%."),
        kind=kw.pop("kind", "finding"),
        author_id=author.id if author else None,
        **kw,
    )
    session.add(c)
    session.commit()
    session.refresh(c)
    for j, r in enumerate(refs, 1):
        session.add(Citation(claim_id=c.id, reference_id=r.id, marker=str(j), stance=stance))
    session.commit()
    return c
