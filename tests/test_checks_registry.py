"""The registry of automatic checks: names, scopes, order, and purity (no database anywhere)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from typing import get_args

import pytest

from kb.checks import (
    CHECKS,
    ArticleContext,
    Check,
    CitedSource,
    ClaimContext,
    MeasureCheck,
    Scope,
    Wanted,
    wanted_flags,
)
from kb.measures import parse_measures

# One context that makes every check except "unsupported" and "ambiguous" raise a flag, and one
# for each of those two (they need a claim without citations, an unnumbered reference list).
TEXT = (
    "Exercise reduced pain (mean difference -1.63; 95% CI -2.68, -0.20; p = 0.002) and 12 of "
    "40 patients (35%) improved."
)
CITED = (
    CitedSource("smith2020", "1", "supports", 4, "retracted", "Pain fell by 1.63 in 40 people."),
    CitedSource("jones2021", "2", "partially supports", 5, "none", ""),
)
NUMBERED = ArticleContext({"1": "smith2020"}, reference_count=2, reference_list_numbered=True)
UNNUMBERED = ArticleContext(reference_count=3, reference_list_numbered=False)
FULL = ClaimContext(
    text=TEXT,
    kind="finding",
    markers=("1", "2", "3"),
    cited=CITED,
    measures=tuple(parse_measures(TEXT)),
    article=NUMBERED,
)
BARE = ClaimContext(text="It reduces medication needs by 50%.", kind="finding", article=NUMBERED)
AMBIGUOUS = ClaimContext(text="It helps.", kind="background", markers=("4",), article=UNNUMBERED)
CONTEXTS = (FULL, BARE, AMBIGUOUS)


def _run(check: Check | MeasureCheck, ctx: ClaimContext) -> Wanted:
    if isinstance(check, Check):
        return check.run(ctx)
    out: Wanted = {}
    for position, m in enumerate(ctx.measures, 1):
        out.update(check.run(ctx, position, m))
    return out


def test_names_are_unique_key_prefixes() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names)) == 7
    assert all(name and ":" not in name for name in names)


def test_scopes_are_valid() -> None:
    assert {c.scope for c in CHECKS} <= set(get_args(Scope))
    assert {c.name for c in CHECKS if c.scope == "article"} == {"dangling", "ambiguous"}


def test_order_is_the_order_flags_are_raised_in() -> None:
    # Flags are listed by id: changing this order changes what `kb claim show` prints.
    assert [c.name for c in CHECKS] == [
        "unsupported", "dangling", "ambiguous", "numeric", "notinsource", "retraction", "weak",
    ]  # fmt: skip


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_each_check_raises_only_keys_under_its_name(check: Check | MeasureCheck) -> None:
    found: Wanted = {}
    for ctx in CONTEXTS:
        found.update(_run(check, ctx))
    assert found, "the hand-built contexts should make every check raise a flag"
    assert all(key == check.name or key.startswith(f"{check.name}:") for key in found)


@pytest.mark.parametrize("check", [c for c in CHECKS if c.scope == "claim"], ids=lambda c: c.name)
def test_claim_checks_do_not_read_the_article(check: Check | MeasureCheck) -> None:
    for ctx in CONTEXTS:
        assert _run(check, replace(ctx, article=None)) == _run(check, ctx)


@pytest.mark.parametrize("check", [c for c in CHECKS if c.scope == "article"], ids=lambda c: c.name)
def test_article_checks_need_the_article(check: Check | MeasureCheck) -> None:
    with pytest.raises(ValueError, match="article context"):
        _run(check, replace(FULL, article=None))


def test_wanted_flags_keeps_each_measures_flags_together() -> None:
    want = wanted_flags(FULL)
    assert list(want) == [
        "dangling:3",
        "numeric:1",
        "notinsource:1:smith2020",
        "numeric:2",
        "notinsource:2:smith2020",
        "retraction:smith2020",
        "weak",
    ]
    assert list(wanted_flags(BARE)) == ["unsupported"]
    assert list(wanted_flags(AMBIGUOUS)) == ["ambiguous"]


def test_wanted_flags_is_pure() -> None:
    before = [m.as_row() for m in FULL.measures]
    first = wanted_flags(FULL)
    assert wanted_flags(FULL) == first
    assert [m.as_row() for m in FULL.measures] == before


def test_the_rules_import_no_database_layer() -> None:
    code = (
        "import sys, kb.checks; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlmodel', 'sqlalchemy') "
        "or m in ('kb.db', 'kb.permissions', 'kb.models') or m.startswith('kb.services')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
