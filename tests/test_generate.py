"""benchmarks/generate.py: the synthetic knowledge base is a consistent one, on both engines."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import Session

from benchmarks.generate import generate
from kb.services.queries import ClaimFilter, count_claims, iter_claim_ids, query_claims
from tests.test_queries import FACET_FILTERS


def test_generated_data_is_searchable_countable_and_pageable(engine: Engine) -> None:
    generate(engine, 400, seed=7)
    with Session(engine) as s:
        scalar = lambda sql: s.execute(text(sql)).scalar_one()  # noqa: E731
        assert scalar("SELECT count(*) FROM claim") == 400
        assert 1.2 <= scalar("SELECT count(*) FROM citation") / 400 <= 1.8
        # The stored summaries agree with the rows they summarize.
        assert (
            scalar(
                "SELECT count(*) FROM claim WHERE open_flag_count != "
                "(SELECT count(*) FROM flag WHERE flag.claim_id = claim.id AND status = 'open')"
            )
            == 0
        )
        # Totals (facet counts on SQLite) equal the claims counted one by one.
        for kwargs in FACET_FILTERS:
            filters = ClaimFilter(**kwargs)
            by_rows = len(list(iter_claim_ids(session=s, filters=filters)))
            assert count_claims(session=s, filters=filters) == by_rows, kwargs
        # The search index was rebuilt after the bulk load: it finds what LIKE finds.
        word = "pain"
        liked = s.execute(
            text("SELECT id FROM claim WHERE lower(text) LIKE :p"), {"p": f"%{word}%"}
        ).scalars()
        found = list(iter_claim_ids(session=s, filters=ClaimFilter(text=word)))
        assert found and set(found) <= set(liked)
        # Search pages, newest first (on SQLite read from the recency-keyed index), see each
        # match once, in order.
        paged, cursor = [], None
        while True:
            page = query_claims(session=s, filters=ClaimFilter(text=word), after=cursor, limit=7)
            paged += [(r.updated_at, r.id) for r in page.rows]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert paged == sorted(paged, reverse=True)
        assert sorted(i for _u, i in paged) == sorted(found)
        # A bulk change: a tenth of the claims share one instant, with claims changed after it.
        when, size = s.execute(
            text("SELECT updated_at, count(*) FROM claim GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        ).one()
        assert 0.06 * 400 <= size <= 0.14 * 400
        newer = s.execute(
            text("SELECT count(*) FROM claim WHERE updated_at > :t"), {"t": when}
        ).scalar_one()
        assert 0.05 * 400 <= newer <= 0.5 * 400
        # Every claim is paged exactly once.
        seen, cursor = [], None
        while True:
            page = query_claims(session=s, after=cursor, limit=97)
            seen += [r.id for r in page.rows]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert sorted(seen) == list(range(1, 401))
