"""Measure parsing gives the same results as when this fixture was made: a differential test.

tests/data/measures/answers.json.gz holds, for every string literal with a digit in
tests/test_measures.py and tests/test_measures_cis.py, 20,000 sentences of the ingestion
benchmark's generator, 20,000 sentences mixed here from CI labels, units, separators, p-values,
sample sizes, percentages and pre/post means (both from fixed seeds), and every statement of the
shared seed and real articles: a short hash of every field of every measure parse_measures finds,
with the verdict of check_measure. Keys are hashes, so no third-party text is stored.

The results were recorded with the parser before it was made faster; a speed-up must not change
any of them. Regenerate (`python -m tests.test_measures_equivalence`) only when a change of the
parser's results is intended and reviewed.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import random
import sys
from pathlib import Path

import pytest

from benchmarks.bench_ingest import _sentence
from kb.ingest.parse import parse_document
from kb.ingest.readers import read_document
from kb.measures import check_measure, parse_measures
from tests.conftest import SHARED, require_shared

FIXTURE = Path(__file__).parent / "data" / "measures" / "answers.json.gz"
SHARED_FILES = ["seeds/*.txt", "realdata/articles/*.txt", "realdata/articles/*.nxml"]
_HERE = Path(__file__).parent

_LABELS = ["95% CI", "95% CI:", "95%CI", "95 % CI", "CI 95%", "95% CI =", "95% CI,", "CI95",
           "95% confidence interval", "95% confidence interval [CI],", "95% credible interval",
           "95% CrI", "90% CI", "99% CI", "CI", "95% CI [", "(95% CI",
           "confidence interval"]  # fmt: skip
_SEPARATORS = ["-", "–", "—", " to ", ", ", "; ", " – ", " and ", "−"]
_UNITS = ["", " days", "%", " kg", " mg/dl", " per year", " per 1000 person-years", " cases",
          " points", " mmHg"]  # fmt: skip
_LEADS = ["", "OR ", "HR ", "RR ", "SMD ", "a median of ", "mean ", "an estimated ", "prevalence ",
          "MD ", "mean difference ", "odds ratio ", "risk ratio ", "hazard ratio "]  # fmt: skip
_P = ["", "", "p < 0.05", "P = .03", "p=0.001", "p < .0001", "P > 0.05", "p = 0.12", "p ≤ 0.01"]
_FILLERS = ["patients", "in", "the", "group", "pain", "at 12 weeks", "after 6 months", "n = 48",
            "(n=1,204)", "n = 12", "12 of 40", "35%", "40.5 %", "from", "to", "versus", "vs",
            "[3]", "(2019)", "VAS", "0-10", "scale", "reduced", "increased", "by",
            ";", ","]  # fmt: skip


def _number(rng: random.Random) -> str:
    sign = rng.choice(["", "", "", "-", "−"])
    return sign + f"{rng.uniform(0, 120):.{rng.randint(0, 3)}f}"


def _piece(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        est, lo, hi = _number(rng), _number(rng), _number(rng)
        unit = rng.choice(_UNITS)
        brackets = rng.choice(["()", "[]", "{}", ", ", "; "])
        inner = f"{rng.choice(_LABELS)} {lo}{unit if rng.random() < 0.3 else ''}"
        inner += f"{rng.choice(_SEPARATORS)}{hi}{unit if rng.random() < 0.3 else ''}"
        if rng.random() < 0.3:
            inner += f"; {rng.choice(_P)}"
        return f"{rng.choice(_LEADS)}{est}{unit} {brackets[0]}{inner}{brackets[1:]}"
    if r < 0.5:
        pm = rng.choice(["±", "+/-", "(SD", "SD"])
        return (
            f"from {_number(rng)} {pm} {_number(rng)} to {_number(rng)} {pm} {_number(rng)}"
            + rng.choice(["", ")", " points"])
        )
    if r < 0.6:
        return rng.choice(_P) or "p = 0.04"
    if r < 0.7:
        return f"{rng.randint(0, 300)}/{rng.randint(1, 400)} ({rng.uniform(0, 100):.1f}%)"
    return " ".join(rng.choice(_FILLERS) for _ in range(rng.randint(1, 6)))


def mixed_sentences(n: int, seed: int = 14) -> list[str]:
    """n sentences mixed from the printed parts of measures, in varied order."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [_piece(rng) for _ in range(rng.randint(1, 5))]
        out.append(rng.choice(["", "Pain fell ", "The trial found "]) + " ".join(parts) + ".")
    return out


def bench_sentences(n: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    return [_sentence(rng, rng.randint(1, 8)) for _ in range(n)]


def labelled() -> list[str]:
    """Every string literal with a digit in the measure tests, in file order."""
    found: list[str] = []
    for name in ["test_measures.py", "test_measures_cis.py"]:
        tree = ast.parse((_HERE / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and any(c.isdigit() for c in text) and text not in found:
                found.append(text)
    return found


def result(text: str) -> str:
    """Short hash of every field of every measure found, with its verdict."""
    rows = []
    for m in parse_measures(text):
        check = check_measure(m)
        rows.append([repr(sorted(m.as_row().items())), check.ok, check.problems, check.explanation])
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:8]


def results(texts: list[str]) -> list[str]:
    return [result(t) for t in texts]


def texts() -> list[str]:
    return labelled() + bench_sentences(20_000) + mixed_sentences(20_000)


def shared_articles() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pattern in SHARED_FILES:
        for path in sorted(SHARED.glob(pattern)):
            parsed = parse_document(read_document(path.read_bytes(), name=path.name))
            statements = [s.text for s in parsed.statements]
            digest = hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]
            found[path.name] = [digest, *results(statements)]
    return found


@pytest.fixture(scope="module")
def recorded() -> dict[str, object]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def test_labelled_and_generated_sentences_keep_their_measures(recorded: dict[str, object]) -> None:
    all_texts = texts()
    assert len(all_texts) > 40_000
    want = recorded["sentences"]
    assert isinstance(want, list) and len(want) == len(all_texts)
    got = results(all_texts)
    changed = [t for t, w, g in zip(all_texts, want, got, strict=True) if w != g]
    assert changed == [], f"{len(changed)} results changed, e.g. {changed[:3]}"


def test_the_generated_sentences_exercise_the_parser() -> None:
    empty = result("")
    mixed = mixed_sentences(2_000)
    assert sum(result(t) != empty for t in mixed) > 1_500
    assert len({result(t) for t in mixed}) > 1_500


def test_shared_articles_keep_their_measures(recorded: dict[str, object]) -> None:
    require_shared(SHARED / "seeds")
    require_shared(SHARED / "realdata" / "articles")
    found = shared_articles()
    assert found == recorded["articles"]
    assert len(found) >= 5


if __name__ == "__main__":
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(FIXTURE, "wt", encoding="utf-8", compresslevel=9) as out:
        record = {"sentences": results(texts()), "articles": shared_articles()}
        json.dump(record, out, separators=(",", ":"), sort_keys=True)
    print(f"wrote {FIXTURE}", file=sys.stderr)
