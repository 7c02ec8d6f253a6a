"""The numbers a claim reports. Pure: imports only the standard library, scipy and kb.enums;
never kb.services, kb.db or kb.permissions.

- model: ParsedMeasure (fields and printed decimals), printed(), rounding_box()
- numbers: one printed number, found by pattern and read into value and decimals
- intervals: an estimate printed with its CI in any unit, its unit and its kind
- parse: parse_measures(), claim text -> measures in reading order
- consistency: check_measure(), internal consistency allowing for the printed rounding
- source: numbers_missing_from() and numeric_tokens(), found in a cited abstract or not

Imports run one way: model and numbers at the bottom, intervals above them, parse, consistency
and source on top.
"""

from kb.measures.consistency import CheckResult, check_measure
from kb.measures.model import ParsedMeasure, printed, rounding_box
from kb.measures.parse import parse_measures
from kb.measures.source import numbers_missing_from, numeric_tokens

__all__ = [
    "CheckResult",
    "ParsedMeasure",
    "check_measure",
    "numbers_missing_from",
    "numeric_tokens",
    "parse_measures",
    "printed",
    "rounding_box",
]
