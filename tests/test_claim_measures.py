"""A claim without a digit has no measures: the checks skip the parser for it, losing nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.measures import parse_measures
from kb.services.checks import claim_measures

# Words measures are made of, none with an ASCII digit; the characters include every other
# digit-like one (Arabic-Indic, superscripts, fractions, circled numbers).
WORDS = ["p", "P", "<", "=", ">", "≤", "CI", "% CI", "to", "from", "±", "of", "(", ")", "[",
         "]", "%", ";", ",", ".", "mean difference", "odds ratio", "OR", "HR", "RR", "SMD", "n",
         "patients", "months", "follow-up", "×", "−", "-", "–", "VAS", "score", "ten", "twenty",
         "half", "٣", "²", "½", "①", "e-", "x"]  # fmt: skip
TEXT = st.lists(
    st.sampled_from(WORDS)
    | st.text(st.characters(blacklist_characters="0123456789", codec="utf-8"), max_size=8),
    max_size=40,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_a_text_without_an_ascii_digit_reports_no_measure(text: str) -> None:
    assert parse_measures(text) == []
    assert claim_measures(text) == []


def test_a_text_with_digits_is_parsed_as_before() -> None:
    text = "Pain fell from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05); 41 of 82 (50%) improved."
    assert [m.text for m in claim_measures(text)] == [m.text for m in parse_measures(text)]
    assert len(claim_measures(text)) == 2
