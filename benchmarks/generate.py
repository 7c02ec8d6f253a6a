"""A synthetic knowledge base at publisher scale, loaded through a bulk path in seconds.

    KB_DATABASE_URL=sqlite:////tmp/kb1m.sqlite python benchmarks/generate.py --claims 1000000

The database is upgraded to the latest schema first and must hold no claims. Per claim: 1.5
citations (one reference per ten claims), realistic statuses and kinds, about one measure per
two findings, one flag per six claims and two review events. The evidence summary columns are
computed here as kb.services.evidence would compute them, so no per-claim refresh is needed.

SQLite: executemany in one transaction with the FTS triggers dropped, then the FTS index filled and
the triggers restored (the facet-count triggers of migration 0003 stay on: one upsert per
claim keeps the totals exact). PostgreSQL: COPY, with the tsvector GIN index built after the
load.

Update times are drawn after creation times, up to the newest instant. A tenth of the claims
share one instant about five months back, as after a bulk change: benchmarks/bench_queries.py
pages through the middle of them. (Before, update times past the newest instant were capped to
it, which put the bulk change on page 1: the first pages then read claims of neighbouring ids,
not the scattered rows a first page holds in use.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from kb.db import make_engine
from kb.enums import STUDY_TYPE_BY_CODE, SUPPORTING_STANCES, Stance
from kb.migrate import upgrade
from kb.services.fulltext import SQLITE_INDEX_ALL_CLAIMS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too
from benchmarks.synthetic import (  # noqa: E402
    CONDITIONS,
    FLAG_KINDS,
    KINDS,
    SECTIONS,
    STANCES,
    STATUSES,
    STUDY_TYPE_WEIGHTS,
    TREATMENTS,
    claim_text,
    weighted,
)

BATCH = 50_000
BULK_TABLES = "'claim', 'citation', 'flag', 'measure', 'review_event'"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
# The bulk change: this share of the claims, changed at one instant this far along the timeline.
BULK_SHARE = 0.1
BULK_AT = 0.85


def ts(dt: datetime, sqlite: bool) -> Any:
    """A timestamp the way the schema stores it (SQLAlchemy's SQLite text format, or tz-aware)."""
    # isoformat is several times faster than strftime, and this runs millions of times.
    return dt.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else dt


class Loader:
    """Bulk insert: executemany on SQLite (one transaction), COPY on PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.sqlite = engine.dialect.name == "sqlite"
        self.raw = engine.raw_connection()
        self.cur = self.raw.cursor()
        if self.sqlite:
            for pragma in ("synchronous = OFF", "cache_size = -1000000", "temp_store = MEMORY"):
                self.cur.execute(f"PRAGMA {pragma}")
            self.cur.execute("BEGIN")

    def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
            return
        with self.cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)

    def execute(self, sql: str) -> None:
        self.cur.execute(sql)

    def commit(self) -> None:
        self.raw.commit() if not self.sqlite else self.cur.execute("COMMIT")
        self.raw.close()


CLAIM_COLS = [
    "id",
    "article_id",
    "position",
    "section",
    "text",
    "text_hash",
    "kind",
    "status",
    "version",
    "markers",
    "author_id",
    "assignee_id",
    "best_level",
    "best_study_type",
    "supporting_count",
    "refuting_count",
    "open_flag_count",
    "approved_at",
    "approved_by",
    "next_review_due",
    "created_at",
    "updated_at",
    "updated_by",
]
CITATION_COLS = [
    "claim_id",
    "reference_id",
    "marker",
    "stance",
    "link_state",
    "quote",
    "created_at",
]
FLAG_COLS = ["claim_id", "kind", "status", "note", "raised_by", "raised_at", "resolved_at"]
MEASURE_COLS = [
    "claim_id",
    "position",
    "kind",
    "text",
    "outcome",
    "pre_mean",
    "pre_sd",
    "post_mean",
    "post_sd",
    "p_value",
    "p_operator",
    "problems",
    "decimals",
]
EVENT_COLS = [
    "claim_id",
    "actor_id",
    "actor_role",
    "action",
    "from_status",
    "to_status",
    "claim_version",
    "created_at",
]


def _users(loader: Loader) -> tuple[list[int], list[int]]:
    rows, editors, reviewers = [], [], []
    for i in range(1, 41):
        role = "editor" if i <= 25 else "reviewer" if i <= 38 else "analyst"
        (editors if role == "editor" else reviewers if role == "reviewer" else []).append(i)
        created = ts(NOW - timedelta(days=1200), loader.sqlite)
        rows.append(
            (i, f"{role}{i}@bench.example.org", f"{role.title()} {i}", role, True, 0, created)
        )
    loader.insert(
        "user", ["id", "email", "name", "role", "is_active", "failed_logins", "created_at"], rows
    )
    return editors, reviewers


def _references(loader: Loader, rng: random.Random, count: int) -> list[tuple[int, str]]:
    codes = weighted(rng, list(STUDY_TYPE_WEIGHTS.items()), count)
    rows, out = [], []
    created = ts(NOW - timedelta(days=1500), loader.sqlite)
    for i, code in enumerate(codes, 1):
        year = rng.randint(1995, 2025)
        title = f"{rng.choice(TREATMENTS).capitalize()} for {rng.choice(CONDITIONS)}: study {i}"
        rows.append(
            (
                i,
                f"ref{i:07d}{year}",
                "article",
                title,
                title.lower()[:500],
                json.dumps([f"Author{rng.randint(1, 9999)} A"]),
                "Spine",
                year,
                f"10.9999/bench.{i}",
                code,
                False,
                "none",
                "{}",
                "",
                "bench",
                created,
                created,
            )
        )
        out.append((i, code))
    loader.insert(
        "reference",
        [
            "id",
            "citekey",
            "entry_type",
            "title",
            "title_norm",
            "authors",
            "journal",
            "year",
            "doi",
            "study_type",
            "study_type_inferred",
            "retraction",
            "raw_fields",
            "content_hash",
            "source",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    return out


def _claim_batches(
    rng: random.Random,
    n: int,
    refs: list[tuple[int, str]],
    editors: list[int],
    reviewers: list[int],
    sqlite: bool,
) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Batches of claims with their citations, flags, measures and events (summary precomputed)."""
    statuses, kinds = weighted(rng, STATUSES, n), weighted(rng, KINDS, n)
    stance_draws = weighted(rng, STANCES, 2 * n)
    batch: dict[str, list[tuple[Any, ...]]] = {
        k: [] for k in ("claim", "citation", "flag", "measure", "review_event")
    }
    # A sorted pool of timestamps, formatted once: formatting millions of datetimes dominated
    # the run. Several claims share each instant, which exercises the keyset's id tie-break,
    # and a tenth of them share the instant of a bulk change (BULK_AT of the way along).
    pool_size = max(1_000, n // 4)
    bulk = int(pool_size * BULK_AT)
    span = 3 * 365 * 86_400
    pool = [
        ts(NOW - timedelta(seconds=span - span * k // pool_size, microseconds=k % 997), sqlite)
        for k in range(pool_size)
    ]
    pool_dates = [NOW - timedelta(seconds=span - span * k // pool_size) for k in range(pool_size)]
    drift = max(1, pool_size // 5)
    r = rng.random
    for i in range(n):
        cid, status, kind = i + 1, statuses[i], kinds[i]
        text = claim_text(rng, kind)
        k_created = int(r() * (pool_size - 1))
        if k_created < bulk and r() < BULK_SHARE / BULK_AT:
            k_updated = bulk
        else:
            k_updated = k_created + int(r() * (min(drift, pool_size - 1 - k_created) + 1))
        created, updated = pool[k_created], pool[k_updated]
        author, reviewer = editors[int(r() * len(editors))], reviewers[int(r() * len(reviewers))]
        first = refs[int(r() * len(refs))]
        cited = [first]
        if r() < 0.5:
            second = refs[int(r() * len(refs))]
            if second != first:
                cited.append(second)
        best: tuple[int, str] | None = None
        supporting = refuting = 0
        for j, (ref_id, code) in enumerate(cited):
            stance = stance_draws[2 * i + j]
            if stance in SUPPORTING_STANCES:
                supporting += 1
                level = STUDY_TYPE_BY_CODE[code].level
                if level is not None and (best is None or (level, code) < best):
                    best = (level, code)
            refuting += stance == Stance.refutes
            batch["citation"].append(
                (cid, ref_id, str(j + 1), stance.value, "confirmed", None, created)
            )
        open_flags = 0
        if r() < 0.17:
            # Approval needs no open flags: approved claims only carry resolved ones.
            flag_status = "resolved" if status == "Approved" or r() < 0.3 else "open"
            open_flags = flag_status == "open"
            resolved = updated if flag_status == "resolved" else None
            batch["flag"].append(
                (
                    cid,
                    FLAG_KINDS[int(r() * len(FLAG_KINDS))],
                    flag_status,
                    None,
                    None,
                    created,
                    resolved,
                )
            )
        if kind == "finding" and r() < 0.5:
            batch["measure"].append(
                (
                    cid,
                    1,
                    "pre/post means",
                    text[:80],
                    "pain intensity",
                    7.4,
                    2.3,
                    2.8,
                    2.4,
                    0.05,
                    "<",
                    "[]",
                    "{}",
                )
            )
        version = {"Submitted": 1, "Under Review": 2, "Approved": 3}[status]
        approved = updated if status == "Approved" else None
        due = (pool_dates[k_updated] + timedelta(days=365)).date() if approved else None
        batch["claim"].append(
            (
                cid,
                i // 20 + 1,
                i % 20 + 1,
                SECTIONS[(i % 20) // 3],
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                kind,
                status,
                version,
                "[]",
                author,
                reviewer if status != "Submitted" else None,
                best[0] if best else None,
                best[1] if best else None,
                supporting,
                refuting,
                int(open_flags),
                approved,
                reviewer if approved else None,
                due.isoformat() if due and sqlite else due,
                created,
                updated,
                reviewer if status != "Submitted" else author,
            )
        )
        events = [(cid, author, "editor", "created", None, "Submitted", 1, created)]
        if status != "Submitted":
            events.append(
                (
                    cid,
                    reviewer,
                    "reviewer",
                    "review started",
                    "Submitted",
                    "Under Review",
                    2,
                    updated,
                )
            )
        if status == "Approved":
            events.append(
                (cid, reviewer, "reviewer", "approved", "Under Review", "Approved", 3, updated)
            )
        batch["review_event"].extend(events)
        if len(batch["claim"]) >= BATCH or i == n - 1:
            yield batch
            batch = {k: [] for k in batch}


def generate(engine: Engine, claims: int, seed: int = 20261122) -> dict[str, float]:
    """Fill an empty, migrated database with `claims` claims; returns timings in seconds."""
    upgrade(engine)
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM claim")).scalar():
            raise SystemExit("the database already holds claims: generate into an empty one")
    rng = random.Random(seed)
    started = time.perf_counter()
    loader = Loader(engine)
    sqlite = loader.sqlite
    # Building an index once after the load is far cheaper than a million random inserts into
    # it. The definitions are read from the database, so they come back exactly as migrated.
    if sqlite:
        loader.cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
            f"(type = 'index' AND tbl_name IN ({BULK_TABLES})) "
            "OR (type = 'trigger' AND name LIKE 'claim_fts%'))"
        )
    else:
        loader.cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
            f"current_schema() AND i.tablename IN ({BULK_TABLES}) AND NOT EXISTS (SELECT 1 "
            "FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
    deferred = list(loader.cur.fetchall())
    for name, sql in deferred:
        kind = "TRIGGER" if sql.upper().startswith("CREATE TRIGGER") else "INDEX"
        loader.execute(f'DROP {kind} "{name}"')
    editors, reviewers = _users(loader)
    refs = _references(loader, rng, max(1, claims // 10))
    n_articles = (claims + 19) // 20
    when = ts(NOW - timedelta(days=1000), sqlite)
    articles = [
        (
            a,
            f"article-{a:06d}",
            f"{rng.choice(CONDITIONS).capitalize()}: guide {a}",
            "",
            "[]",
            False,
            "{}",
            when,
            when,
        )
        for a in range(1, n_articles + 1)
    ]
    loader.insert(
        "article",
        [
            "id",
            "slug",
            "title",
            "source_text",
            "reference_list",
            "reference_list_numbered",
            "marker_map",
            "created_at",
            "updated_at",
        ],
        articles,
    )
    columns = {
        "claim": CLAIM_COLS,
        "citation": CITATION_COLS,
        "flag": FLAG_COLS,
        "measure": MEASURE_COLS,
        "review_event": EVENT_COLS,
    }
    for batch in _claim_batches(rng, claims, refs, editors, reviewers, sqlite):
        for table, rows in batch.items():
            loader.insert(table, columns[table], rows)
    loaded = time.perf_counter()
    for _name, sql in deferred:
        loader.execute(sql)
    if sqlite:
        loader.execute(SQLITE_INDEX_ALL_CLAIMS)
    else:
        for table in ("user", "reference", "article", "claim"):
            loader.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
    loader.commit()
    indexed = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return {
        "load": loaded - started,
        "index": indexed - loaded,
        "analyze": time.perf_counter() - indexed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    engine = make_engine()
    try:
        timings = generate(engine, args.claims, args.seed)
    finally:
        engine.dispose()
    print(
        f"{args.claims:,} claims into {engine.url.render_as_string()}: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
