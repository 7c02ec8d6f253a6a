"""Many people acting on the same claims at once: exactly one wins each conflict.

8 workers (threads on SQLite, spawned processes on PostgreSQL, each with its own engine) race
over the same 50 claims, twice: every worker starts a review with the version it read before
anyone acted (one winner, seven StaleVersion), then every worker approves with the version it
reads just before acting (one winner; the others StaleVersion, or InvalidTransition when they
read after the winner). No "database is locked" or other OperationalError may reach a caller,
and the event log must agree with the final state.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from kb.db import make_engine
from kb.errors import InvalidTransition, StaleVersion
from kb.models import Claim, ReviewEvent, User
from kb.services import review
from tests import factories as f

WORKERS = 8
CLAIMS = 50


def _attempt(engine: Any, call: Callable[[Session], object]) -> str:
    with Session(engine, expire_on_commit=False) as s:
        try:
            call(s)
        except StaleVersion:
            return "stale"
        except InvalidTransition:
            return "invalid"
        except Exception as exc:  # anything else is a failure the test reports
            return f"other: {type(exc).__name__}: {exc}"
    return "ok"


def worker(
    url: str, index: int, actor_id: int, claim_ids: list[int], barrier: Any, out: Any
) -> None:
    """One person: read, wait for everyone, start reviews; wait; read-then-approve each claim."""
    results: list[tuple[str, int, str]] = []
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            actor = s.get(User, actor_id)
            seen = dict(s.exec(select(Claim.id, Claim.version)).all())
        assert actor is not None
        rng = random.Random(index)
        order = list(claim_ids)
        rng.shuffle(order)
        barrier.wait()
        for cid in order:
            outcome = _attempt(
                engine,
                lambda s, cid=cid: review.start_review(
                    session=s, actor=actor, claim_id=cid, seen_version=seen[cid]
                ),
            )
            results.append(("start", cid, outcome))
        barrier.wait()
        rng.shuffle(order)
        for cid in order:
            with Session(engine) as s:
                version = s.exec(select(Claim.version).where(Claim.id == cid)).one()
            outcome = _attempt(
                engine,
                lambda s, cid=cid, v=version: review.approve(
                    session=s, actor=actor, claim_id=cid, seen_version=v
                ),
            )
            results.append(("approve", cid, outcome))
    except Exception as exc:
        results.append(("worker", -1, f"other: {type(exc).__name__}: {exc}"))
    finally:
        engine.dispose()
        out.put((index, results))


def _setup(url: str) -> tuple[list[int], list[int]]:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        author = f.user(s, "editor")
        reviewers = [f.user(s, "reviewer").id or 0 for _ in range(WORKERS)]
        art = f.article(s)
        claim_ids = [
            f.claim(s, art=art, author=author, kind="background", position=i).id or 0
            for i in range(1, CLAIMS + 1)
        ]
    engine.dispose()
    return reviewers, claim_ids


def _run_threads(url: str, reviewers: list[int], claim_ids: list[int]) -> list[Any]:
    barrier = threading.Barrier(WORKERS)
    out: queue.Queue[Any] = queue.Queue()
    threads = [
        threading.Thread(target=worker, args=(url, i, reviewers[i], claim_ids, barrier, out))
        for i in range(WORKERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return [out.get(timeout=5) for _ in range(WORKERS)]


def _run_processes(url: str, reviewers: list[int], claim_ids: list[int]) -> list[Any]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(url, i, reviewers[i], claim_ids, barrier, out))
        for i in range(WORKERS)
    ]
    for p in procs:
        p.start()
    # Drain the queue before joining: a child blocks on exit until its results are read.
    got = [out.get(timeout=120) for _ in range(WORKERS)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return got


def _check(url: str, reviewers: list[int], claim_ids: list[int], got: list[Any]) -> None:
    results = [(index, *r) for index, rs in got for r in rs]
    others = [r for r in results if r[3].startswith("other")]
    assert others == []
    assert len(results) == 2 * WORKERS * CLAIMS
    for phase, allowed in (("start", {"stale"}), ("approve", {"stale", "invalid"})):
        wins = Counter(cid for _, ph, cid, o in results if ph == phase and o == "ok")
        assert wins == Counter({cid: 1 for cid in claim_ids}), phase
        losses = {o for _, ph, _, o in results if ph == phase and o != "ok"}
        assert losses <= allowed, phase
    winner = {(ph, cid): reviewers[index] for index, ph, cid, o in results if o == "ok"}
    engine = make_engine(url)
    with Session(engine) as s:
        for cid in claim_ids:
            c = s.get(Claim, cid)
            assert c is not None
            assert (c.status, c.version) == ("Approved", 3)
            assert c.assignee_id == winner[("start", cid)]
            assert c.approved_by == winner[("approve", cid)]
            evs = s.exec(
                select(ReviewEvent).where(ReviewEvent.claim_id == cid).order_by(ReviewEvent.id)  # type: ignore[arg-type]
            ).all()
            assert [
                (e.action, e.from_status, e.to_status, e.claim_version, e.actor_id) for e in evs
            ] == [
                ("start review", "Submitted", "Under Review", 2, winner[("start", cid)]),
                ("approve", "Under Review", "Approved", 3, winner[("approve", cid)]),
            ]
    engine.dispose()


@pytest.mark.slow
def test_race_on_sqlite_threads(sqlite_url: str) -> None:
    reviewers, claim_ids = _setup(sqlite_url)
    got = _run_threads(sqlite_url, reviewers, claim_ids)
    _check(sqlite_url, reviewers, claim_ids, got)


@pytest.mark.slow
@pytest.mark.postgres
def test_race_on_postgres_processes(pg_url: str) -> None:
    reviewers, claim_ids = _setup(pg_url)
    got = _run_processes(pg_url, reviewers, claim_ids)
    _check(pg_url, reviewers, claim_ids, got)
