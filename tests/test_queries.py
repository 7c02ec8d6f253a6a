"""The claim query service: filters, full-text search and keyset paging, on both engines."""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, text
from sqlmodel import Session, select

from kb.db import make_engine
from kb.errors import InvalidInput
from kb.migrate import downgrade, upgrade
from kb.models import Article, Claim
from kb.services import fulltext, queries
from kb.services.queries import (
    ClaimFilter,
    ClaimRow,
    claims_grouped_by,
    conditions,
    count_claims,
    cursor_for_claim,
    iter_claim_ids,
    paging,
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
    ({"not_reviewer": "rev1@example.org"}, {1, 2, 3, 5, 6}),  # unassigned ones included
    ({"not_reviewer": "REV1@example.org", "status": ["Under Review"]}, {1}),
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
    with pytest.raises(InvalidInput, match="no account 'y@example.org'"):
        query_claims(session=session, filters=ClaimFilter(not_reviewer="y@example.org"))
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


# -- totals from the facet counts (SQLite) and paging inside ties ------------------------------

FACET_FILTERS: list[dict[str, Any]] = [
    {},
    *({"status": [s]} for s in ("Submitted", "Under Review", "Approved")),
    {"status": ["Submitted", "Approved"]},
    *({"kind": [k]} for k in ("finding", "recommendation", "mechanism", "background")),
    {"evidence_level": [1]},
    {"evidence_level": [1, 2, 4]},
    {"study_type": ["guideline", "narrative-review"]},
    {"open_flags": True},
    {"open_flags": False},
    {"status": ["Under Review"], "kind": ["finding"], "evidence_level": [1, 2]},
    {"status": ["Approved", "Submitted"], "open_flags": False, "kind": ["background"]},
]


def _check_counts(session: Session) -> None:
    """Every facet-shaped total equals the claims counted one by one."""
    for kwargs in FACET_FILTERS:
        filters = ClaimFilter(**kwargs)
        by_rows = len(list(iter_claim_ids(session=session, filters=filters)))
        assert count_claims(session=session, filters=filters) == by_rows, kwargs
    for name in ("status", "kind", "best_level", "best_study_type"):
        rows = session.execute(text(f"SELECT {name}, count(*) FROM claim GROUP BY {name}"))
        assert claims_grouped_by(session=session, column_name=name) == dict(map(tuple, rows))
    if session.get_bind().dialect.name == "sqlite":
        key = (
            "status, kind, coalesce(best_level, 0), coalesce(best_study_type, ''), "
            "open_flag_count > 0"
        )
        grouped = session.execute(text(f"SELECT {key}, count(*) FROM claim GROUP BY 1,2,3,4,5"))
        stored = session.execute(
            text(
                "SELECT status, kind, best_level, best_study_type, flagged, n "
                "FROM claim_facet_count WHERE n > 0"
            )
        )
        assert sorted(map(tuple, stored)) == sorted(map(tuple, grouped))


def test_totals_follow_every_kind_of_claim_change(session: Session, kb: corpus.Corpus) -> None:
    _check_counts(session)
    changes = [
        # status moves, several claims at once
        "UPDATE claim SET status = 'Approved' WHERE status = 'Under Review'",
        # evidence summary changes, to and from "none" (NULL)
        "UPDATE claim SET best_level = NULL, best_study_type = NULL WHERE kind = 'finding'",
        "UPDATE claim SET best_level = 2, best_study_type = 'rct' WHERE position = 2",
        # open flags: 0 -> 2 moves a claim; 2 -> 3 does not; 3 -> 0 moves it back
        "UPDATE claim SET open_flag_count = 2 WHERE kind = 'background'",
        "UPDATE claim SET open_flag_count = open_flag_count + 1 WHERE open_flag_count > 0",
        "UPDATE claim SET open_flag_count = 0 WHERE position = 4",
        # kind, and changes that touch no facet column
        "UPDATE claim SET kind = 'mechanism' WHERE position = 1",
        "UPDATE claim SET text = text || ' (edited)', version = version + 1",
        # deletes
        "DELETE FROM citation WHERE claim_id IN (SELECT id FROM claim WHERE position = 3)",
        "DELETE FROM flag WHERE claim_id IN (SELECT id FROM claim WHERE position = 3)",
        "DELETE FROM measure WHERE claim_id IN (SELECT id FROM claim WHERE position = 3)",
        "DELETE FROM review_event WHERE claim_id IN (SELECT id FROM claim WHERE position = 3)",
        "DELETE FROM claim WHERE position = 3",
    ]
    for sql in changes:
        session.execute(text(sql))
        session.commit()
        _check_counts(session)
    # and inserts through the ORM
    session.expunge_all()
    article = kb.articles["knee"]
    session.add_all(
        [
            Claim(article_id=article.id, position=10 + i, text=f"New claim {i}.", kind=kind)
            for i, kind in enumerate(["finding", "finding", "background"])
        ]
    )
    session.commit()
    _check_counts(session)


def test_rolled_back_changes_leave_the_totals_as_they_were(
    session: Session, kb: corpus.Corpus
) -> None:
    before = [count_claims(session=session, filters=ClaimFilter(**kw)) for kw in FACET_FILTERS]
    session.execute(text("UPDATE claim SET status = 'Approved', open_flag_count = 5"))
    session.rollback()
    after = [count_claims(session=session, filters=ClaimFilter(**kw)) for kw in FACET_FILTERS]
    assert after == before


def test_migration_0003_counts_claims_written_before_it(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        corpus.build(s)
    downgrade(engine, "0002")
    if engine.dialect.name == "sqlite":
        assert "claim_facet_count" not in inspect(engine).get_table_names()
    with Session(engine) as s:
        # Claims changed while the counts did not exist are counted once they do.
        s.execute(text("UPDATE claim SET status = 'Submitted' WHERE position = 1"))
        s.commit()
    upgrade(engine)
    with Session(engine) as s:
        _check_counts(s)


def test_pages_inside_a_run_of_equal_timestamps(session: Session, kb: corpus.Corpus) -> None:
    # A bulk change stamps many claims with one instant: paging through them (and past them)
    # must see every claim once, in id order, from any cursor inside the run.
    article = kb.articles["spine"]
    session.add_all(
        [Claim(article_id=article.id, position=100 + i, text=f"Bulk {i}.") for i in range(23)]
    )
    session.commit()
    bulk = []
    for claim in session.exec(select(Claim)).all():
        if claim.position >= 100 or (claim.position == 2 and claim.article_id == article.id):
            claim.updated_at = at(20)
            bulk.append(claim.id)
    session.commit()
    bulk.sort(reverse=True)
    want = [r.id for r in query_claims(session=session, limit=1000).rows]
    assert want[: len(bulk)] == bulk  # the run first, newest instant, ids descending
    for limit in (1, 3, 7, 50):
        got, cursor = [], None
        while True:
            page = query_claims(session=session, after=cursor, limit=limit)
            got += [r.id for r in page.rows]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert got == want, limit
    for i, claim_id in enumerate(want[:-1]):
        cursor = cursor_for_claim(session=session, claim_id=claim_id)
        page = query_claims(session=session, after=cursor, limit=3)
        assert [r.id for r in page.rows] == want[i + 1 : i + 4]


@pytest.mark.parametrize("walk_above", [0, 2, 1_000_000])
def test_search_finds_the_same_whichever_way_it_reads_the_index(
    session: Session, kb: corpus.Corpus, monkeypatch: pytest.MonkeyPatch, walk_above: int
) -> None:
    # Common words walk the ordered index and probe the matches, rare words sort the matches
    # (SQLite): both must give the same pages.
    monkeypatch.setattr(conditions, "FTS_WALK_ABOVE", walk_above)
    for kwargs, expected in CASES:
        if "text" in kwargs:
            filters = ClaimFilter(**kwargs)
            got = _all_ids(session, filters)
            assert got == [r.id for r in query_claims(session=session, filters=filters).rows]
            assert sorted(got) == sorted(kb.ids(*expected)), kwargs


def test_page_rows_are_built_from_the_columns_of_the_same_name() -> None:
    # query_claims builds ClaimRow by position from _page_base's first columns.
    names = [f.name for f in dataclasses.fields(ClaimRow)]
    assert list(paging._page_base().selected_columns.keys())[: len(names)] == names


# -- search pages read by recency (SQLite's claim_fts is keyed by recency_key) ----------------

WORDS = ["alpha", "beta", "gamma", "delta"]


def _search_order(session: Session, word: str) -> list[int]:
    """The ids of claims containing word, newest first, sorted here in Python."""
    rows = session.exec(select(Claim.id, Claim.updated_at, Claim.text)).all()
    hits = [(u, i) for i, u, t in rows if word in fulltext.search_words(t)]
    return [i for _u, i in sorted(hits, reverse=True)]


def test_search_pages_are_exact_inside_one_second(session: Session, kb: corpus.Corpus) -> None:
    # Claims changed within the same second in an order that disagrees with their ids, others in
    # whole runs of one instant, others in seconds of their own: the index orders a second by
    # id, the pages must still follow updated_at to the microsecond, from any cursor.
    rng = random.Random(7)
    article = kb.articles["knee"]
    base = at(25)
    claims = []
    for i in range(120):
        words = rng.sample(WORDS, rng.randint(1, 3))
        claims.append(Claim(article_id=article.id, position=200 + i, text=" ".join(words) + "."))
    session.add_all(claims)
    session.commit()
    for claim in claims:
        second = rng.choice([0, 0, 0, 1, 2, 5, 60, 3600])
        micro = rng.choice([0, 999_999, rng.randrange(1_000_000)])
        claim.updated_at = base + timedelta(seconds=second, microseconds=micro)
    session.commit()
    for word in WORDS:
        want = _search_order(session, word)
        assert len(want) > 20, word
        filters = ClaimFilter(text=word)
        for limit in (1, 2, 5, 50):
            got, cursor = [], None
            while True:
                page = query_claims(session=session, filters=filters, after=cursor, limit=limit)
                got += [r.id for r in page.rows]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert got == want, (word, limit)
        for i, claim_id in enumerate(want[:-1]):
            cursor = cursor_for_claim(session=session, claim_id=claim_id)
            page = query_claims(session=session, filters=filters, after=cursor, limit=3)
            assert [r.id for r in page.rows] == want[i + 1 : i + 4], (word, i)


def test_a_changed_claim_comes_first_in_search_results(session: Session, kb: corpus.Corpus) -> None:
    oldest = _search_order(session, "pain")[-1]
    claim = session.get(Claim, oldest)
    assert claim is not None
    claim.status = "Approved"
    claim.updated_at = at(28)
    session.commit()
    page = query_claims(session=session, filters=ClaimFilter(text="pain"))
    assert [r.id for r in page.rows] == _search_order(session, "pain")
    assert page.rows[0].id == oldest


def _index_keys(session: Session) -> tuple[set[int], set[int]]:
    """(rowids in claim_fts for every word of the vocabulary, recency keys of the claims)."""
    rows = session.exec(select(Claim.id, Claim.updated_at, Claim.text)).all()
    vocabulary = {w for _i, _u, t in rows for w in fulltext.search_words(t)}
    keys = set()
    for word in vocabulary:
        found = session.execute(
            text("SELECT rowid FROM claim_fts WHERE claim_fts MATCH :w"), {"w": f'"{word}"'}
        )
        keys |= {r[0] for r in found}
    return keys, {fulltext.recency_key(u, i) for i, u, _t in rows}


def test_sqlite_index_keys_follow_every_change(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as s:
        kb = corpus.build(s)
        kb_texts = list(s.exec(select(Claim.text)).all())
        indexed, keys = _index_keys(s)
        assert indexed == keys
        changes = [
            "UPDATE claim SET status = 'Approved', updated_at = '2026-02-01 10:00:00.500000'",
            "UPDATE claim SET text = 'Renamed claim words.' WHERE position = 1",
            "UPDATE claim SET version = version + 1",  # no key or text change
            "UPDATE claim SET updated_at = '2026-02-01 10:00:00.900000' WHERE position = 2",
            # far from the key's epoch both ways: before it, and past 2038
            "UPDATE claim SET updated_at = '1999-12-31 23:59:59.999999' WHERE position = 3",
            "UPDATE claim SET updated_at = '2040-03-01 08:00:00.000001' WHERE position = 4",
        ]
        for sql in changes:
            s.execute(text(sql))
            s.commit()
            indexed, keys = _index_keys(s)
            assert indexed == keys, sql
            for word in ("pain", "knee", "renamed", "stenosis"):
                assert _all_ids(s, ClaimFilter(text=word)) == _search_order(s, word), sql
        # A claim written, then removed (through the ORM, as the services do).
        extra = Claim(article_id=kb.articles["knee"].id, position=50, text="Passing words.")
        s.add(extra)
        s.commit()
        assert _index_keys(s)[0] == _index_keys(s)[1]
        assert _all_ids(s, ClaimFilter(text="passing")) == [extra.id]
        s.delete(extra)
        s.commit()
        indexed, keys = _index_keys(s)
        assert indexed == keys
        assert _all_ids(s, ClaimFilter(text="passing")) == []
        # Words only the replaced texts had find nothing; one index row per claim.
        texts = s.exec(select(Claim.text)).all()
        current = {w for t in texts for w in fulltext.search_words(t)}
        gone = set(fulltext.search_words(" ".join(kb_texts))) - current
        assert gone
        for word in gone:
            assert _all_ids(s, ClaimFilter(text=word)) == [], word
        assert s.execute(text("SELECT count(*) FROM claim_fts")).scalar_one() == len(texts)
    engine.dispose()


def test_recency_key_orders_by_second_then_id() -> None:
    t = datetime(2026, 1, 1, 12, 0, 0, 999_999, tzinfo=UTC)
    assert fulltext.recency_key(t, 5) == ((1767268800 - fulltext.KEY_EPOCH) << 32) | 5
    assert fulltext.recency_key(t.replace(microsecond=0), 5) == fulltext.recency_key(t, 5)
    assert fulltext.recency_key(t, 4) < fulltext.recency_key(t.replace(microsecond=0), 5)
    assert fulltext.recency_key(t - timedelta(seconds=1), 9) < fulltext.recency_key(t, 1)
    with pytest.raises(ValueError, match="does not fit"):
        fulltext.recency_key(t, 2**32)
    # Before 2026 keys are negative and still in order; 2038 is no edge; 2100 is out of reach.
    years = [1990, 2025, 2026, 2037, 2038, 2039, 2090]
    keys = [fulltext.recency_key(t.replace(year=y), 7) for y in years]
    assert keys == sorted(keys) and keys[0] < 0 < keys[-1] < 2**63
    assert all(k & 0xFFFFFFFF == 7 for k in keys)
    with pytest.raises(ValueError, match="outside the years"):
        fulltext.recency_key(t.replace(year=2100), 7)


def test_migration_0005_downgrades_and_reindexes(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as s:
        kb = corpus.build(s)
    downgrade(engine, "0004")
    with Session(engine) as s:
        # 0002's external-content index, keyed by claim id.
        rows = s.execute(text("SELECT rowid FROM claim_fts WHERE claim_fts MATCH 'stenosis'"))
        assert [r[0] for r in rows] == kb.ids(2)
    upgrade(engine)
    with Session(engine) as s:
        indexed, keys = _index_keys(s)
        assert indexed == keys
        assert _all_ids(s, ClaimFilter(text="stenosis")) == kb.ids(2)
    engine.dispose()


def _cursor_key(when: datetime, claim_id: int) -> str:
    """The page key a cursor for (when, claim_id) binds on SQLite."""
    cursor = queries.encode_cursor("updated", (when, claim_id))
    return str(paging._after_params(cursor, "updated", keyed=True)["after_key"])


def test_page_key_sorts_as_updated_at_then_id() -> None:
    t = datetime(2026, 3, 1, 10, 0, 0, 500_000, tzinfo=UTC)
    keys = [
        (t, 1),
        (t, 9),
        (t, 10),  # more digits: must still sort after 9
        (t, 123_456_789),
        (t, 9_999_999_999),
        (t.replace(microsecond=0), 9_999_999_999),
        (t + timedelta(microseconds=1), 1),
        (t.replace(year=999), 5),
        (t.replace(year=2040), 5),
        (t.astimezone(timezone(timedelta(hours=-5))), 2),  # same instant, another zone
    ]
    by_key = sorted(keys, key=lambda k: _cursor_key(*k))
    assert by_key == sorted(keys, key=lambda k: (k[0], k[1]))
    assert _cursor_key(t, 7) == "2026-03-01 10:00:00.500000\x010000000007"
    for bad in (-1, 10**10):  # ids the key cannot hold in order are refused
        with pytest.raises(InvalidInput, match="not a valid page cursor"):
            _cursor_key(t, bad)


def _page_key_pairs(s: Session) -> list[tuple[str, str]]:
    c = queries.CLAIM.c
    rows = s.execute(select(c.id, c.updated_at, queries.page_key_column())).all()
    return [(key, _cursor_key(when, claim_id)) for claim_id, when, key in rows]


def test_sqlite_page_key_in_sql_equals_the_cursor_key(sqlite_session: Session) -> None:
    # The index's key (SQL) and the cursor's key (Python) must be the same text, or a page
    # after a cursor would skip or repeat claims.
    s = sqlite_session
    corpus.build(s)
    changes = [
        "UPDATE claim SET updated_at = '2026-02-01 10:00:00.000000' WHERE position = 1",
        "UPDATE claim SET updated_at = '0999-12-31 23:59:59.999999' WHERE position = 2",
        "UPDATE claim SET updated_at = '2040-03-01 08:00:00.000001' WHERE position = 3",
    ]
    for sql in [None, *changes]:
        if sql:
            s.execute(text(sql))
            s.commit()
        pairs = _page_key_pairs(s)
        assert pairs and all(sql_key == py_key for sql_key, py_key in pairs), sql
        rows = query_claims(session=s, limit=1000).rows
        want = [r.id for r in sorted(rows, key=lambda r: (r.updated_at, r.id), reverse=True)]
        assert [r.id for r in rows] == want
        assert _all_ids(s, ClaimFilter()) == want, sql
    # A cursor whose id the key cannot hold is refused, not misread.
    cursor = queries.encode_cursor("updated", (datetime(2026, 1, 1, tzinfo=UTC), 10**10))
    with pytest.raises(InvalidInput, match="not a valid page cursor"):
        query_claims(session=s, after=cursor)


def test_cursors_round_trip_and_refuse_what_is_not_theirs() -> None:
    t = datetime(2026, 3, 1, 10, 0, 0, 500_000, tzinfo=UTC)
    for key in [
        (t, 1),
        (t.replace(microsecond=0), 9_999_999_999),
        (t.replace(year=999), 42),
        (t.astimezone(timezone(timedelta(hours=5, minutes=30))), 7),  # read back in UTC
    ]:
        cursor = queries.encode_cursor("updated", key)
        assert cursor.isascii() and cursor.isalnum()  # safe in a URL or a shell
        assert queries.decode_cursor(cursor, "updated") == key
        # On SQLite the page key comes straight from the cursor's digits: the same text.
        params = paging._after_params(cursor, "updated", keyed=True)
        stored = key[0].astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        assert params == {"after_key": f"{stored}\x01{key[1]:010d}"}
    assert queries.decode_cursor("p12.3", "position") == (12, 3)
    assert queries.encode_cursor("position", (12, 3)) == "p12.3"
    updated = queries.encode_cursor("updated", (t, 5))
    for order, bad in [
        ("updated", "garbage"),
        ("updated", "u2026030110"),  # too few digits for an instant
        ("updated", updated[:21]),  # an instant and no id
        ("updated", "u20261301100000000000" + "5"),  # month 13
        ("updated", "u20260231100000000000" + "5"),  # 31 February
        ("updated", updated.replace("2", "\u0662")),  # other scripts' digits
        ("updated", updated + "12345678901"),  # an id longer than the page key holds
        ("updated", "p12.3"),
        ("updated", "WyJ1cGRhdGVkIiwiMjAyNi0wMy0wMVQxMDowMDowMCswMDowMCIsNV0"),  # old JSON
        ("position", updated),
        ("position", "p12"),
        ("position", "p-1.3"),
    ]:
        with pytest.raises(InvalidInput, match=f"not a valid page cursor for order '{order}'"):
            queries.decode_cursor(bad, order)
        if order == "updated":
            with pytest.raises(InvalidInput, match="not a valid page cursor"):
                paging._after_params(bad, order, keyed=True)


def _page_plans(s: Session, filters: ClaimFilter, order: Any = "updated") -> list[list[str]]:
    """The query plans of the first and second page of filters (on SQLite the steps of the
    page's id subquery, on PostgreSQL every line)."""
    plans: list[list[str]] = []
    conn = s.connection()
    sqlite = conn.dialect.name == "sqlite"

    def explain(_conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "claim.id IN" not in statement:
            return
        if not sqlite:
            cursor.execute(f"EXPLAIN {statement}", params)
            plans.append([r[0] for r in cursor.fetchall()])
            return
        rows = cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", params)
        # The steps under the page's id subquery (claim.id IN (...)), the rest dropped.
        inside: set[int] = set()
        steps = []
        for node, parent, _unused, detail in rows:
            if detail.startswith("LIST SUBQUERY") or parent in inside:
                inside.add(node)
                steps.append(detail)
        plans.append(steps)

    event.listen(conn, "before_cursor_execute", explain)
    try:
        first = query_claims(session=s, filters=filters, limit=1, order=order)
        assert first.next_cursor
        query_claims(session=s, filters=filters, after=first.next_cursor, limit=1, order=order)
    finally:
        event.remove(conn, "before_cursor_execute", explain)
    return plans


def test_pages_after_a_cursor_seek_past_its_row_value(session: Session, kb: corpus.Corpus) -> None:
    # PostgreSQL (both orders) and SQLite in article order: one seek past the cursor's row
    # value, not two ranges of a compound query.
    session.execute(text("ANALYZE"))
    orders = ["updated", "position"] if session.get_bind().dialect.name != "sqlite" else []
    for order in orders:
        later = _page_plans(session, ClaimFilter(), order)[1]
        seek = "ROW(updated_at, id) <" if order == "updated" else 'ROW(article_id, "position") >'
        assert any(seek in line for line in later), later
        assert not any("Append" in line for line in later), later
    if not orders:
        later = _page_plans(session, ClaimFilter(), "position")[1]
        assert any("((article_id,position)>(?,?))" in step for step in later), later
        assert not any("COMPOUND" in step or "TEMP B-TREE" in step for step in later), later


@pytest.mark.parametrize(
    ("kwargs", "index"),
    [
        ({}, "COVERING INDEX ix_claim_page"),
        ({"status": ["Submitted"]}, "COVERING INDEX ix_claim_page_status"),
        ({"reviewer": "rev1@example.org"}, "COVERING INDEX ix_claim_page_assignee"),
        ({"author": "ed2@example.org"}, "COVERING INDEX ix_claim_page_author"),
        (
            {"updated_from": date(2026, 1, 1), "updated_to": date(2026, 12, 31)},
            "COVERING INDEX ix_claim_page",
        ),
        # other filters are checked on each claim row the walk passes
        ({"kind": ["finding", "background"]}, "INDEX ix_claim_page"),
    ],
)
@pytest.mark.parametrize("analyzed", [False, True], ids=["no statistics", "ANALYZE"])
def test_sqlite_first_and_later_pages_are_one_seek_on_a_page_key_index(
    sqlite_session: Session, kwargs: dict, index: str, analyzed: bool
) -> None:
    # A page after a cursor reads the same index the same way as the first page: one seek and
    # no sort of the matches; with no filter but the index's own, no claim row visited either.
    # kb never runs ANALYZE (the benchmark generator does): the plans must hold either way.
    corpus.build(sqlite_session)
    if analyzed:
        sqlite_session.execute(text("ANALYZE"))
    first, later = _page_plans(sqlite_session, ClaimFilter(**kwargs))
    for plan in (first, later):
        assert any(re.search(rf"USING {index}\b(?!_)", step) for step in plan), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan
    assert any("<expr><?" in step for step in later), later


def test_migration_0006_indexes_and_measures_its_indexes(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)

    def page_indexes() -> dict[str, bool]:
        """The page key indexes, each with whether the planner has statistics for it."""
        with engine.connect() as conn:
            names = conn.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'ix_claim_page%'")
            ).scalars()
            stats = conn.execute(
                text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).first()
            measured = set()
            if stats:
                measured = set(conn.execute(text("SELECT idx FROM sqlite_stat1")).scalars())
            return {n: n in measured for n in names}

    with Session(engine, expire_on_commit=False) as s:
        kb = corpus.build(s)
    assert page_indexes() == dict.fromkeys(
        ["ix_claim_page", "ix_claim_page_status", "ix_claim_page_assignee", "ix_claim_page_author"],
        False,
    )
    downgrade(engine, "0005")
    assert page_indexes() == {}
    with Session(engine) as s:  # paging still works without them (two seeks)
        assert sorted(_all_ids(s, ClaimFilter())) == sorted(kb.ids(*range(len(corpus.CLAIMS))))
    upgrade(engine)
    assert set(page_indexes().values()) == {False}  # no statistics made where there were none
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    downgrade(engine, "0005")
    upgrade(engine)
    assert page_indexes() and set(page_indexes().values()) == {True}
    engine.dispose()
