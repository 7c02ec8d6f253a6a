"""The claim query service: filters, full-text search and keyset paging, on both engines."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session

from kb.db import make_engine
from kb.errors import InvalidInput
from kb.migrate import downgrade, upgrade
from kb.models import Article, Claim
from kb.services.queries import (
    ClaimFilter,
    count_claims,
    cursor_for_claim,
    iter_claim_ids,
    query_claims,
)
from tests import corpus
from tests.corpus import at

# (filter, CLAIMS indexes expected), checked on SQLite and PostgreSQL alike.
CASES: list[tuple[dict[str, Any], set[int]]] = [
    ({}, {0, 1, 2, 3, 4, 5, 6}),
    ({"article": "knee"}, {4, 5, 6}),
    ({"status": ["Submitted"]}, {2, 3, 5}),
    ({"status": ["under review", "approved"]}, {0, 1, 4, 6}),
    ({"kind": ["finding"]}, {0, 4}),
    ({"kind": ["finding", "recommendation"], "article": "spine"}, {0, 1}),
    ({"study_type": ["guideline"]}, {1}),
    ({"evidence_level": [4]}, {0}),
    ({"evidence_level": [1, 4]}, {0, 1}),
    ({"flag_kind": ["weak evidence"]}, {1}),
    ({"flag_kind": ["numeric_inconsistency"]}, set()),  # resolved flags do not count
    ({"open_flags": True}, {1, 5}),
    ({"open_flags": False}, {0, 2, 3, 4, 6}),
    ({"reviewer": "rev1@example.org"}, {0, 4}),
    ({"author": "ED2@example.org"}, {2, 3, 5}),
    ({"updated_from": date(2026, 1, 12)}, {2, 3, 4, 5, 6}),
    ({"updated_to": date(2026, 1, 11)}, {0, 1}),
    ({"updated_from": date(2026, 1, 12), "updated_to": date(2026, 1, 13)}, {2, 3, 4}),
    ({"text": "pain"}, {0, 4, 6}),
    ({"text": "PAIN knee"}, {6}),
    ({"text": "walk"}, {5}),  # whole words: not "walking"
    ({"text": "walking"}, {4}),
    ({"text": "7.4"}, {0}),
    ({"text": "covid-19"}, {3}),
    ({"text": "it's safe"}, {5}),
    ({"text": "spinal", "status": ["Approved"]}, {0}),
    ({"text": 'knee" pain'}, {6}),  # quotes are never syntax
    ({"text": "pain OR walking"}, set()),  # nor operators: "or" is just a word to find
    ({"text": "NEAR(pain knee) *"}, set()),
    ({"text": "surgery"}, {1}),  # not "surgeries"
]


@pytest.fixture
def kb(session: Session) -> corpus.Corpus:
    return corpus.build(session)


def _all_ids(session: Session, filters: ClaimFilter, order: Any = "updated") -> list[int]:
    ids, cursor = [], None
    while True:
        page = query_claims(session=session, filters=filters, after=cursor, limit=2, order=order)
        ids += [r.id for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return ids


@pytest.mark.parametrize(("kwargs", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_filters(session: Session, kb: corpus.Corpus, kwargs: dict, expected: set[int]) -> None:
    filters = ClaimFilter(**kwargs)
    want = sorted(kb.ids(*expected))
    assert sorted(_all_ids(session, filters)) == want
    assert sorted(_all_ids(session, filters, order="position")) == want
    assert count_claims(session=session, filters=filters) == len(want)
    assert list(iter_claim_ids(session=session, filters=filters, chunk_size=2)) == want


def test_same_ids_on_sqlite_and_postgres(sqlite_url: str, pg_url: str) -> None:
    results = []
    for url in (sqlite_url, pg_url):
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as s:
            kb = corpus.build(s)
            index = {c.id: i for i, c in enumerate(kb.claims)}
            results.append([[index[i] for i in _all_ids(s, ClaimFilter(**kw))] for kw, _ in CASES])
        engine.dispose()
    assert results[0] == results[1]


def test_orders_and_row_contents(session: Session, kb: corpus.Corpus) -> None:
    page = query_claims(session=session, limit=50)
    # updated_at desc, then id desc for claims changed at the same instant (2 and 3).
    assert [r.id for r in page.rows] == kb.ids(6, 5, 4, 3, 2, 1, 0)
    assert page.next_cursor is None
    by_position = query_claims(session=session, order="position", limit=50)
    assert [(r.article_slug, r.position) for r in by_position.rows] == [
        ("spine", 1), ("spine", 2), ("spine", 3), ("spine", 4),
        ("knee", 1), ("knee", 2), ("knee", 3),
    ]  # fmt: skip
    first = next(r for r in page.rows if r.id == kb.claims[0].id)
    assert (first.best_level, first.best_study_type) == (4, "case-series")
    assert (first.supporting_count, first.refuting_count, first.citation_count) == (2, 0, 2)
    assert (first.open_flag_count, first.version, first.status) == (0, 1, "Approved")
    assert (first.author_email, first.assignee_email) == ("ed1@example.org", "rev1@example.org")
    assert first.article_title == "Spinal stenosis" and first.updated_at == at(10)
    second = next(r for r in page.rows if r.id == kb.claims[1].id)
    assert (second.best_level, second.open_flag_count) == (1, 2)


@pytest.mark.parametrize("order", ["updated", "position"])
def test_keyset_paging_sees_every_claim_once_while_claims_are_added(
    session: Session, kb: corpus.Corpus, order: Any
) -> None:
    before = {c.id for c in kb.claims}
    seen: list[int] = []
    cursor = None
    new_article = Article(slug="added", title="Added meanwhile")
    session.add(new_article)
    session.commit()
    for step in range(20):
        page = query_claims(session=session, after=cursor, limit=2, order=order)
        seen += [r.id for r in page.rows]
        # Someone adds claims between page loads.
        session.add(Claim(article_id=new_article.id, position=step + 1, text=f"New {step}."))
        session.commit()
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a claim was returned twice"
    assert before <= set(seen)


def test_ties_in_updated_at_page_by_id(session: Session, kb: corpus.Corpus) -> None:
    session.execute(text("UPDATE claim SET updated_at = (SELECT max(updated_at) FROM claim)"))
    session.commit()
    assert _all_ids(session, ClaimFilter()) == sorted(kb.ids(*range(7)), reverse=True)


def test_cursor_for_claim_starts_after_it(session: Session, kb: corpus.Corpus) -> None:
    cursor = cursor_for_claim(session=session, claim_id=kb.claims[4].id or 0)
    page = query_claims(session=session, after=cursor, limit=50)
    assert [r.id for r in page.rows] == kb.ids(3, 2, 1, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": ["Done"]}, "unknown status 'Done'; allowed: Approved, Submitted, Under Review"),
        ({"kind": ["claim"]}, "unknown kind 'claim'; allowed: background, finding"),
        ({"study_type": ["meta"]}, "unknown study type 'meta'; allowed: case-control"),
        ({"flag_kind": ["bad"]}, "unknown flag kind 'bad'; allowed: ambiguous citation"),
        ({"evidence_level": [7]}, "unknown evidence level 7; allowed: 1, 2, 3, 4, 5"),
        ({"text": "!!!"}, "has no words"),
        (
            {"updated_from": date(2026, 2, 1), "updated_to": date(2026, 1, 1)},
            "updated_from is after updated_to",
        ),
    ],
)
def test_bad_filter_values_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        ClaimFilter(**kwargs)
    assert message in str(err.value)


def test_unknown_article_account_cursor_and_order(session: Session, kb: corpus.Corpus) -> None:
    with pytest.raises(InvalidInput, match="no article with slug 'nope'"):
        query_claims(session=session, filters=ClaimFilter(article="nope"))
    with pytest.raises(InvalidInput, match="no account 'x@example.org'"):
        count_claims(session=session, filters=ClaimFilter(reviewer="x@example.org"))
    with pytest.raises(InvalidInput, match="not a valid page cursor"):
        query_claims(session=session, after="garbage")
    cursor = query_claims(session=session, limit=1).next_cursor
    with pytest.raises(InvalidInput, match="not a valid page cursor"):
        query_claims(session=session, after=cursor, order="position")
    with pytest.raises(InvalidInput, match="unknown order"):
        query_claims(session=session, order="random")  # type: ignore[arg-type]


def test_search_index_follows_inserts_updates_and_deletes(
    session: Session, kb: corpus.Corpus
) -> None:
    def found(word: str) -> list[int]:
        return _all_ids(session, ClaimFilter(text=word))

    claim = kb.claims[2]
    claim.text = "Stenosis pinches the cauda equina."
    session.add(claim)
    session.commit()
    assert found("cauda") == [claim.id]
    assert found("narrows") == []
    extra = Claim(article_id=kb.articles["knee"].id, position=9, text="Cauda equina is rare.")
    session.add(extra)
    session.commit()
    assert sorted(found("cauda")) == sorted([claim.id, extra.id])
    session.delete(extra)
    session.commit()
    assert found("cauda") == [claim.id]


def _search_objects(engine: Engine) -> set[str]:
    insp = inspect(engine)
    names = {n for n in insp.get_table_names() if n.startswith("claim_fts")}
    names |= {i["name"] for i in insp.get_indexes("claim") if i["name"]}
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename='claim'"))
        names |= {r[0] for r in rows}
    return {n for n in names if n.startswith(("claim_fts", "ix_claim_keyset"))}


def test_migration_0002_downgrades_and_indexes_existing_claims(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        kb = corpus.build(s)
    assert _search_objects(engine)
    downgrade(engine, "0001")
    assert _search_objects(engine) == set()
    upgrade(engine)
    with Session(engine) as s:
        # Claims written before 0002 are searchable once it is applied.
        assert _all_ids(s, ClaimFilter(text="stenosis")) == kb.ids(2)
