"""Claim browser and text search against their naive baselines, in one run.

Claims browser: filters + first page (citation and flag counts from the stored summary) + total
count, through kb.services.queries; page 2,000 by keyset against page 1, and against OFFSET and
a LEFT JOIN + GROUP BY page. Text search: FTS5 / tsvector against LIKE '%word%'.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlmodel import Session

from benchmarks.common import bench_engine, median_ms, paired_median_ms, row
from kb.services.queries import (
    CLAIM,
    ClaimFilter,
    count_claims,
    cursor_for_claim,
    encode_cursor,
    query_claims,
)

BROWSER = ClaimFilter(status=["Under Review"], kind=["finding"], evidence_level=[1, 2])
RARE_WORD = "zoratinib"  # about one claim in a thousand (benchmarks/generate.py)
DEEP_PAGE = 2_000
PAGE = 50
# Pages compared with each other differ by a few per cent: more runs than the default 31
# (a page takes about a millisecond) keep the medians' noise below that.
PAIRED_RUNS = 201

OFFSET_PAGE = """
SELECT claim.id, claim.text, claim.status, claim.best_level, claim.open_flag_count
FROM claim ORDER BY claim.updated_at DESC, claim.id DESC LIMIT 50 OFFSET :offset
"""
GROUP_BY_PAGE = """
SELECT claim.id, claim.text, claim.status, count(DISTINCT citation.id) AS citations,
       count(DISTINCT flag.id) AS open_flags
FROM claim
LEFT JOIN citation ON citation.claim_id = claim.id
LEFT JOIN flag ON flag.claim_id = claim.id AND flag.status = 'open'
WHERE claim.status = 'Under Review' AND claim.kind = 'finding' AND claim.best_level IN (1, 2)
GROUP BY claim.id, claim.text, claim.status, claim.updated_at
ORDER BY claim.updated_at DESC, claim.id DESC LIMIT 50
"""
LIKE_PAGE = """
SELECT claim.id FROM claim WHERE claim.text LIKE :pattern
ORDER BY claim.updated_at DESC, claim.id DESC LIMIT 50
"""


def _tie_page(s: Session) -> tuple[int, int]:
    """(a page in the middle of the largest run of claims changed at one instant, its size).

    benchmarks/generate.py stamps a tenth of the claims with one instant (a bulk change): a page
    among them checks that ties on updated_at cost nothing either.
    """
    sql = "SELECT updated_at, count(*) FROM claim GROUP BY updated_at ORDER BY 2 DESC LIMIT 1"
    when, size = s.execute(text(sql)).one()
    newer = s.execute(
        text("SELECT count(*) FROM claim WHERE updated_at > :t"), {"t": when}
    ).scalar_one()
    return (int(newer) + int(size) // 2) // PAGE + 1, int(size)


def run() -> list[dict[str, Any]]:
    """Benchmark rows (empty when run.py gave no database)."""
    engine = bench_engine()
    if engine is None:
        return []
    name = engine.dialect.name
    out = []
    with Session(engine) as s:

        def browser() -> None:
            query_claims(session=s, filters=BROWSER, limit=PAGE)
            count_claims(session=s, filters=BROWSER)

        group_by = median_ms(lambda: s.execute(text(GROUP_BY_PAGE)).all(), runs=7)
        out.append(
            row(
                "claims browser",
                "filters + first page + counts + total",
                median_ms(browser),
                engine=name,
                baseline="LEFT JOIN + GROUP BY page (no total)",
                baseline_ms=group_by,
                target="<= 10 ms",
            )  # fmt: skip
        )
        out[-1]["ok"] = out[-1]["median"] <= 10

        def cursor_before(page: int) -> str:
            # The last claim of the page before: the cursor a user paging down would hold.
            last = s.execute(text(OFFSET_PAGE), {"offset": (page - 1) * PAGE - 1}).all()[0][0]
            return cursor_for_claim(session=s, claim_id=last)

        def compare(
            case: str, baseline: str, fa: Any, fb: Any, allowance: float | None = None
        ) -> float:
            """A row for fb against fa, timed alternately; fb's median. allowance: the target
            ratio (<=), or None to report only."""
            base, measured = paired_median_ms(fa, fb, runs=PAIRED_RUNS)
            target = (
                {}
                if allowance is None
                else {"target": f"ratio <= {allowance}", "ok": measured <= base * allowance}
            )
            out.append(row("claims browser", case, measured, engine=name, baseline=baseline,
                           baseline_ms=base, **target))  # fmt: skip
            return measured

        def page_after(cursor: str | None) -> Any:
            return lambda: query_claims(session=s, after=cursor, limit=PAGE)

        # A page after a cursor runs page 1's single index seek (SQLite: queries.PAGE_KEY_SQL)
        # and also reads the cursor and binds its key: 1-3 % of a page, whatever the depth. The
        # 5 % allowance covers that and the run-to-run noise.
        tie_page, tie_size = _tie_page(s)
        deep = compare(f"page {DEEP_PAGE:,} by keyset", "page 1 by keyset", page_after(None),
                       page_after(cursor_before(DEEP_PAGE)), 1.05)  # fmt: skip
        compare(f"page {tie_page:,} by keyset (among {tie_size:,} claims changed at one instant)",
                "page 1 by keyset", page_after(None), page_after(cursor_before(tie_page)),
                1.05)  # fmt: skip
        # Depth alone: page 2 and page 2,000 both start from a cursor.
        compare(f"page {DEEP_PAGE:,} by keyset", "page 2 by keyset",
                page_after(cursor_before(2)), page_after(cursor_before(DEEP_PAGE)),
                1.05)  # fmt: skip
        # What page 1 lacks: the same 50 rows as page 1, read after a cursor placed just above
        # the newest claim. The difference is the cost of reading a cursor and binding its key.
        newest_at, newest_id = s.execute(
            select(CLAIM.c.updated_at, CLAIM.c.id)
            .order_by(CLAIM.c.updated_at.desc(), CLAIM.c.id.desc())
            .limit(1)
        ).one()
        top = encode_cursor("updated", (newest_at, newest_id + 1))
        compare("page 1's rows after a cursor", "page 1 by keyset", page_after(None),
                page_after(top))  # fmt: skip
        offset = median_ms(
            lambda: s.execute(text(OFFSET_PAGE), {"offset": (DEEP_PAGE - 1) * PAGE}).all(),
            runs=7,
        )
        out.append(
            row(
                "claims browser",
                f"page {DEEP_PAGE:,} by keyset",
                deep,
                engine=name,
                baseline=f"page {DEEP_PAGE:,} by OFFSET",
                baseline_ms=offset,
            )  # fmt: skip
        )
        rare = ClaimFilter(text=RARE_WORD)

        def search() -> None:
            query_claims(session=s, filters=rare, limit=PAGE)

        like = median_ms(
            lambda: s.execute(text(LIKE_PAGE), {"pattern": f"%{RARE_WORD}%"}).all(), runs=5
        )
        found = median_ms(search)
        out.append(
            row(
                "text search",
                f"first page for '{RARE_WORD}' (full-text index)",
                found,
                engine=name,
                baseline="LIKE '%word%' first page",
                baseline_ms=like,
                target="<= 5 ms",
                ok=found <= 5,
            )  # fmt: skip
        )
        total = median_ms(lambda: count_claims(session=s, filters=rare))
        out.append(
            row(
                "text search",
                f"count for '{RARE_WORD}'",
                total,
                engine=name,
                baseline="LIKE '%word%' first page",
                baseline_ms=like,
            )  # fmt: skip
        )
        common = ClaimFilter(text="pain")
        out.append(
            row(
                "text search",
                "first page for 'pain' (a word in 30% of claims)",
                median_ms(lambda: query_claims(session=s, filters=common), runs=7),
                engine=name,
            )  # fmt: skip
        )
    engine.dispose()
    return out
