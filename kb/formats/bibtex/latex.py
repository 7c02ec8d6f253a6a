"""LaTeX text and name lists as found in BibTeX values -> plain Unicode for display and search.

Hand-written on purpose: a full LaTeX decoder (pylatexenc, bibtexparser's latex middleware) is
an order of magnitude slower and not needed for the small subset that bibliographies use.
Values without any LaTeX character are returned untouched, so most fields cost one scan.
"""

from __future__ import annotations

import re
import unicodedata

from kb.formats.text import clean

# Characters whose presence means a value may need decoding; everything else is plain text.
_LATEX_CHARS = frozenset("\\{}~$")

# Accent commands -> Unicode combining marks (NFC then composes "u" + U+0308 into "ü").
_SYMBOL_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
}
_LETTER_ACCENTS = {
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}

# Commands that stand for a character (text and the math symbols medical titles use).
_SYMBOLS = {
    "ss": "ß",
    "SS": "SS",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "dj": "đ",
    "DJ": "Đ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "copyright": "©",
    "textcopyright": "©",
    "textregistered": "®",
    "texttrademark": "™",
    "dag": "†",
    "ddag": "‡",
    "S": "§",
    "P": "¶",
    "pounds": "£",
    "euro": "€",
    "texteuro": "€",
    "textendash": "–",
    "textemdash": "—",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "guillemotleft": "«",
    "guillemotright": "»",
    "textless": "<",
    "textgreater": ">",
    "textasciitilde": "~",
    "textbackslash": "\\",
    "textbar": "|",
    "textdegree": "°",
    "degree": "°",
    "textmu": "µ",
    "textpm": "±",
    "texttimes": "×",
    "textperiodcentered": "·",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "Delta": "Δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "Sigma": "Σ",
    "tau": "τ",
    "chi": "χ",
    "omega": "ω",
    "Omega": "Ω",
    "pm": "±",
    "mp": "∓",
    "times": "×",
    "cdot": "·",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "~",
    "infty": "∞",
    "rightarrow": "→",
    "to": "→",
    "leftarrow": "←",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "BibTeX": "BibTeX",
}

# Escaped punctuation and spacing commands.
_ESCAPES = {
    "&": "&",
    "%": "%",
    "_": "_",
    "$": "$",
    "#": "#",
    "{": "{",
    "}": "}",
    " ": " ",
    "\n": " ",
    "\t": " ",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    "/": "",
    "-": "",
    "@": "",
    "\\": " ",
}

# Backslash sequences only: they are rare, so the text between them is handled with plain
# str methods (C speed) and the regex never has to try every position of a long abstract.
_COMMAND = re.compile(
    r"""
    \\(?P<sacc>["'`^~=.])\s*(?:\{\s*(?P<sarg>\\[ij](?![A-Za-z])|[A-Za-z])?\s*\}
        |(?P<sbare>\\[ij](?![A-Za-z])|[A-Za-z]))
    |\\(?P<lacc>[cvuHkrdb])(?:\s*\{\s*(?P<larg>\\[ij](?![A-Za-z])|[A-Za-z])?\s*\}
        |\s+(?P<lbare>[A-Za-z]))
    |\\(?P<cmd>[A-Za-z]+)\s*
    |\\(?P<esc>[^A-Za-z])
    """,
    re.VERBOSE,
)


def _plain(text: str) -> str:
    # str.replace beats str.translate here: translate is slow on non-ASCII text.
    if "--" in text:
        text = text.replace("---", "—").replace("--", "–")
    if "~" in text:  # a tie is a non-breaking space; search and display want a plain one
        text = text.replace("~", " ")
    if "{" in text:  # protective braces
        text = text.replace("{", "")
    if "}" in text:
        text = text.replace("}", "")
    if "$" in text:  # math shifts
        text = text.replace("$", "")
    return text


def _accented(base: str | None, accent: str, mark: str) -> str:
    if base is None:  # `\~{}` is how URLs spell a literal tilde
        return accent if accent in "~^" else ""
    if base.startswith("\\"):  # dotless i/j take the accent instead of their dot
        base = base[1]
    return unicodedata.normalize("NFC", base + mark)


def _command(m: re.Match[str]) -> str:
    group = m.lastgroup
    if group in ("sarg", "sbare", "sacc"):
        accent = m.group("sacc")
        return _accented(m.group("sarg") or m.group("sbare"), accent, _SYMBOL_ACCENTS[accent])
    if group in ("larg", "lbare", "lacc"):
        accent = m.group("lacc")
        return _accented(m.group("larg") or m.group("lbare"), accent, _LETTER_ACCENTS[accent])
    if group == "cmd":
        # Unknown commands (\emph, \texttt, \sc, ...) vanish and leave their argument behind.
        return _SYMBOLS.get(m.group("cmd"), "")
    char = m.group("esc")
    return _ESCAPES.get(char, char)


_SIMPLE_ESCAPES = (("\\%", "%"), ("\\&", "&"), ("\\_", "_"), ("\\#", "#"))


def needs_decoding(value: str) -> bool:
    """True when `value` contains a character that decode_latex would change."""
    return "--" in value or not _LATEX_CHARS.isdisjoint(value)


def decode_latex(value: str) -> str:
    """Turn BibTeX/LaTeX markup into plain Unicode text (accents, dashes, escapes, braces)."""
    if not needs_decoding(value):
        return value
    if "\\" in value and "\\\\" not in value:
        # The escapes abstracts are full of (95\% CI, R\&D) need no regex.
        for escape, char in _SIMPLE_ESCAPES:
            if escape in value:
                value = value.replace(escape, char)
    if "\\" not in value:
        return _plain(value)
    pieces = []
    start = 0
    for m in _COMMAND.finditer(value):
        pieces.append(_plain(value[start : m.start()]))
        pieces.append(_command(m))
        start = m.end()
    pieces.append(_plain(value[start:]))
    return "".join(pieces)


# --------------------------------------------------------------------------- names

# A one-character group such as {ü} (what {\"u} leaves once its command is decoded).
_CHAR_GROUP = re.compile(r"(?<!\\)\{(\w)\}")


def _decode_commands(value: str) -> str:
    """decode_latex for backslash commands only: braces stay, so names still split right."""
    pieces = []
    start = 0
    for m in _COMMAND.finditer(value):
        pieces.append(value[start : m.start()])
        # Escaped braces stay escaped: decoded, they would open or close a group.
        pieces.append(m.group() if m.group("esc") in ("{", "}") else _command(m))
        start = m.end()
    pieces.append(value[start:])
    return "".join(pieces)


def clean_text(text: str | None) -> str | None:
    """Decoded, whitespace-collapsed text; None when nothing is left."""
    if not text:
        return None
    if needs_decoding(text):
        text = decode_latex(text)
        if not text:
            return None
    return clean(text)


_BRACE = re.compile(r"(?<!\\)[{}]")


def _closes_at_end(text: str) -> bool:
    """True when the `{` opening `text` is closed by its last character."""
    depth = 0
    for m in _BRACE.finditer(text):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return m.end() == len(text)
    return False


_AND = re.compile(r"(\s+and\s+)", re.I)
_EXTENDED_NAME = re.compile(r"^\s*(family|given|prefix|suffix|id|useprefix)\s*=", re.I)


def _depth(text: str) -> int:
    # Escaped braces do not nest (as in bibtexparser's splitter).
    return (
        text.count("{") - text.count("\\{") - text.count("}") + text.count("\\}")
        if "{" in text or "}" in text
        else 0
    )


def _split_top(text: str, sep: re.Pattern[str]) -> list[str]:
    """Split on `sep` (one capturing group) where it is outside braces."""
    pieces = sep.split(text)
    if len(pieces) == 1 or "{" not in text:
        return pieces[::2]
    # A piece that leaves braces open is glued to the next one, separator included.
    parts = [pieces[0]]
    depth = _depth(pieces[0])
    for i in range(1, len(pieces), 2):
        if depth > 0:
            parts[-1] += pieces[i] + pieces[i + 1]
        else:
            parts.append(pieces[i + 1])
            depth = 0
        depth += _depth(pieces[i + 1])
    return parts


_COMMA = re.compile(r"(,)")
_SPACE = re.compile(r"(\s+)")


def _is_von(word: str) -> bool:
    # BibTeX: a word whose first letter is lower case is a particle ("van", "de"); a braced
    # word counts as upper case unless it is a special character like {\'e}.
    if word.startswith("{") and not word.startswith("{\\"):
        return False
    decoded = decode_latex(word) if needs_decoding(word) else word
    for char in decoded:
        if char.isalpha():
            return char.islower()
    return False


def _format_plain_name(name: str) -> str:
    """_format_name for a name without braces: decode first, then split with str methods."""
    parts = [" ".join(p.split()) for p in decode_latex(name).split(",")]
    if len(parts) == 1:
        words = parts[0].split()
        if len(words) > 1:
            von = next((i for i, w in enumerate(words[:-1]) if w[:1].islower()), len(words) - 1)
            parts = [" ".join(words[von:]), " ".join(words[:von])]
    elif len(parts) == 3:
        parts = [parts[0], parts[2], parts[1]]
    return ", ".join(p for p in parts if p)


def _format_name(name: str) -> str:
    """One BibTeX name as "Last, First" (von part kept with the last name)."""
    name = name.strip()
    if "{" not in name and "=" not in name:
        return _format_plain_name(name)
    if name.startswith("{") and _closes_at_end(name):
        return clean_text(name) or ""  # corporate author: {World Health Organization}
    parts = [p.strip() for p in _split_top(name, _COMMA)]
    if _EXTENDED_NAME.match(name):  # biblatex: family=Adler, given=Alfred
        named = dict(p.split("=", 1) for p in parts if "=" in p)
        named = {k.strip().lower(): v.strip() for k, v in named.items()}
        last = " ".join(filter(None, (named.get("prefix"), named.get("family"))))
        parts = [last] + [named[k] for k in ("given", "suffix") if named.get(k)]
    elif len(parts) == 1:
        words = [w for w in _split_top(name, _SPACE) if w]
        if len(words) > 1:
            von = next((i for i, w in enumerate(words[:-1]) if _is_von(w)), len(words) - 1)
            parts = [" ".join(words[von:]), " ".join(words[:von])]
    elif len(parts) == 3:  # von Last, Jr, First -> Last, First, Jr
        parts = [parts[0], parts[2], parts[1]]
    return ", ".join(filter(None, (clean_text(p) for p in parts)))


def split_authors(value: str) -> list[str]:
    """Names of a BibTeX author list, each "Last, First"; corporate names whole, others -> et al."""
    if not value or not value.strip():
        return []
    # Decode accents once for the whole list rather than per name part; then {ü} groups are
    # plain letters, and most names take the brace-free path.
    if "\\" in value:
        value = _decode_commands(value)
    if "{" in value:
        value = _CHAR_GROUP.sub(r"\1", value)
    names = _split_top(value, _AND)
    authors = []
    for name in names:
        if name.strip().lower() == "others":
            authors.append("et al.")
        elif formatted := _format_name(name):
            authors.append(formatted)
    return authors
