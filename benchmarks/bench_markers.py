"""Citation markers in one long paragraph: reading them must cost time linear in their number.

An article whose body is a single paragraph of M sentences, each carrying one printed marker, is
parsed with `kb.ingest.parse_article`, and so is the same article with 4M sentences, timed
alternately. Linear work takes 4x as long for 4x the markers, quadratic work 16x; the goal is
ratio <= 5. Two printed styles:

* brackets, the paragraph on one line: `[3]`, `[2, 5]`, `[4-6]`, linked ranges `[4]–[7]`,
  `<sup>3</sup>`, superscripts;
* without brackets, one sentence per line (a hard-wrapped Markdown paragraph): superscripts,
  parentheses `(3).`, numbers glued to the sentence end ("pathways.3 Next"), and exponents
  that are not markers ("10⁹/L", "kg/m²").

The bracket article is also ingested whole (`kb.services.ingest.ingest_article`: claims,
citations, review events, measures and checks) into a fresh, migrated SQLite database, M against
4M. M: KB_BENCH_MARKERS (default 8000, the issue's size; 32,000 bracket markers make a 1.95 MB
article, near parse_article's 2,000,000-character limit); timed runs: KB_BENCH_MARKERS_RUNS
(default 7, ingestion at most 3). With M = 2,000 the smaller article is read without a full
collection of Python's garbage collector and the larger one with one, so the ratio is 4.3-4.8
where the code alone gives 4.0; from M = 8,000 on, both sizes pay their share.

    python -m benchmarks.bench_markers
"""

from __future__ import annotations

import os
import random
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
from kb.migrate import upgrade  # noqa: E402
from kb.services.ingest import ingest_article  # noqa: E402
from kb.services.references import import_bib  # noqa: E402
from kb.services.users import add_user, get_user_by_email  # noqa: E402

REFERENCES = 50
RUNS = int(os.environ.get("KB_BENCH_MARKERS_RUNS", "7"))
INGEST_RUNS = min(RUNS, 3)
TARGET = 5.0
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _bracket_sentence(i: int, k: int) -> str:
    nxt, last = k % REFERENCES + 1, min(k + 2, REFERENCES)
    forms = [
        f"Treatment {i} reduced pain in cohort {i} [{k}].",
        f"Exercise plan {i} was offered before opioids [{k}, {nxt}].",
        f"In {20 + i % 300} patients of group {i}, VAS fell from 7.4 ± 2.3 to 2.8 ± 2.4 "
        f"(p < 0.05) [{k}]–[{last}].",
        f"Therapy {i} acts on central pathways<sup>{k}</sup> in stenosis.",
        f"Yoga programme {i} helps some people [{max(k - 2, 1)}-{k}].",
        f"Walking plan {i} lowered pain scores in study {i}.{str(k).translate(_SUPERSCRIPT)}",
    ]
    return forms[i % len(forms)]


def _plain_sentence(i: int, k: int) -> str:
    forms = [
        f"Treatment {i} reduced pain in cohort {i}.{str(k).translate(_SUPERSCRIPT)}",
        f"Exercise plan {i} was offered before opioids ({k}).",
        f"Therapy {i} acts on central pathways.{k}",
        f"Stimulation {i} changed counts of 10⁹/L and kg/m² in the treated group"
        f"{str(k).translate(_SUPERSCRIPT)}.",
    ]
    return forms[i % len(forms)]


def long_paragraph_article(markers: int, *, brackets: bool = True, seed: int = 0) -> str:
    """A title, one paragraph of `markers` sentences with one marker each, a numbered list."""
    rng = random.Random(seed)
    sentence = _bracket_sentence if brackets else _plain_sentence
    sentences = [sentence(i, rng.randint(1, REFERENCES)) for i in range(markers)]
    paragraph = (" " if brackets else "\n").join(sentences)
    lines = ["# One long paragraph", "", paragraph, "", "## References", ""]
    lines += [
        f"{n}. Author A, Writer B. Trial {n} of exercise for back pain. J Pain Res "
        f"2010;{n}:1-9. doi:10.5555/kbm.{n}"
        for n in range(1, REFERENCES + 1)
    ]
    return "\n".join(lines) + "\n"


def _library() -> str:
    return "\n".join(
        f"@article{{m{n}, title={{Trial {n} of exercise for back pain}}, year={{2010}}, "
        f"doi={{10.5555/kbm.{n}}}, studytype={{rct}}}}"
        for n in range(1, REFERENCES + 1)
    )


def _parse_row(m: int, brackets: bool) -> dict[str, Any]:
    small = long_paragraph_article(m, brackets=brackets)
    large = long_paragraph_article(4 * m, brackets=brackets)
    found = [len(parse_article(t).statements) for t in (small, large)]
    assert found == [m, 4 * m], found  # one statement per marked sentence, nothing lost
    small_ms, large_ms = paired_median_ms(
        lambda: parse_article(small), lambda: parse_article(large), runs=RUNS
    )
    style = "brackets" if brackets else "superscripts, parentheses, glued numbers"
    return row(
        "markers",
        f"parse one paragraph of {4 * m:,} markers ({style})",
        large_ms,
        baseline=f"the same with {m:,} markers",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def _ingest_row(m: int) -> dict[str, Any]:
    texts = {n: long_paragraph_article(n) for n in (m, 4 * m)}
    times: dict[int, list[float]] = {m: [], 4 * m: []}
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            import_bib(session=session, actor=None, text=_library())
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
                assert len(result.claims) == n, len(result.claims)
                assert len(result.links) == REFERENCES, result.links  # the library was copied
    small_ms = statistics.median(times[m]) * 1000
    large_ms = statistics.median(times[4 * m]) * 1000
    return row(
        "markers",
        f"ingest one paragraph of {4 * m:,} markers into SQLite",
        large_ms,
        engine="sqlite",
        baseline=f"the same with {m:,} markers",
        baseline_ms=small_ms,
        target=f"ratio <= {TARGET:g}",
        ok=large_ms / small_ms <= TARGET,
    )


def run() -> list[dict[str, Any]]:
    """Parse (two printed styles) and ingest M and 4M markers; rows with the ratio 4M / M."""
    m = int(os.environ.get("KB_BENCH_MARKERS", "8000"))
    return [_parse_row(m, brackets=True), _parse_row(m, brackets=False), _ingest_row(m)]


if __name__ == "__main__":
    for r in run():
        print(r)
