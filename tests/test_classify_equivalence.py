"""The claim rules give the same answers as when this fixture was made: a differential test.

tests/data/classify/answers.json.gz holds, for every statement of the shared seed and real
articles, the labelled sentences of tests/test_ingest_kinds.py and test_ingest_unsupported.py,
20,000 sentences of the ingestion benchmark's generator and 20,000 sentences mixed from the rules'
own cue words (both generated here, from fixed seeds), the answers of kb.ingest.classify and
kb.ingest.ownwork: the kind guessed, whether the statement is check-worthy, whether it speaks of
the article's own study, and for each shared article the kinds claim_kinds gives. Keys are
hashes of the text, so no third-party text is stored.

The answers were recorded with the rules before they were made faster; a speed-up must not
change any of them. Regenerate (`python -m tests.test_classify_equivalence`) only when a change
of the rules' results is intended and reviewed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import pytest

from benchmarks.bench_ingest import _sentence
from kb.enums import ClaimKind
from kb.ingest import claim_kinds, guess_kind, is_check_worthy
from kb.ingest.ownwork import reports_own_study
from kb.ingest.parse import parse_document
from kb.ingest.readers import read_document
from kb.ingest.records import Statement
from tests.conftest import SHARED, require_shared
from tests.test_ingest_kinds import TABLE
from tests.test_ingest_unsupported import CLAIMS, NOT_CLAIMS

FIXTURE = Path(__file__).parent / "data" / "classify" / "answers.json.gz"
SHARED_FILES = ["seeds/*.txt", "realdata/articles/*.txt", "realdata/articles/*.nxml"]

# Cue words of every rule, in several cases, with fillers, numbers and tricky characters.
_CUE_TEXT = (
    "should must recommended advised indicated contraindicated first-line appropriate consult "
    "study studies trial trials evidence showed found observed significantly correlates "
    "associated with likely exposed majority meta-analysis cohort participants levels mRNA "
    "mechanism works by pathway signals circuits causes caused triggers hypothesised impairs "
    "damages modulates regulating plays a role binds to receptors inflammation circulation "
    "absorb retrain rewire calm normalize effective efficacy safe benefits risk relief cures "
    "harmful better worse superior inferior lower higher back limbs uncertain unclear unknown "
    "improves reduces decreased increases helps prevents lowered cuts to reduce aim desire "
    "refers to defined as means is a condition is where here's read more back to "
    "hereafter we use we define we analysed we measured our results our data present study "
    "in this study in conclusion these findings side effects adverse mortality because due to "
    "versus vs most best fewer always never proven shown reasons leads to primarily by blocking "
    "by the by a OR RR HR SMD NNT CI mean difference odds ratio one in three times more likely "
    "n = 12 p < 0.05 p=.03 95% CI 40% ± 2019 1998 3 12.5 "
    "patients people adults children many some the a and or of in with for pain spine knee "
    "SHOULD Study EVIDENCE Mechanism İ ı ſ K é ’ “ ” – — - , ; : ( ) [1] "
    "µg β-blockers naïve café ≤ ≥ × Größe ΣΑΣ Øvre"
)
_CUES = _CUE_TEXT.split(" ")
_OPENERS = [
    "", "", "", "If pain persists, ", "Avoid ", "Do not ", "Use ", "Consult ", "Please ",
    "Here is ", "In this article, ", "We ", "Our ", "In summary ", "Book ", "See your ",
    "Talk to your ", "Many patients ", "Most people ", "It ", "This ", "Eat ", "Never ",
]  # fmt: skip
_ENDS = [".", ".", ".", "", "?", "!", '."', ".)", "”", " [2].", ":"]


def mixed_sentences(n: int, seed: int = 14) -> list[str]:
    """n sentences drawn from the cue words: many rules fire together, in varied order."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rng.choice(_CUES) for _ in range(rng.randint(1, 22))]
        if rng.random() < 0.3:
            words = [w.upper() if rng.random() < 0.5 else w.capitalize() for w in words]
        text = rng.choice(_OPENERS) + " ".join(words) + rng.choice(_ENDS)
        out.append(text.capitalize() if rng.random() < 0.5 else text)
    return out


def bench_sentences(n: int, seed: int = 14) -> list[str]:
    """n sentences of the ingestion benchmark's generator, markers left in."""
    rng = random.Random(seed)
    return [_sentence(rng, rng.randint(1, 8)) for _ in range(n)]


_KINDS = ["finding", "recommendation", "mechanism", "background"]


def answer(text: str) -> str:
    """One letter: the kind guessed, check-worthy or not, own study or not (in a research
    article, for a statement without markers or heading)."""
    alone = Statement(position=0, section=None, text=text, markers=[], line=1, is_list_item=False)
    own = reports_own_study(alone)
    code = _KINDS.index(guess_kind(text).value) * 4 + is_check_worthy(text) * 2 + own
    return "abcdefghijklmnop"[code]


def answers(texts: list[str]) -> str:
    return "".join(answer(t) for t in texts)


def texts() -> list[str]:
    labelled = [row[1] for row in TABLE] + NOT_CLAIMS + CLAIMS
    return labelled + bench_sentences(20_000) + mixed_sentences(20_000)


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


def shared_articles() -> dict[str, dict[str, object]]:
    """name -> digest of its statements, their answers, and the kinds claim_kinds gives."""
    found: dict[str, dict[str, object]] = {}
    for pattern in SHARED_FILES:
        for path in sorted(SHARED.glob(pattern)):
            parsed = parse_document(read_document(path.read_bytes(), name=path.name))
            statements = [s.text for s in parsed.statements]
            found[path.name] = {
                "digest": _digest(statements),
                "answers": answers(statements),
                "kinds": "".join(
                    str(list(ClaimKind).index(k))
                    for k in claim_kinds(parsed.statements, parsed.sections)
                ),
            }
    return found


@pytest.fixture(scope="module")
def recorded() -> dict[str, object]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def test_generated_and_labelled_sentences_keep_their_answers(recorded: dict[str, object]) -> None:
    all_texts = texts()
    assert len(all_texts) > 40_000
    got, want = answers(all_texts), recorded["sentences"]
    assert isinstance(want, str) and len(want) == len(all_texts)
    changed = [(t, w, g) for t, w, g in zip(all_texts, want, got, strict=True) if w != g]
    assert changed == [], f"{len(changed)} answers changed, e.g. {changed[:3]}"


def test_the_characters_that_fold_to_ascii_are_all_known() -> None:
    """Caseless is exact only if FOLDS_TO_ASCII names every non-ASCII character that matches an
    ASCII letter when case is ignored."""
    from kb.ingest.classify import FOLDS_TO_ASCII

    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(c))}
    assert found == FOLDS_TO_ASCII


def test_the_mixed_sentences_exercise_every_answer() -> None:
    seen = set(answers(mixed_sentences(20_000)))
    assert len(seen) == 16  # every kind, check-worthy or not, own study or not


def test_shared_articles_keep_their_answers(recorded: dict[str, object]) -> None:
    require_shared(SHARED / "seeds")
    require_shared(SHARED / "realdata" / "articles")
    found = shared_articles()
    assert found == recorded["articles"]
    assert len(found) >= 5


if __name__ == "__main__":
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(FIXTURE, "wt", encoding="utf-8", compresslevel=9) as out:
        record = {"sentences": answers(texts()), "articles": shared_articles()}
        json.dump(record, out, separators=(",", ":"), sort_keys=True)
    print(f"wrote {FIXTURE}", file=sys.stderr)
