"""One number as printed: the patterns that find it and the reader that turns it into a value.

Shared by the parser (numbers inside a measure) and the found-in-source check (every number of
a cited abstract), so both read "−1.63", "1,069" and "3×10−4" the same way.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

__all__ = [
    "MAX_DIGITS",
    "MINUS",
    "TooManyDigits",
    "integer",
    "measured",
    "number",
    "read",
    "read_measured",
    "scientific",
]

MINUS = "-\u2212\u2013"  # hyphen, minus sign, and the en dash some PDFs print as a minus
_SEPARATORS = ",\u00a0\u2009\u202f "  # thousands separators: "1,000", "88 657"
# Explicit [0-9]: \d would also take Arabic-Indic and other Unicode digits.
_INT = r"[0-9]{1,3}(?:[,\u00a0\u2009\u202f ][0-9]{3})+(?![0-9])|[0-9]+"
_UNSIGNED = rf"(?:{_INT})(?:\.[0-9]+)?|\.[0-9]+"
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
MAX_DIGITS = 15  # beyond a double's precision a "number" is an identifier, not a measurement
_SEPARATOR = re.compile(f"[{_SEPARATORS}]")
_LEADING_MINUS = re.compile(f"^[{MINUS}]")
_ANY_MINUS = re.compile(f"[{MINUS}]")
_NOT_DIGIT = re.compile(r"[^0-9]")


class TooManyDigits(Exception):
    """A printed number whose digits cannot be a measurement."""


def number(name: str) -> str:
    """Pattern of one signed decimal number, captured as group `name`."""
    # A sign counts only where it cannot be a range dash ("0.57–0.81" is two positive numbers).
    sign = rf"(?:(?<![\w.)\]%])[{MINUS}+](?=[0-9.])|(?<![\w.]))"
    # The lookahead (a sign, a digit or a point) changes no match; it makes a scan reject every
    # other position at once instead of trying the sign's lookbehinds there.
    return rf"(?=[{MINUS}+0-9.])(?P<{name}>{sign}(?:{_UNSIGNED}))(?!\w|\.[0-9])"


def scientific(name: str, name_e: str) -> str:
    """Pattern of a negative power of ten after a number, captured as `name` or `name_e`."""
    # "3×10−4", "3 x 10^-4" and "3e-4": p-values too small for plain decimals.
    power = rf"\s*[×x·]\s*10\s*\^?\s*(?P<{name}>[{MINUS}]\s*[0-9]{{1,3}})"
    return rf"(?:{power}|[eE](?P<{name_e}>-[0-9]{{1,3}}))"


def integer(name: str) -> str:
    """Pattern of a whole count (thousands separators allowed), captured as group `name`."""
    return rf"(?=[0-9])(?<![\w.,])(?P<{name}>{_INT})(?!\w|[.,][0-9])"


def measured(name: str) -> str:
    """Pattern of an estimate or bound: a signed number, "0·72" decimals, a power of ten.

    The number is group `name`, its power group `name_pow` ("2.1 × 10^4", "1.5 × 10⁴",
    "3.2e-5"); read both with read_measured().
    """
    # Right after a ratio's abbreviation too: "OR1.79".
    sign = rf"(?:(?<![\w.)\]%])[{MINUS}+](?=[0-9.·])|(?<![\w.·])|(?<=[OHR]R))"
    unsigned = rf"(?:{_INT})(?:[.·][0-9]+)?|\.[0-9]+"
    power = (
        rf"\s*[×x]\s*10\s*(?:\^\s*(?P<{name}_pow>[{MINUS}+]?[0-9]{{1,3}})"
        rf"|(?P<{name}_sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,3}}))|[eE](?P<{name}_e>[{MINUS}+]?[0-9]{{1,3}})"
    )
    return rf"(?=[{MINUS}+0-9.])(?P<{name}>{sign}(?:{unsigned}))(?:{power})?(?!\w|[.·][0-9])"


def read_measured(match: re.Match[str], name: str) -> tuple[float, int]:
    """Value and printed decimals of a measured(name) match; "2.1 × 10^4" has decimals -3."""
    power = match[f"{name}_pow"] or match[f"{name}_e"] or match[f"{name}_sup"]
    value, decimals = read(match[name].replace("·", "."))
    if not power:
        return value, decimals
    exponent = int(_ANY_MINUS.sub("-", power.translate(_SUPERSCRIPT)))
    mantissa = _SEPARATOR.sub("", match[name].replace("·", "."))
    mantissa = _LEADING_MINUS.sub("-", mantissa).lstrip("+")
    value = float(f"{mantissa}e{exponent}")
    if math.isinf(value) or (value == 0) != (float(mantissa) == 0):
        raise TooManyDigits(match[name])  # "1e999", "1e-999": past a double, not a measurement
    return value, decimals - exponent


@lru_cache(maxsize=4096)
def read(printed: str, exponent: str | None = None) -> tuple[float, int]:
    """Float value and printed decimals of a number as printed (any minus, separators).

    Remembered: a claim's measure reads each of its numbers several times (value, decimals,
    the kind's tests), and an abstract repeats its numbers.
    """
    text = _SEPARATOR.sub("", printed).lstrip("+")
    text = _LEADING_MINUS.sub("-", text)
    if len(_NOT_DIGIT.sub("", text)) > MAX_DIGITS:
        raise TooManyDigits(printed)
    decimals = len(text.split(".")[1]) if "." in text else 0
    value = float(text)
    if exponent:  # always negative: "×10−4", "e-4"
        power = int(_NOT_DIGIT.sub("", exponent))
        value, decimals = value * 10.0**-power, decimals + power
    return value, decimals
