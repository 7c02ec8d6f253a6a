"""Writing reference records as BibTeX: the library's blocks first, then one entry per record.

Raw field values are written back as the file said them (kb.formats.bibtex.values), so an
import of the written text gives the same records; only kb's own fields, `studytype` and
`retraction`, are brought in line with what the record says now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from kb.enums import RetractionStatus
from kb.formats.bibtex.fields import STUDY_FIELDS, retraction_status
from kb.formats.bibtex.latex import clean_text
from kb.formats.bibtex.macros import expanded_macros
from kb.formats.bibtex.values import balanced, expand_raw, value_expression
from kb.formats.records import ReferenceRecord
from kb.formats.studytype import infer_study_type


def _fields_to_write(record: ReferenceRecord, known: Mapping[str, str]) -> dict[str, str]:
    """Raw fields, with `studytype` and `retraction` brought in line with the record.

    known: the expanded macros the written file defines (expanded_macros), so a field such as
    `keywords = kw` is judged by what it says when read back.
    """
    fields = dict(record.raw_fields)
    # The file keeps what it said unless reading it back would give another study type.
    study = {
        name: clean_text(expand_raw(fields[name], known)[0]) or ""
        for name in STUDY_FIELDS
        if name in fields
    }
    study["title"] = record.title or ""
    if infer_study_type(study) != (record.study_type, record.study_type_inferred):
        if record.study_type_inferred:
            fields.pop("studytype", None)  # a guess is not written down; it is guessed again
        else:
            fields["studytype"] = str(record.study_type)
    written = retraction_status(clean_text(expand_raw(fields.get("retraction", ""), known)[0]))
    if written != record.retraction:
        if record.retraction == RetractionStatus.none:
            fields.pop("retraction", None)
        else:
            fields["retraction"] = str(record.retraction)
    return fields


def _block(kind: str, body: str) -> str:
    # Parentheses hold a body whose braces do not balance (as BibTeX allows). A comment is read
    # without its surrounding space, so a line end keeps a last backslash from escaping `}`.
    if kind == "comment" and body.endswith("\\"):
        body += "\n"
    return f"@{kind}{{{body}}}" if balanced(body) else f"@{kind}({body})"


def render_bib(
    records: Iterable[ReferenceRecord],
    *,
    strings: Mapping[str, str] | None = None,
    preambles: Iterable[str] = (),
    comments: Iterable[str] = (),
    extra_fields: Callable[[ReferenceRecord], dict[str, str]] | None = None,
) -> str:
    """BibTeX text for the records, after the @string, @preamble and @comment blocks."""
    head = [f"@string{{{name} = {value_expression(raw)}}}" for name, raw in (strings or {}).items()]
    head += [_block("preamble", value) for value in preambles]
    head += [_block("comment", value) for value in comments]
    out = ["\n".join(head) + "\n"] if head else []
    known = expanded_macros(strings)
    for record in records:
        fields = _fields_to_write(record, known)
        if extra_fields is not None:
            fields.update(extra_fields(record))
        lines = [f"@{record.entry_type}{{{record.citekey},"]
        lines += [f"  {name} = {value_expression(raw)}," for name, raw in fields.items()]
        lines.append("}\n")
        out.append("\n".join(lines))
    return "\n".join(out)
