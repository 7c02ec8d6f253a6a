"""Read a controlled-vocabulary value the way people type it: "partially supports",
"partially-supports" and "partially_supports" all name the same stance.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from kb.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def _slug(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").replace("/", " ").split())


def slug(member: StrEnum) -> str:
    """The command-line spelling of a vocabulary value ("partially-supports")."""
    return _slug(member.value)


def choose(enum: type[E], value: str | StrEnum, what: str) -> E:
    """The member of enum named by value (its value, its name or either as a slug)."""
    if isinstance(value, enum):
        return value
    wanted = _slug(str(value))
    for member in enum:
        if wanted in (_slug(member.value), _slug(member.name)):
            return member
    choices = ", ".join(slug(m) for m in enum)
    raise InvalidInput(f"unknown {what} {str(value)!r}: choose one of {choices}")
