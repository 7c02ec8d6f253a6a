"""Decoration inside a line (emphasis, links, images, tags) and Markdown heading lines: read as
the regular expressions read them before, and in work linear in the line, counted in CPU
instructions (deterministic, unlike time) since most of that work is done by the regex engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.ingest import inline, parse_article
from kb.ingest.blocks import inline_text, md_heading
from tests.conftest import REPO, need

# --- the old way, kept as the oracle -----------------------------------------------------------

_OLD_MD_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*")
_OLD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_OLD_LINK = re.compile(r"\[(?![\d\s,;–-]+\])([^\]]+)\]\([^)\s]*\)")
_OLD_TAG = re.compile(r"</?(?!sup\b)[a-zA-Z][^<>]*>")
_OLD_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?!\w)"
)


def _old_unwrap_emphasis(text: str) -> str:
    return _OLD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)


def _old_inline_text(text: str) -> str:
    """inline_text as four substitutions: each retried every opening to the end of the line."""
    text = _OLD_IMAGE.sub("", text)
    text = _OLD_LINK.sub(r"\1", text)
    text = _OLD_TAG.sub("", text)
    for _ in range(2):
        text = _old_unwrap_emphasis(text)
    return text.replace("`", "")


def _old_md_heading(line: str) -> tuple[int, str] | None:
    match = _OLD_MD_HEADING.fullmatch(line)
    return (len(match.group(1)), match.group(2)) if match else None


# --- the same output on random lines -----------------------------------------------------------

_DECORATION = st.sampled_from(
    ["**", "__", "*", "_", "***", "[", "]", "(", ")", "![", "](", "](#ref-1)", "](x y)",
     "[1]", "[]", "[](x)", "[1](x)", "[2, 3](#r)", "[2, 3]", "[4–6]", "[text](https://x.org/a)",
     "![alt](img.png)", "<a href='x'>", "</a>", "<sup>", "</sup>", "<sup>2</sup>", "<b", "<",
     ">", "`", "a", "b", "pain", "1", "2.5", " ", " ", "  ", "\t", "\n", "\u00a0", "é", ",",
     ";", "-", "–", ".", "#", ":", "word_with_underscores", "x*y", "*a*", "**b**", "__c__"]
)  # fmt: skip
_LINES = st.one_of(st.lists(_DECORATION, max_size=60).map("".join), st.text(max_size=80))
_ORACLE = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_ORACLE
@given(_LINES)
def test_inline_text_reads_a_line_as_the_substitutions_did(text: str) -> None:
    assert inline_text(text) == _old_inline_text(text)


@_ORACLE
@given(_LINES)
def test_each_step_gives_what_its_substitution_gave(text: str) -> None:
    assert inline._drop_images(text) == _OLD_IMAGE.sub("", text)
    assert inline._keep_link_text(text) == _OLD_LINK.sub(r"\1", text)
    assert inline._unwrap_emphasis(text) == _old_unwrap_emphasis(text)


_HEADING_PIECES = st.sampled_from(
    ["#", "##", "###", "#######", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "a", "Title", "x y",
     "# ", " #", "*", "1."]
)  # fmt: skip


@_ORACLE
@given(st.one_of(st.lists(_HEADING_PIECES, max_size=30).map("".join), st.text(max_size=40)))
def test_a_heading_line_reads_as_the_heading_pattern_read_it(line: str) -> None:
    assert md_heading(line) == _old_md_heading(line)


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("# Title", (1, "Title")),
        ("  ### Pain relief ###  ", (3, "Pain relief")),
        ("## Spinal #5 stimulation", (2, "Spinal #5 stimulation")),
        ("# ##", (1, "")),
        ("####### seven", None),
        ("    # four spaces", None),
        ("#no space", None),
        ("# a" + " " * 3000 + "b", (1, "a" + " " * 3000 + "b")),
    ],
)
def test_heading_lines(line: str, heading: tuple[int, str] | None) -> None:
    assert md_heading(line) == heading


def test_a_long_line_of_unclosed_decoration_reads_as_before() -> None:
    line = "**a " * 1000 + "[b " * 1000 + "![c " * 1000 + "__d " * 1000
    assert inline_text(line) == line  # nothing is closed: nothing is taken out
    for closed in ("**x**", "[x](y)", "![x](y)", "__x__", "x**"):
        assert inline_text(line + closed) == _old_inline_text(line + closed)
    article = parse_article("# Title\n\nPain fell [1].\n\n" + "**a [b " * 2000 + "end.\n")
    assert [s.text for s in article.statements] == ["Pain fell.", "**a [b " * 2000 + "end."]


# --- work that grows linearly with the line, counted in instructions ---------------------------

# Only the modules a program imports are loaded (the packages' __init__ are skipped), so that each
# run under Cachegrind takes a few seconds.
_PRELUDE = f"""
import sys, types
for name, path in (("kb", {str(REPO / "kb")!r}), ("kb.ingest", {str(REPO / "kb" / "ingest")!r})):
    package = types.ModuleType(name)
    package.__path__ = [path]
    sys.modules[name] = package
"""


@cache
def _instructions(program: str) -> int:
    """CPU instructions that running `program` takes (Cachegrind's count: the same in every run
    on one machine, whatever else the machine does)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        need("KB_REQUIRE_VALGRIND", "valgrind is not installed (it counts instructions)")
    result = subprocess.run(
        [str(valgrind), "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", _PRELUDE + program],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    assert found, result.stderr
    return int(found.group(1).replace(",", ""))


def _work(imports: str, run: str) -> int:
    """Instructions of `run`, less those of starting Python and running `imports`."""
    return _instructions(imports + "\n" + run) - _instructions(imports)


_READ_LINE = """
lines = ["# A long line", "", {line!r}]
build_blocks(list(enumerate(lines, 1)), markdown=is_markdown(lines), warnings=[])
"""


@pytest.mark.parametrize(
    ("prefix", "piece", "suffix", "n"),
    [
        ("", "**a ", "", 500),  # bold never closed
        ("", "[a ", "", 500),  # a link's text never closed
        ("", "![a ", "", 500),  # an image's
        ("", "[a](x", "", 500),  # a link's target never closed
        ("# a", " ", "b", 150),  # a heading with a long run of spaces inside
    ],
)
def test_work_on_a_line_grows_linearly_with_its_unclosed_openings(
    prefix: str, piece: str, suffix: str, n: int
) -> None:
    """4x the openings never closed on one line run at most 5x the instructions: each one
    scanned the rest of the line for its closing (16x), a heading's spaces were tried in every
    split (64x). The speed itself is measured in benchmarks/bench_linear.py."""
    imports = "from kb.ingest.blocks import build_blocks, is_markdown"
    small = _work(imports, _READ_LINE.format(line=prefix + piece * n + suffix))
    large = _work(imports, _READ_LINE.format(line=prefix + piece * 4 * n + suffix))
    assert large / small <= 5, (small, large)


def test_work_on_an_article_grows_linearly_with_its_headings() -> None:
    """4x the headings run at most 5x the instructions: each new heading path was looked for
    in the list of all paths so far (10x)."""
    imports = "from kb.ingest.blocks import Block\nfrom kb.ingest.parse import _statements"
    run = """
blocks = [Block("heading", i, f"Section {{i}}", level=2) for i in range({n})]
_statements(blocks, True, True, [])
"""
    small, large = _work(imports, run.format(n=1000)), _work(imports, run.format(n=4000))
    assert large / small <= 5, (small, large)
