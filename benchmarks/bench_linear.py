"""Long claims and long lines: reading them must cost time linear in their size.

Each row times an input of size M against the same kind of input of size 4M, alternately.
Linear work takes 4x as long, quadratic work 16x; the goal is ratio <= 5.

* One claim of M measures: a paragraph of M sentences that ends in a block marker (" 1") is one
  claim, each sentence reporting a measure (pre/post means with SDs, a mean difference with its
  CI and p, a proportion, an odds ratio), with sample sizes and time points to attach. Its
  measures are read with `kb.measures.parse_measures` (M: KB_BENCH_MEASURES, default 2,000), and
  the article is ingested whole into a fresh, migrated SQLite database
  (`kb.services.ingest.ingest_article`: the claim, its measures and checks).
* One sentence of M estimates with their CIs in several units ("6.13 days (95% CI 4.97-7.53);
  OR 1.19 per mg/dl (95% CI 1.04-1.38); ..."), read with `parse_measures` (M:
  KB_BENCH_CIS, default 1,000): what is looked up before each estimate (its kind, its outcome,
  its pain scale) must not grow with the sentence.
* A line of N openings never closed, read with `kb.ingest.parse_article`: `**a ` (bold), `[a `
  (a link's text), `![a ` (an image) (N: KB_BENCH_OPENINGS, default 4,000), and a heading
  "# a" with N spaces inside (N: KB_BENCH_SPACES, default 4,000).
* An article of N headings, each over a one-sentence paragraph, read with `parse_article`
  (N: KB_BENCH_HEADINGS, default 4,000).

Timed runs: KB_BENCH_LINEAR_RUNS (default 7, ingestion at most 3).

    python -m benchmarks.bench_linear
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import paired_median_ms, row  # noqa: E402
from kb.db import make_engine  # noqa: E402
from kb.ingest import parse_article  # noqa: E402
from kb.measures import parse_measures  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.services.ingest import ingest_article  # noqa: E402
from kb.services.users import add_user, get_user_by_email  # noqa: E402

RUNS = int(os.environ.get("KB_BENCH_LINEAR_RUNS", "7"))
INGEST_RUNS = min(RUNS, 3)
TARGET = 5.0
_MEASURED = [
    "In {i} patients, pain on the visual analog scale fell from 7.4 ± 2.3 to 2.8 ± 2.4 "
    "(p < 0.05) over a mean 27-month follow-up.",
    "Rehabilitation had effects on pain (mean difference -1.63; 95% CI: -2.68, -0.57; "
    "p = 0.002) at 12 months.",
    "Pain improved in 72 of 82 (88%) at 12 months.",
    "Falls were fewer (OR 0.68 (0.57–0.81)) in {i} patients after 6 weeks, which was "
    "significant (P=.002).",
]
_ESTIMATES = [
    "{i}.13 days (95% CI {i}.01-{i}.25)",
    "OR 1.19 per mg/dl (95% CI 1.04-1.38)",
    "an efficacy of 95% (95% confidence interval [CI], 90.3%-97.6%)",
    "mean difference -1.63 (95% CI -2.68 to -0.57)",
]
LINES = {
    "unclosed **": ("", "**a ", "end."),
    "unclosed [": ("", "[a ", "end."),
    "unclosed ![": ("", "![a ", "end."),
    "spaces inside a heading": ("# a", " ", "b"),
}


def claim_article(measures: int) -> str:
    """A title and one paragraph of `measures` measured sentences ending in a block marker."""
    sentences = (_MEASURED[i % len(_MEASURED)].format(i=i + 10) for i in range(measures))
    return "# One long claim\n\n" + " ".join(sentences) + " 1\n"


def line_article(kind: str, n: int) -> str:
    """An article whose second line has n openings of `kind` (see LINES) that never close."""
    prefix, piece, suffix = LINES[kind]
    if prefix.startswith("#"):
        return f"# Title\n\n{prefix}{piece * n}{suffix}\n\nPain fell.\n"
    return f"# Title\n\n{prefix}{piece * n}{suffix}\n"


def _measures_row(m: int) -> dict[str, Any]:
    claims = [parse_article(claim_article(n)).statements for n in (m, 4 * m)]
    assert [len(c) for c in claims] == [1, 1], "one claim each"
    small, large = claims[0][0].text, claims[1][0].text
    found = [len(parse_measures(t)) for t in (small, large)]
    assert found == [m, 4 * m], found  # every measure found, nothing lost
    small_ms, large_ms = paired_median_ms(
        lambda: parse_measures(small), lambda: parse_measures(large), runs=RUNS
    )
    return row(
        "linear",
        f"read the measures of one claim of {4 * m:,} measures",
        large_ms,
        baseline=f"the same with {m:,} measures",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def ci_sentence(estimates: int) -> str:
    """One sentence of `estimates` estimates with their CIs, joined by semicolons."""
    parts = (_ESTIMATES[i % len(_ESTIMATES)].format(i=i % 50 + 2) for i in range(estimates))
    return "; ".join(parts) + "."


def _cis_row(m: int) -> dict[str, Any]:
    small, large = ci_sentence(m), ci_sentence(4 * m)
    found = [len(parse_measures(t)) for t in (small, large)]
    assert found == [m, 4 * m], found  # every estimate found, nothing lost
    small_ms, large_ms = paired_median_ms(
        lambda: parse_measures(small), lambda: parse_measures(large), runs=RUNS
    )
    return row(
        "linear",
        f"read one sentence of {4 * m:,} estimates with their CIs",
        large_ms,
        baseline=f"the same with {m:,} estimates",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def _ingest_row(m: int) -> dict[str, Any]:
    texts = {n: claim_article(n) for n in (m, 4 * m)}
    times: dict[int, list[float]] = {m: [], 4 * m: []}
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            add_user(
                session=session, actor=None, email="bench@kb.local", role="editor",
                password="benchmark-password",
            )  # fmt: skip
        engine.dispose()
        for run in range(INGEST_RUNS):
            for n, text in texts.items():  # alternately, each into a fresh copy
                db = Path(tmp) / f"run{run}-{n}.sqlite"
                shutil.copyfile(template, db)
                engine = make_engine(f"sqlite:///{db}")
                with Session(engine, expire_on_commit=False) as session:
                    editor = get_user_by_email(session=session, email="bench@kb.local")
                    start = time.perf_counter()
                    result = ingest_article(session=session, actor=editor, text=text, slug="long")
                    times[n].append(time.perf_counter() - start)
                engine.dispose()
                assert len(result.claims) == 1, len(result.claims)
    small_ms = statistics.median(times[m]) * 1000
    large_ms = statistics.median(times[4 * m]) * 1000
    return row(
        "linear",
        f"ingest one claim of {4 * m:,} measures into SQLite",
        large_ms,
        engine="sqlite",
        baseline=f"the same with {m:,} measures",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def _line_row(kind: str, n: int) -> dict[str, Any]:
    small, large = line_article(kind, n), line_article(kind, 4 * n)
    for text, size in ((small, n), (large, 4 * n)):
        article = parse_article(text)
        read = [*article.sections, *(s.text for s in article.statements)]
        assert max(len(t) for t in read) >= size or kind.startswith("spaces"), "read whole"
        assert article.sections or not kind.startswith("spaces"), "the heading is one"
    small_ms, large_ms = paired_median_ms(
        lambda: parse_article(small), lambda: parse_article(large), runs=RUNS
    )
    return row(
        "linear",
        f"parse a line of {4 * n:,} {kind}",
        large_ms,
        baseline=f"the same with {n:,}",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def headings_article(n: int) -> str:
    """A title and n sections, each a heading over one sentence."""
    sections = (f"## Section {i}\n\nPain fell in group {i}.\n\n" for i in range(n))
    return "# Title\n\n" + "".join(sections)


def _headings_row(n: int) -> dict[str, Any]:
    small, large = headings_article(n), headings_article(4 * n)
    found = [len(parse_article(t).sections) for t in (small, large)]
    assert found == [n, 4 * n], found
    small_ms, large_ms = paired_median_ms(
        lambda: parse_article(small), lambda: parse_article(large), runs=RUNS
    )
    return row(
        "linear",
        f"parse an article of {4 * n:,} headings",
        large_ms,
        baseline=f"the same with {n:,}",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def run() -> list[dict[str, Any]]:
    """One claim of M and 4M measures (read, ingested); one sentence of M and 4M CIs; lines of N
    and 4N openings; N and 4N headings."""
    m = int(os.environ.get("KB_BENCH_MEASURES", "2000"))
    n = int(os.environ.get("KB_BENCH_OPENINGS", "4000"))
    spaces = int(os.environ.get("KB_BENCH_SPACES", "4000"))
    lines = [_line_row(kind, spaces if kind.startswith("spaces") else n) for kind in LINES]
    headings = int(os.environ.get("KB_BENCH_HEADINGS", "4000"))
    cis = int(os.environ.get("KB_BENCH_CIS", "1000"))
    return [_measures_row(m), _ingest_row(m), _cis_row(cis), *lines, _headings_row(headings)]


if __name__ == "__main__":
    for r in run():
        print(r)
