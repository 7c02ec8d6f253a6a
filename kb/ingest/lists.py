"""A list and its lead-in: one claim when the items are fragments, separate claims when not.

"Types include: SCS, PNS, TENS" says one thing; so does a lead-in ending in ":" followed by
bullets that are fragments ("- Spinal Cord Stimulation (SCS)"), or a heading followed by
fragment bullets ("When to Consider Neurostimulation" over "- Pain interferes with sleep").
Each fragment alone asserts nothing, and a reviewer cannot judge it out of its list.

* An item is a **fragment** when, its citation markers set aside, it does not end with ".",
  "!", "?" or "…". An item that ends so is a sentence, and asserts something on its own.
* A run of consecutive list items whose every item is a fragment becomes **one item block**:
  the lead-in (the last sentence of the paragraph right before the run, when it ends in ":"),
  or else the heading right before the run, then the items joined by "; " and closed with ".".
  A run under neither needs two items or more. The markers of every item stay on the block.
* A run with at least one sentence item is left alone: each item is a claim, and the lead-in
  is cut as parse.py decides (a short one is dropped).

``merge_fragment_lists`` takes the blocks of an article (after headings and title are known)
and returns them with each such run merged; it touches nothing else.
"""

from __future__ import annotations

import re

from kb.ingest.blocks import Block
from kb.ingest.markers import strip_markers
from kb.ingest.sentences import sentence_spans

_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")
_TRAILING = re.compile(r"[\s,;]+$")


def is_fragment(item: Block) -> bool:
    """An item that does not end like a sentence, its markers set aside."""
    text = strip_markers(item.text).text.strip()
    return not _SENTENCE_END.search(text) and not text.endswith(":")


def merge_fragment_lists(blocks: list[Block]) -> list[Block]:
    """The blocks with every run of fragment items (and its lead-in) merged into one item."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind != "item":
            out.append(block)
            i += 1
            continue
        end = i
        while end < len(blocks) and blocks[end].kind == "item":
            end += 1
        run = blocks[i:end]
        i = end
        previous = out[-1] if out else None
        # Citations a file format marks (HTML, Word, JATS) point into their block's text: a
        # merged block would lose them, so a list holding any is left as its items.
        marked = any(item.cites for item in run) or (previous is not None and previous.cites)
        if marked or not all(is_fragment(item) for item in run):
            out.extend(run)
            continue
        lead: list[tuple[int, str]] = []
        if previous is not None and previous.kind == "paragraph" and _ends_lead_in(previous):
            out.pop()
            head, lead = _split_last_sentence(previous)
            if head is not None:
                out.append(head)
        elif previous is not None and previous.kind == "heading" and previous.text.strip():
            heading = previous.text.strip()
            lead = [(previous.line, heading if heading.endswith(("?", ":")) else heading + ":")]
        elif len(run) < 2:
            out.extend(run)
            continue
        out.append(_merged(lead, run))
    return out


def _ends_lead_in(block: Block) -> bool:
    return strip_markers(block.text).text.rstrip().endswith(":")


def _pieces(block: Block, start: int = 0) -> list[tuple[int, str]]:
    """(source line, text) of the block's text from offset ``start``, one per source line."""
    if not block.starts:
        return [(block.line, block.text[start:])]
    bounds = [*block.starts[1:], len(block.text)]
    pieces = []
    for begin, end, line in zip(block.starts, bounds, block.lines, strict=True):
        if end <= start:
            continue
        text = block.text[max(begin, start) : end].strip()
        if text:
            pieces.append((line, text))
    return pieces


def _split_last_sentence(block: Block) -> tuple[Block | None, list[tuple[int, str]]]:
    """(the paragraph before its last sentence, or None; the pieces of its last sentence)."""
    spans = sentence_spans(block.text)
    cut = spans[-1][0] if len(spans) > 1 else 0
    if cut == 0:
        return None, _pieces(block)
    head = Block("paragraph", block.line)
    head.add_lines(_head_pieces(block, cut))
    return head, _pieces(block, cut)


def _head_pieces(block: Block, cut: int) -> list[tuple[int, str]]:
    if not block.starts:
        return [(block.line, block.text[:cut].strip())]
    bounds = [*block.starts[1:], len(block.text)]
    pieces = []
    for begin, end, line in zip(block.starts, bounds, block.lines, strict=True):
        if begin >= cut:
            break
        text = block.text[begin : min(end, cut)].strip()
        if text:
            pieces.append((line, text))
    return pieces


def _merged(lead: list[tuple[int, str]], run: list[Block]) -> Block:
    pieces = list(lead)
    for n, item in enumerate(run):
        item_pieces = _pieces(item)
        if not item_pieces:
            continue
        line, text = item_pieces[-1]
        item_pieces[-1] = (line, _TRAILING.sub("", text) + ("." if n == len(run) - 1 else ";"))
        pieces.extend(item_pieces)
    merged = Block("item", lead[0][0] if lead else run[0].line, bullet=run[0].bullet,
                   indent=run[0].indent)  # fmt: skip
    merged.add_lines(pieces)
    merged.place = run[0].place
    return merged
