"""Demo content: loaded once into an empty database, accounts usable with the printed password."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from sqlmodel import Session, select

from kb.models import Article, Claim, Reference
from kb.services.demo import load_demo_if_empty
from kb.services.users import authenticate


def test_demo_loads_once_with_working_accounts(sqlite_engine: Engine) -> None:
    lines = list(load_demo_if_empty(engine=sqlite_engine))
    accounts = [
        m.groups() for ln in lines if (m := re.match(r"\s+(\w+)\s+(\S+@demo\.kb)\s+(\S+)$", ln))
    ]
    assert sorted(r for r, _, _ in accounts) == ["admin", "analyst", "editor", "reviewer"]
    with Session(sqlite_engine) as s:
        for role, email, password in accounts:
            assert authenticate(session=s, email=email, password=password).role == role
        slugs = sorted(a.slug for a in s.exec(select(Article)).all())
        assert slugs == ["scs-clinic-blog", "spinal-stenosis-balance"]
        assert len(s.exec(select(Reference)).all()) == 4
        stenosis = s.exec(select(Article).where(Article.slug == "spinal-stenosis-balance")).one()
        assert len(s.exec(select(Claim).where(Claim.article_id == stenosis.id)).all()) == 16
    assert list(load_demo_if_empty(engine=sqlite_engine)) == []
