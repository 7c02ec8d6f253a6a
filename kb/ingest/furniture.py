"""Site furniture: lines a web page prints around the article that are not its content.

Each pattern is a regular expression matched case-insensitively against a whole line (leading
Markdown heading marks, bullets and emphasis removed first). Callers may pass their own list;
``DEFAULT_FURNITURE + (...)`` extends the default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.errors import ImportProblem

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)

DEFAULT_FURNITURE: tuple[str, ...] = (
    # personalisation and review-status widgets (answer pages)
    r"personali[sz]e",
    r"help us tailor your experience",
    r"which best describes you\?.*",
    r"(?:medical advisory board\s*)?all articles are reviewed for accuracy.*",
    r"medical advisory board",
    r"educational purpose only\b.*",
    r"exercise caution as content is pending (?:human )?review.*",
    r"article review status",
    r"(?:review status:?\s*)?(?:submitted|under review|approved|draft|pending review|published)",
    # dates, bylines and editorial links
    _DATE,
    rf"(?:last\s+)?(?:updated|reviewed|modified|published|posted)(?:\s+on)?\s*:?\s*{_DATE}.*",
    r"last (?:updated|reviewed|modified)\b.*",
    r"(?:medically |fact[- ]checked |clinically )?reviewed by\b.{0,80}",
    r"(?:written|posted) by\b.{0,80}",
    r"(?:view )?(?:our )?editorial (?:policy|process|guidelines)",
    r"(?:\d+\s+)?min(?:ute)?s?\s+read",
    # disclaimers
    r"(?:professional\s+|medical\s+|important\s+)*disclaimer:?",
    r"disclaimer:.*",
    r"this information is (?:intended|provided|meant) for\b.*",
    r"this (?:article|content|page|post|blog(?: post)?|website) is (?:intended |provided |meant )?"
    r"for (?:general |educational |informational )+(?:and (?:educational|informational) )?"
    r"(?:purposes?|use) only.*",
    r".*\b(?:assumes|accepts) no (?:liability|responsibility)\b.*",
    r".*\bnot (?:a |intended (?:as a |to be a )?)?substitute for (?:professional )?"
    r"medical advice\b.*",
    r".*\bdoes not (?:constitute|replace) (?:professional )?medical advice\b.*",
    # follow-up / chat prompts
    r"have a (?:follow[- ]?up )?question\??",
    r"ask (?:a|any|your) (?:follow[- ]?up )?question\b.*",
    r"our medical a\.?i\.?\b.*",
    # share, print, navigation
    r"(?:share|print|email|save|bookmark|copy link|tweet|pin it)"
    r"(?: (?:this|the) (?:article|page|post))?",
    r"share (?:on|via|to) .{1,40}",
    r"(?:facebook|twitter|x|linkedin|pinterest|whatsapp|reddit)",
    r"(?:read more|learn more|see more|show more|back to top|skip to (?:main )?content)\.?",
    r"(?:related|recommended|popular) (?:articles?|posts?|reading|content)",
    r"table of contents|contents|in this article",
    r"advertisement|sponsored(?: content)?",
    r"was this (?:article|page|answer|information) helpful\??",
    r"(?:leave a |post a )?comments?(?: \(\d+\))?",
    r"tags?:.*",
    r"(?:subscribe|sign up)\b.{0,80}(?:newsletter|updates|emails?)\b.*",
    r".*\bwe use cookies\b.*",
    r"(?:call us|contact us|book (?:an|your) appointment|request an appointment"
    r"|schedule (?:an|your) (?:appointment|consultation))\b.{0,80}",
)

_DECORATION = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|(?:[-*+•·▪●◦‣–—]\s+))?")


def compile_furniture(patterns: Sequence[str] | None) -> list[re.Pattern[str]]:
    """Compile furniture patterns; a broken one is an ImportProblem that names it."""
    compiled: list[re.Pattern[str]] = []
    for pattern in DEFAULT_FURNITURE if patterns is None else patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except (re.error, TypeError) as exc:
            message = f"Furniture pattern {pattern!r} is not a regular expression: {exc}"
            raise ImportProblem(message) from exc
    return compiled


def is_furniture(line: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    """True when the whole line (decoration removed) matches one of the furniture patterns."""
    bare = _DECORATION.sub("", line, count=1)
    bare = bare.replace("**", "").replace("__", "").strip()
    if not bare:
        return False
    return any(p.fullmatch(bare) for p in patterns)
