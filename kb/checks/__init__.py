"""The automatic checks' rules. Pure: imports only the standard library, kb.enums, kb.ingest and
kb.measures; never kb.services, kb.db, kb.permissions or a database session.

One module per check; each is a function of plain records (kb.checks.context) returning the
flags the claim should carry now, {check key: (flag kind, note)}. kb.checks.registry lists them
in the order their flags are raised; kb.services.checks loads the records from the database,
runs wanted_flags() on every claim and syncs the stored flags with the result.

A check's scope says what it reads, not how often it runs: every check runs once per claim
(per measure for a MeasureCheck), because a flag always belongs to one claim.
- "claim": the claim alone (text, kind, markers, citations with their references, measures);
  it must give the same answer with or without ClaimContext.article.
- "article": the claim together with its article's marker map and printed reference list
  (ClaimContext.article must be set).
- "outcome": reserved for checks that compare the measures of one outcome across studies;
  none exists yet, and the context will carry the outcome's measures when the first one does.
"""

from kb.checks.context import ArticleContext, CitedSource, ClaimContext, Wanted
from kb.checks.registry import CHECKS, Check, MeasureCheck, Scope, wanted_flags

__all__ = [
    "CHECKS",
    "ArticleContext",
    "Check",
    "CitedSource",
    "ClaimContext",
    "MeasureCheck",
    "Scope",
    "Wanted",
    "wanted_flags",
]
