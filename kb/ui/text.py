"""Safe text for markdown: user-supplied strings are escaped before Streamlit renders them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from kb.enums import ReviewStatus

# Every ASCII punctuation mark markdown, Streamlit's directives (:red[...], :emoji:) or LaTeX
# ($...$) could act on gets a backslash, which CommonMark defines as "this character, literally".
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^])")

# What an empty value reads as, in tables (st.dataframe's placeholder) and in text alike: a
# missing section or assignee is "—", never "None".
EMPTY = "—"

Colour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray"]

STATUS_COLOURS: dict[str, Colour] = {
    ReviewStatus.submitted.value: "blue",
    ReviewStatus.under_review.value: "orange",
    ReviewStatus.approved.value: "green",
}


def md(value: Any) -> str:
    """value as markdown that displays exactly its characters (no formatting, links or HTML)."""
    text = "" if value is None else str(value)
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def shown(value: Any) -> str:
    """value as text, or EMPTY when there is none (None or blank)."""
    text = "" if value is None else str(value)
    return text if text.strip() else EMPTY


def status_badge(status: str) -> str:
    """A coloured badge in Streamlit markdown for a review status (a fixed vocabulary)."""
    colour = STATUS_COLOURS.get(status, "gray")
    return f":{colour}-badge[{md(status)}]"


def when(value: datetime | None) -> str:
    """A timestamp as people read it, in UTC."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else EMPTY
