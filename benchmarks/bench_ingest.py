"""Article ingestion speed: statements per second into SQLite, and its ratio to parsing alone.

A generated corpus (KB_BENCH_ARTICLES articles, default 1,000, about 50 statements each, with
numbered reference lists resolved by DOI and numbers to parse and check) is (a) parsed with
`kb.ingest.parse_article` alone and (b) ingested with `kb.services.ingest.ingest_article`
(resolution, claims, citations, events, measures, checks, one commit per article) into an
empty, migrated SQLite database. Reports statements/s for (b) and the ratio b/a; the goal is
b/a <= 3 (the work ingestion adds is inserts, resolution and checks).

Each article is parsed alone and then ingested, in turn, so that load drifting on a shared
machine hits (a) and (b) alike.

    KB_BENCH_ARTICLES=300 python -m benchmarks.bench_ingest
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import row  # noqa: E402
from kb.db import make_engine  # noqa: E402
from kb.ingest import parse_article  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.services.ingest import ingest_article  # noqa: E402
from kb.services.references import import_bib  # noqa: E402
from kb.services.users import add_user  # noqa: E402

TOPICS = ["low back pain", "knee osteoarthritis", "migraine", "spinal stenosis", "sciatica"]
TREATMENTS = ["exercise therapy", "spinal cord stimulation", "acupuncture", "yoga", "surgery"]
LIBRARY_SIZE = 500
GOAL = 3.0  # ingestion within 3x the time of parsing alone (issue 14)


def _library() -> str:
    return "\n".join(
        f"@article{{lib{i}, title={{Trial {i} of {TREATMENTS[i % 5]} for {TOPICS[i % 5]}}}, "
        f"year={{{2000 + i % 25}}}, doi={{10.5555/kb.{i}}}, studytype={{rct}}}}"
        for i in range(LIBRARY_SIZE)
    )


def _sentence(rng: random.Random, marker: int) -> str:
    t, topic = rng.choice(TREATMENTS), rng.choice(TOPICS)
    md = rng.uniform(0.2, 2.5)
    se = rng.uniform(0.1, 0.6)
    forms = [
        f"{t.capitalize()} reduced pain in {topic} (mean difference -{md:.2f}; 95% CI "
        f"-{md + 1.96 * se:.2f} to -{max(md - 1.96 * se, 0.01):.2f}) [{marker}].",
        f"Patients with {topic} should be offered {t} before opioids [{marker}].",
        f"In {rng.randint(20, 400)} patients, {t} lowered VAS pain from "
        f"{rng.uniform(6, 8):.1f} ± {rng.uniform(1, 3):.1f} to {rng.uniform(2, 5):.1f} ± "
        f"{rng.uniform(1, 3):.1f} (p < 0.05) [{marker}].",
        f"{t.capitalize()} acts on central pain pathways in {topic} [{marker}].",
        f"Many people live with {topic} for years.",
    ]
    return rng.choice(forms)


def make_article(i: int, statements: int = 50) -> str:
    """One synthetic article with headings, paragraphs, list items and a numbered reference list."""
    rng = random.Random(i)
    refs = rng.sample(range(LIBRARY_SIZE), 8)
    lines = [f"# Evidence summary {i}: {rng.choice(TREATMENTS)} for {rng.choice(TOPICS)}", ""]
    for s in range(statements):
        if s % 10 == 0:
            lines += [f"## Section {s // 10 + 1}", ""]
        text = _sentence(rng, rng.randint(1, len(refs)))
        lines += [f"- {text}" if s % 2 else text, ""]
    lines += ["## References", ""]
    for n, ref in enumerate(refs, 1):
        lines.append(
            f"{n}. Author A, Writer B. Trial {ref} of {TREATMENTS[ref % 5]} for "
            f"{TOPICS[ref % 5]}. J Pain Res {2000 + ref % 25};{ref % 40 + 1}:1-9. "
            f"doi:10.5555/kb.{ref}"
        )
    return "\n".join(lines) + "\n"


def run() -> list[dict[str, Any]]:
    """Parse-only and full ingestion of the corpus; rows with statements/s and the ratio."""
    n = int(os.environ.get("KB_BENCH_ARTICLES", "1000"))
    corpus = [make_article(i) for i in range(n)]
    statements, parse_s, ingest_s = 0, 0.0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'ingest.sqlite'}")
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            import_bib(session=session, actor=None, text=_library())
            editor = add_user(
                session=session, actor=None, email="bench@kb.local", role="editor",
                password="benchmark-password",
            )  # fmt: skip
            for i, text in enumerate(corpus):
                start = time.perf_counter()
                statements += len(parse_article(text).statements)
                parse_s += time.perf_counter() - start
                start = time.perf_counter()
                ingest_article(session=session, actor=editor, text=text, slug=f"a{i}")
                ingest_s += time.perf_counter() - start
        engine.dispose()
    rate = statements / ingest_s
    return [
        row(
            "ingest",
            f"{n:,} articles, {statements:,} statements into SQLite",
            ingest_s * 1000,
            engine="sqlite",
            baseline="parse_article alone",
            baseline_ms=parse_s * 1000,
            target=f"ratio <= {GOAL:g}",
            ok=ingest_s / parse_s <= GOAL,
        ),
        row(
            "ingest",
            "statements per second (full ingestion)",
            rate,
            engine="sqlite",
            unit="statements/s",
        ),  # fmt: skip
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
