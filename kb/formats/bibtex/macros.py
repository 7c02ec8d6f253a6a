"""BibTeX macros: the month names every style predefines, a library's @string values expanded,
and the @string blocks of a file read into them.
"""

from __future__ import annotations

from collections.abc import Mapping

from bibtexparser.model import String

from kb.formats.bibtex.rules import visible
from kb.formats.bibtex.values import BadValue, expand_raw, macro_names, read_value
from kb.formats.records import Problem

# Predefined by every BibTeX style; names are case-insensitive like all macro names.
MONTHS = {
    m[:3].lower(): m
    for m in [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
}


def expanded_macros(macros: Mapping[str, str] | None) -> dict[str, str]:
    """Expanded macro text by lower-case name (BibTeX macro names ignore case), months included.

    `macros` holds values in raw_fields form, in definition order, e.g. the `strings` of a
    library: each may use the ones before it.
    """
    known: dict[str, str] = dict(MONTHS)
    for name, raw in (macros or {}).items():
        known[name.lower()] = expand_raw(raw, known)[0]
    return known


def read_string(
    block: String,
    line: int | None,
    known: dict[str, str],
    strings: dict[str, str],
    problems: list[Problem],
    unreadable: dict[str, int | None],
    defined: dict[str, int | None],
    library: Mapping[str, int],
) -> None:
    """Define the macro of a @string block, or report why it cannot be defined.

    A @string that uses a macro not defined before it (itself included) is not kept: its
    value would not read back the same, so the entries that use it are reported instead.
    Nor is a second @string of the same name: the library keeps one value per macro, and the
    @strings between the two could not be written back in an order that means the same.
    Nor is one that gives a library macro (`library`: position by name) a value using a
    macro the library defines after it: exported in the library's order, it would not read.
    A macro read is added to `known` (expanded) and `strings` (raw); the others to `problems`.
    """
    name = block.key
    if name.lower() in defined:
        problems.append(
            Problem(
                "duplicate key",
                line,
                None,
                f"The @string '{visible(name)}' on line {line} is already defined on line "
                f"{defined[name.lower()]} (macro names are compared ignoring case); this "
                "second definition was not read.",
            )
        )
        return
    defined[name.lower()] = line
    try:
        raw, value, undefined = read_value(block.value, known)
    except BadValue as bad:
        faults = [
            Problem(
                "malformed block",
                line,
                None,
                f"Could not read the @string '{visible(name)}' on line {line}: its value has "
                f"{bad} ({visible(block.value, 40)}).",
            )
        ]
    else:
        faults = [
            Problem(
                "undefined macro",
                line,
                None,
                f"The @string '{visible(name)}' on line {line} uses the macro "
                f"'{visible(macro)}', which is not defined before it.",
            )
            for macro in undefined
        ]
        if not faults and name in library:  # updated in place, so exported where it was
            at = library[name]
            faults = [
                Problem(
                    "undefined macro",
                    line,
                    None,
                    f"The @string '{visible(name)}' on line {line} changes the library's "
                    f"'{visible(name)}' to use the macro '{visible(macro)}', which the library "
                    "does not define before it, so its export would not read; this definition "
                    "was not read.",
                )
                for macro in macro_names(raw)
                if macro.lower() not in MONTHS
                and min((i for n, i in library.items() if n.lower() == macro.lower()), default=at)
                >= at
            ]
    if faults:
        problems.extend(faults)
        if name.lower() not in known:
            unreadable[name.lower()] = line
        return
    strings[name] = raw
    known[name.lower()] = value
    unreadable.pop(name.lower(), None)
