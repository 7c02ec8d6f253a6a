"""Research articles, and the statements in them that report the article's own study.

A research article reports its own methods and results. Those statements have the article
itself as their source: they are claims of kind "own study", which the unsupported-statement
check leaves alone and which a reviewer can approve without a citation. Everything else in the
article (its background, its discussion of other work) is classified and checked as usual.

* An article is a **research article** when its headings name at least two parts of a paper's
  structure (abstract, methods, results, discussion, conclusions), or when at least three of its
  statements say "we" or "our" about doing research ("we analysed", "our results").
* In a research article, a statement that prints no citation marker reports the **own study**
  when the nearest structural heading above it is a methods or results one ("Materials and
  Methods > Animals and housing", "Results", "Statistical analyses"; a heading such as
  "Discussion" nested under "Results" by a plain-text page counts as discussion), or when it
  speaks of the work in the first person or by name ("we measured", "our data show", "in the
  present study").

Pure: takes the parsed statements, returns kinds; no database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.enums import ClaimKind
from kb.ingest.classify import Caseless, guess_kind, lowered
from kb.ingest.records import Statement

_OWN_PART = re.compile(
    r"(?:materials?|patients|subjects|participants)?\s*(?:and\s+)?methods?|methodology|"
    r"study (?:design|population|area)|statistical analys[ie]s|(?:data )?analys[ie]s|data|"
    r"participants|patients|samples?|procedures?|measurements?|results?|findings|conclusions?|"
    r"funding|disclosures?|acknowledge?ments?|conflicts? of interest|author contributions|"
    r"supplementary material",
    re.IGNORECASE,
)
_OTHER_PART = re.compile(
    r"introduction|background|objectives?|aims?|purpose|discussion|limitations?|references|"
    r"implications",
    re.IGNORECASE,
)
_ABSTRACT = re.compile(r"abstract|summary", re.IGNORECASE)
_STRUCTURE = {
    "abstract": re.compile(r"abstract|summary", re.IGNORECASE),
    "methods": re.compile(r".*\bmethod(?:s|ology)\b.*", re.IGNORECASE),
    "results": re.compile(r"results?|findings", re.IGNORECASE),
    "discussion": re.compile(r"discussion", re.IGNORECASE),
    "conclusions": re.compile(r"conclusions?", re.IGNORECASE),
}
# The characters \s matches in ASCII: "we" and one of them starts a first-person report.
_ASCII_SPACES = [c for c in map(chr, range(128)) if c.isspace()]
_WE = Caseless(
    r"\b(?:we|our team)\s+(?:\w+\s+){0,2}?(?:analy[sz]ed|examined|measured|tested|found|observed|"
    r"estimated|defined|used|performed|conducted|recruited|enrolled|included|excluded|"
    r"randomi[sz]ed|compared|calculated|assessed|investigated|identified|collected|extracted|"
    r"fitted|adjusted|re-?ran|set out|obtained|report|show|demonstrate|detected|quantified|"
    r"hypothesi[sz]ed|sought|aimed|studied|surveyed|interviewed|followed)\b",
    needs=("our team", *(f"we{space}" for space in _ASCII_SPACES)),
)
_OUR_WORK = Caseless(
    r"\bour (?:study|studies|results?|data|findings|analys[ie]s|sample|cohort|trial|"
    r"experiments?|survey|model)\b|"
    r"\b(?:the|this) (?:present|current) (?:study|analysis|work|experiment)\b|"
    r"\bin this (?:study|analysis|trial|experiment)\b|"
    r"^in (?:conclusion|summary)\b|\b(?:observed|reported|found|shown|described) here\b|"
    r"\b(?:these|our) (?:findings|results|data|estimates)\b",
    needs=("our ", "present ", "current ", "in this ", "in conclusion", "in summary", " here",
           "these "),
)  # fmt: skip


def _speaks_of_own_work(text: str) -> bool:
    """Whether the text speaks of the work in the first person: "we measured", "our data show"."""
    low = lowered(text)
    return _WE.search(text, low) or _OUR_WORK.search(text, low)


def _parts(section: str | None) -> list[str]:
    return [p.strip() for p in (section or "").split(" > ") if p.strip()]


def _nearest_part(section: str | None) -> str | None:
    """'own' or 'other' for the deepest structural heading of the path; None when there is none.
    The whole abstract is the article's summary of itself."""
    parts = _parts(section)
    if any(_ABSTRACT.fullmatch(p) for p in parts):
        return "own"
    for part in reversed(parts):
        if _OTHER_PART.fullmatch(part):
            return "other"
        if _OWN_PART.fullmatch(part):
            return "own"
    return None


def is_research_article(statements: Sequence[Statement], sections: Sequence[str]) -> bool:
    """True when the headings follow a paper's structure or the text reports its own research."""
    names = {p for s in sections for p in _parts(s)}
    parts = {key for key, pattern in _STRUCTURE.items() for n in names if pattern.fullmatch(n)}
    if len(parts) >= 2:
        return True
    return sum(1 for s in statements if _speaks_of_own_work(s.text)) >= 3


def reports_own_study(statement: Statement) -> bool:
    """In a research article: whether the statement reports the article's own methods or results."""
    if statement.markers:
        return False
    return _nearest_part(statement.section) == "own" or _speaks_of_own_work(statement.text)


def claim_kinds(statements: Sequence[Statement], sections: Sequence[str]) -> list[ClaimKind]:
    """The kind of each statement: "own study" for a research article's own methods and
    results, else the guess of kb.ingest.classify."""
    research = is_research_article(statements, sections)
    return [
        ClaimKind.own_study if research and reports_own_study(s) else guess_kind(s.text)
        for s in statements
    ]
