"""Found in source: which printed numbers of a measure a cited abstract or note does not contain."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from kb.measures.model import ParsedMeasure
from kb.measures.numbers import TooManyDigits, number, read, scientific

__all__ = ["numbers_missing_from", "numeric_tokens"]

_TOKEN = re.compile(number("v") + scientific("exp", "exp2") + "?")


def numeric_tokens(text: str) -> list[str]:
    """Every number printed in text, normalised: ASCII minus, no separators, '0.002' for '.002'."""
    out = []
    for match in _TOKEN.finditer(text):
        try:
            value, decimals = read(match["v"], match["exp"] or match["exp2"])
        except (TooManyDigits, ValueError, OverflowError):
            continue
        out.append(f"{value:.{decimals}f}")
    return out


def _decimal(token: str) -> Decimal | None:
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def _exponent(d: Decimal) -> int:
    exponent = d.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def numbers_missing_from(m: ParsedMeasure, source_text: str) -> list[str]:
    """Printed numbers of m not in source_text (sign-blind; a more precise source counts)."""
    # Sign-blind because prose often carries the direction: "fell by 1.63" reports "-1.63".
    source = {abs(d) for d in map(_decimal, numeric_tokens(source_text)) if d is not None}
    missing = []
    for printed_number in m.numbers():
        wanted = _decimal(printed_number)
        if wanted is None or abs(wanted) in source:
            continue
        # The claim may round a more precise source figure ("27.3 months" -> "27 months").
        quantum = Decimal(1).scaleb(_exponent(wanted))
        if not any(
            _exponent(s) < _exponent(wanted)
            and abs(wanted)
            in (s.quantize(quantum, ROUND_HALF_UP), s.quantize(quantum, ROUND_HALF_EVEN))
            for s in source
        ):
            missing.append(printed_number)
    return missing
