"""ClaimFilter: what to show, its values validated and normalized (aliases, dates, words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kb.enums import STUDY_TYPES, ClaimKind, FlagKind, ReviewStatus
from kb.errors import InvalidInput
from kb.services.fulltext import search_words


def _pick(values: list[str], allowed: dict[str, str], what: str) -> list[str]:
    """Normalize values against allowed (lower-case alias -> canonical) or name the bad one."""
    out = []
    for v in values:
        canonical = allowed.get(str(v).strip().lower())
        if canonical is None:
            choices = ", ".join(sorted(set(allowed.values())))
            raise InvalidInput(f"unknown {what} {v!r}; allowed: {choices}")
        if canonical not in out:
            out.append(canonical)
    return out


def _aliases(values: list[str], names: list[str] | None = None) -> dict[str, str]:
    table = {v.lower(): v for v in values}
    for name, value in zip(names or [], values, strict=False):
        table[name.lower()] = value
        table[name.lower().replace("_", "-")] = value
    return table


_STATUSES = _aliases([s.value for s in ReviewStatus], [s.name for s in ReviewStatus])
_KINDS = _aliases([k.value for k in ClaimKind], [k.name for k in ClaimKind])
_STUDY_TYPES = _aliases([s.code for s in STUDY_TYPES])
_FLAG_KINDS = _aliases([k.value for k in FlagKind], [k.name for k in FlagKind])
_LEVELS = sorted({s.level for s in STUDY_TYPES if s.level is not None})


@dataclass
class ClaimFilter:
    """What to show; empty lists and None mean "any". Validated and normalized on creation."""

    article: str | None = None
    status: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    study_type: list[str] = field(default_factory=list)
    evidence_level: list[int] = field(default_factory=list)
    flag_kind: list[str] = field(default_factory=list)
    open_flags: bool | None = None
    reviewer: str | None = None
    # Not assigned to this account (unassigned included): "Under Review by others".
    not_reviewer: str | None = None
    author: str | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        self.status = _pick(list(self.status), _STATUSES, "status")
        self.kind = _pick(list(self.kind), _KINDS, "kind")
        self.study_type = _pick(list(self.study_type), _STUDY_TYPES, "study type")
        self.flag_kind = _pick(list(self.flag_kind), _FLAG_KINDS, "flag kind")
        levels = []
        for level in self.evidence_level:
            try:
                value = int(level)
            except (TypeError, ValueError):
                value = -1
            if value not in _LEVELS:
                raise InvalidInput(
                    f"unknown evidence level {level!r}; allowed: {', '.join(map(str, _LEVELS))}"
                )
            levels.append(value)
        self.evidence_level = sorted(set(levels))
        for name in ("updated_from", "updated_to"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                raise InvalidInput(f"{name} must be a date (YYYY-MM-DD), got {value!r}")
        if self.updated_from and self.updated_to and self.updated_from > self.updated_to:
            raise InvalidInput("updated_from is after updated_to")
        self.text = self.text.strip() if self.text and self.text.strip() else None
        if self.text is not None and not search_words(self.text):
            raise InvalidInput(f"search text {self.text!r} has no words to search for")
        self.article = self.article.strip() if self.article else None
        self.reviewer = self.reviewer.strip().lower() if self.reviewer else None
        self.not_reviewer = self.not_reviewer.strip().lower() if self.not_reviewer else None
        self.author = self.author.strip().lower() if self.author else None
