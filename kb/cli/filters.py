"""The claim filter options shared by `kb claim list` and `kb export ...`."""

from __future__ import annotations

from datetime import date

import typer

from kb.errors import InvalidInput
from kb.services.queries import ClaimFilter

ARTICLE = typer.Option(None, "--article", help="Only this article (slug).")
STATUS = typer.Option([], "--status", help="Submitted, Under Review, Approved (repeatable).")
KIND = typer.Option([], "--kind", help="finding, recommendation, mechanism, background, own study.")
STUDY = typer.Option([], "--study-type", help="Study type code of the best support.")
LEVEL = typer.Option([], "--level", help="Evidence level of the best support (1-5).")
FLAG_KIND = typer.Option([], "--flag-kind", help="Has an open flag of this kind.")
OPEN_FLAGS = typer.Option(
    None, "--open-flags/--no-open-flags", help="Only claims with / without open flags."
)
REVIEWER = typer.Option(None, "--reviewer", help="Assigned reviewer's email.")
AUTHOR = typer.Option(None, "--author", help="Author's email.")
FROM = typer.Option(None, "--updated-from", help="Changed on or after YYYY-MM-DD.")
TO = typer.Option(None, "--updated-to", help="Changed on or before YYYY-MM-DD.")
TEXT = typer.Option(None, "--text", "-q", help="Words the claim text contains (all of them).")


def parse_date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value (None when not given), or InvalidInput naming the option."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} must be a date YYYY-MM-DD, got {value!r}") from None


def _many(values: list[str]) -> list[str]:
    # Repeatable and comma-separated both work: --status Submitted,Approved.
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


def filter_options(
    article: str | None = None,
    status: list[str] | None = None,
    kind: list[str] | None = None,
    study_type: list[str] | None = None,
    level: list[str] | None = None,
    flag_kind: list[str] | None = None,
    open_flags: bool | None = None,
    reviewer: str | None = None,
    author: str | None = None,
    updated_from: str | None = None,
    updated_to: str | None = None,
    text: str | None = None,
) -> ClaimFilter:
    """A validated ClaimFilter from the CLI's filter option values."""
    levels = _many(level or [])
    bad = [v for v in levels if not v.isdigit()]
    if bad:
        raise InvalidInput(f"unknown evidence level {bad[0]!r}; allowed: 1, 2, 3, 4, 5")
    return ClaimFilter(
        article=article,
        status=_many(status or []),
        kind=_many(kind or []),
        study_type=_many(study_type or []),
        evidence_level=[int(v) for v in levels],
        flag_kind=_many(flag_kind or []),
        open_flags=open_flags,
        reviewer=reviewer,
        author=author,
        updated_from=parse_date(updated_from, "--updated-from"),
        updated_to=parse_date(updated_to, "--updated-to"),
        text=text,
    )
