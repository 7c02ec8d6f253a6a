"""The Word reader (.docx): manuscript -> Document.

python-docx opens the package and names the styles; the paragraphs, footnotes and endnotes are
read from their XML, so that tracked changes read as accepted (inserted text kept, deleted text
dropped) and comments, field codes and text boxes stay out.

* Headings by paragraph style ("Heading 1".."Heading 6", or an outline level); "Title", else the
  first "Heading 1", is the title. List paragraphs (numbering or a "List ..." style) are items.
* Markers: a footnote or endnote reference is marker N, N its number as Word prints it (notes are
  numbered in the order they are referenced), and the notes are the reference list, each linked
  exactly to its marker. Superscript numbers ("1", "1,3-5") are markers resolved against a
  numbered list; "[1]" typed in the text is read as in plain text.
* Citations inserted by Zotero or Mendeley are fields carrying their items' data: each is linked
  exactly, and the items are the reference list (``kb.ingest.docx_fields``).
* Tables are not claims. Where a block is: its paragraph number in the body.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from kb.errors import ImportProblem
from kb.ingest.blocks import Block
from kb.ingest.document import Document, Pieces, expand_numbers, group_cites, is_number_list
from kb.ingest.docx_fields import cited_entries, field_markers, is_bibliography
from kb.ingest.records import Cite, RefEntry
from kb.ingest.reflist import is_reference_heading, parse_reference_entry

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HIDDEN = {f"{W}del", f"{W}moveFrom", f"{W}txbxContent", f"{W}comment"}
_HEADING = re.compile(r"heading\s*([1-9])", re.IGNORECASE)
_BEFORE_POWER = re.compile(r"(?:\d|\b(?:[kcmµu]?m|mm|cm|km|kg\s*/\s*m))$")
_DAMAGED = (
    ValueError, KeyError, EOFError, OSError, zlib.error, etree.XMLSyntaxError,
    zipfile.BadZipFile, PackageNotFoundError, NotImplementedError,
)  # fmt: skip
_NOTES = (("footnote", "word/footnotes.xml"), ("endnote", "word/endnotes.xml"))


def read_docx(data: bytes, *, source: str = "the Word file") -> Document:
    """Read a .docx manuscript; a file that is not one is an ImportProblem saying so."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ImportProblem(f"{source}: not a Word file (it is not a zip archive)") from None
    if "word/document.xml" not in names:
        raise ImportProblem(f"{source}: not a Word document (the zip has no word/document.xml)")
    try:
        document = docx.Document(io.BytesIO(data))
        notes = {kind: _notes(package.read(path)) for kind, path in _NOTES if path in names}
    except _DAMAGED as exc:  # a damaged archive or part: python-docx and zipfile raise these
        raise ImportProblem(f"{source}: the Word document is damaged ({exc})") from None
    styles = {s.style_id: s.name or "" for s in document.styles}
    return _Reader(styles, notes, source).read(document.element.body)


def _visible_runs(p: etree._Element) -> list[etree._Element]:
    """The runs of a paragraph as the accepted document shows them, in order."""
    runs = []
    for run in p.iter(f"{W}r"):
        ancestors = []
        for a in run.iterancestors():
            if a is p:
                break
            ancestors.append(a.tag)
        if not _HIDDEN.intersection(ancestors):
            runs.append(run)
    return runs


def _run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        if child.tag == f"{W}t":
            parts.append(child.text or "")
        elif child.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(" ")
        elif child.tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _superscript(run: etree._Element) -> bool:
    align = run.find(f"{W}rPr/{W}vertAlign")
    return align is not None and align.get(f"{W}val") == "superscript"


def _notes(xml: bytes) -> dict[str, str]:
    """note id -> its text (separators and the note's own number left out)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    notes = {}
    for note in root:
        if note.get(f"{W}type") not in (None, "normal"):
            continue
        paragraphs = ["".join(_run_text(r) for r in _visible_runs(p)) for p in note.iter(f"{W}p")]
        text = re.sub(r"\s+", " ", " ".join(paragraphs)).strip()
        if text:
            notes[note.get(f"{W}id", "")] = text
    return notes


class _Reader:
    def __init__(self, styles: dict[str, str], notes: dict[str, dict[str, str]], source: str):
        self.styles = styles
        self.notes = notes
        self.source = source
        self.numbers: dict[tuple[str, str], str] = {}  # (kind, note id) -> printed number
        self.counts: dict[str, int] = {}  # notes of each kind numbered so far
        self.fields: list[dict[str, Any]] = []  # the fields open at this point, outermost first
        self.csl: dict[str, RefEntry] = {}  # reference-manager items cited, by key
        self.blocks: list[Block] = []
        self.title: str | None = None
        self.count = 0
        self.both = False  # footnotes and endnotes: endnotes print i, ii, iii as Word does

    def read(self, body: etree._Element) -> Document:
        self.both = all(body.find(f".//{W}{k}Reference") is not None for k, _ in _NOTES)
        self._container(body)
        references = []
        for (kind, note_id), number in self.numbers.items():
            text = self.notes.get(kind, {}).get(note_id)
            if text is None:
                continue
            entry = parse_reference_entry(text, line=0, wrapped=True)
            entry.number = int(number) if number.isdigit() and not self.both else None
            entry.key = f"{kind}-{note_id}"
            references.append(entry)
        printed = self._printed_list()
        # A reference manager's items are the list; its printed bibliography repeats them.
        references.extend(self.csl.values() if self.csl else printed)
        if not self.title:
            first = next((b for b in self.blocks if b.kind == "heading" and b.level == 1), None)
            if first is not None:
                self.title = first.text
                self.blocks.remove(first)
        if not any(b.kind != "heading" for b in self.blocks):
            raise ImportProblem(f"{self.source}: the Word document has no paragraphs of text")
        return Document(
            format="docx",
            title=self.title,
            blocks=self.blocks,
            references=references,
            extent=self.source,
        )

    def _printed_list(self) -> list[RefEntry]:
        """The entries under a References/Bibliography/Sources heading (taken out of the blocks);
        a Word-numbered list's entries are numbered in order, as Word prints them."""
        start = next(
            (
                i
                for i, b in enumerate(self.blocks)
                if b.kind == "heading" and is_reference_heading(b.text)
            ),
            None,
        )
        if start is None:
            return []
        level = self.blocks[start].level
        end = next(
            (
                i
                for i in range(start + 1, len(self.blocks))
                if self.blocks[i].kind == "heading" and self.blocks[i].level <= level
            ),
            len(self.blocks),
        )
        listed = [b for b in self.blocks[start + 1 : end] if b.kind != "heading"]
        del self.blocks[start:end]
        entries = []
        for n, block in enumerate(listed, 1):
            number = n if block.bullet == "1." else None
            entries.append(
                parse_reference_entry(block.text, line=block.line, number=number, wrapped=True)
            )
        return entries

    def _in_bibliography(self) -> bool:
        return any(is_bibliography("".join(f["instr"])) for f in self.fields)

    def _field_part(self, run: etree._Element, pieces: Pieces, cites: list[Cite]) -> bool:
        """Follow a field's begin, instruction, separator and end; True for such a run.

        A reference manager's citation field becomes one citation of its printed result."""
        char = run.find(f"{W}fldChar")
        instruction = run.find(f"{W}instrText")
        if char is None and instruction is None:
            return False
        kind = char.get(f"{W}fldCharType") if char is not None else None
        if kind == "begin":
            self.fields.append({"instr": [], "start": None})
        elif instruction is not None and self.fields:
            self.fields[-1]["instr"].append(instruction.text or "")
        elif kind == "separate" and self.fields:
            self.fields[-1]["start"] = pieces.length
        elif kind == "end" and self.fields:
            field = self.fields.pop()
            cited = cited_entries("".join(field["instr"]))
            if cited and field["start"] is not None and pieces.length > field["start"]:
                keys = [e.key or "" for e in cited]
                for entry in cited:
                    self.csl.setdefault(entry.key or "", entry)
                start, end = field["start"], pieces.length
                printed = pieces.tail(end - start)
                markers = field_markers(printed, [self.csl[k] for k in keys])
                cites.append(Cite(start, end, markers, list(keys)))
        return True

    def _container(self, el: etree._Element) -> None:
        for child in el:
            if child.tag == f"{W}p":
                self._paragraph(child)
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}ins", f"{W}moveTo"):
                self._container(child)  # content controls and inserted paragraphs

    def _paragraph(self, p: etree._Element) -> None:
        self.count += 1
        style_id = p.find(f"{W}pPr/{W}pStyle")
        style = self.styles.get(style_id.get(f"{W}val", ""), "") if style_id is not None else ""
        outline = p.find(f"{W}pPr/{W}outlineLvl")
        pieces = Pieces()
        cites: list[Cite] = []
        sup: list[str] = []  # adjacent superscript text, read as one mark
        sup_start = 0
        sup_before = ""  # the text just before the superscript (a unit makes it an exponent)

        def close_sup() -> None:
            printed = "".join(sup)
            if printed and is_number_list(printed) and not _BEFORE_POWER.search(sup_before):
                markers = expand_numbers(printed)
                cites.append(
                    Cite(sup_start, sup_start + len(printed), markers, [None] * len(markers))
                )
            sup.clear()

        bibliography = self._in_bibliography()
        for run in _visible_runs(p):
            if self._field_part(run, pieces, cites):
                close_sup()
                bibliography = bibliography or self._in_bibliography()
                continue
            ref = run.find(f"{W}footnoteReference")
            kind = "footnote"
            if ref is None:
                ref, kind = run.find(f"{W}endnoteReference"), "endnote"
            if ref is not None:
                close_sup()
                note_id = ref.get(f"{W}id", "")
                number = self.numbers.setdefault((kind, note_id), "")
                if not number:
                    same = self.counts[kind] = self.counts.get(kind, 0) + 1
                    number = _roman(same) if kind == "endnote" and self.both else str(same)
                    self.numbers[(kind, note_id)] = number
                start = pieces.length
                pieces.append(number)
                cites.append(Cite(start, start + len(number), [number], [f"{kind}-{note_id}"]))
                continue
            text = _run_text(run)
            if _superscript(run) and text and not self.fields:  # a field's result is not a mark
                if not sup:
                    sup_start, sup_before = pieces.length, pieces.tail(20).rstrip()
                sup.append(text)
            elif sup and text:
                close_sup()
            pieces.append(text)
        close_sup()
        for field in self.fields:
            field["start"] = None  # a field running on into the next paragraph cites nothing
        raw = pieces.text()
        text = raw.strip()
        if not text or bibliography:
            return
        lead = len(raw) - len(raw.lstrip())
        cites = [Cite(c.start - lead, c.end - lead, c.markers, c.targets) for c in cites]
        heading = _HEADING.search(style)
        level = int(heading.group(1)) if heading else 0
        if not level and outline is not None and outline.get(f"{W}val", "9").isdigit():
            level = int(outline.get(f"{W}val", "9")) + 1
        if style.lower() == "title" and self.title is None:
            self.title = text
            return
        numbered = p.find(f"{W}pPr/{W}numPr") is not None
        if 0 < level <= 6:
            kind_ = "heading"
        elif numbered or style.lower().startswith("list"):
            kind_ = "item"
        else:
            kind_ = "paragraph"
        block = Block(kind_, self.count, text, level=level if kind_ == "heading" else 0)  # type: ignore[arg-type]
        block.bullet = ("1." if numbered else "-") if kind_ == "item" else ""
        block.place = f"paragraph {self.count}"
        block.cites = group_cites(text, cites)
        self.blocks.append(block)


def _roman(n: int) -> str:
    """1 -> "i", 4 -> "iv": how Word numbers endnotes beside footnotes."""
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out
