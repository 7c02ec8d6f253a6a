"""Article reading speed per format: HTML, Word and JATS against plain text, per MB of file.

The same generated articles as bench_ingest (KB_BENCH_READ_ARTICLES of them, default 100,
about 50 statements and 8 numbered references each) are written as Markdown, as an HTML page
(<sup> markers, an <ol> reference list with ids, a header, nav and footer), as a Word file
(headings by style, list paragraphs, superscript markers) and as JATS XML (<xref> markers, a
<ref-list> of mixed-citations). Each is read and parsed (`read_document` then
`parse_document`: everything before the database) three times; the median time is reported
per MB of file and per article, against Markdown's.

    python -m benchmarks.bench_readers
"""

from __future__ import annotations

import html
import io
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docx  # noqa: E402

from benchmarks.bench_ingest import make_article  # noqa: E402
from benchmarks.common import row  # noqa: E402
from kb.ingest.parse import parse_document  # noqa: E402
from kb.ingest.readers import read_document  # noqa: E402

_MARK = re.compile(r" \[(\d+)\]")


def _parts(article: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(title, [(kind, text)], references) of a generated Markdown article."""
    body, refs = article.split("## References", 1)
    lines = [ln for ln in body.splitlines() if ln.strip()]
    title = lines[0].removeprefix("# ")
    blocks = []
    for line in lines[1:]:
        if line.startswith("## "):
            blocks.append(("h2", line[3:]))
        elif line.startswith("- "):
            blocks.append(("li", line[2:]))
        else:
            blocks.append(("p", line))
    entries = [re.sub(r"^\d+\. ", "", ln) for ln in refs.splitlines() if ln.strip()]
    return title, blocks, entries


def to_html(article: str) -> bytes:
    title, blocks, refs = _parts(article)
    out = [
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title>"
        "<script>var a = 1;</script></head><body><header><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/about'>About</a></li></ul></nav></header>"
        f"<main><h1>{html.escape(title)}</h1>"
    ]
    for kind, text in blocks:
        text = _MARK.sub(r'<sup><a href="#ref\1">\1</a></sup>', html.escape(text, quote=False))
        out.append(f"<ul><li>{text}</li></ul>" if kind == "li" else f"<{kind}>{text}</{kind}>")
    out.append("<h2>References</h2><ol>")
    out += [f'<li id="ref{n}">{html.escape(r)}</li>' for n, r in enumerate(refs, 1)]
    out.append("</ol></main><footer><p>© Example Health</p></footer></body></html>")
    return "".join(out).encode()


def to_jats(article: str) -> bytes:
    title, blocks, refs = _parts(article)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?><article><front><article-meta><title-group>'
        f"<article-title>{html.escape(title)}</article-title></title-group></article-meta>"
        "</front><body><sec>"
    ]
    for kind, text in blocks:
        text = _MARK.sub(
            r' [<xref ref-type="bibr" rid="r\1">\1</xref>]', html.escape(text, quote=False)
        )
        if kind == "h2":
            out.append(f"</sec><sec><title>{text}</title>")
        elif kind == "li":
            out.append(f"<list><list-item><p>{text}</p></list-item></list>")
        else:
            out.append(f"<p>{text}</p>")
    out.append("</sec></body><back><ref-list>")
    out += [
        f'<ref id="r{n}"><label>{n}</label><mixed-citation>{html.escape(r)}</mixed-citation></ref>'
        for n, r in enumerate(refs, 1)
    ]
    out.append("</ref-list></back></article>")
    return "".join(out).encode()


def to_docx(article: str) -> bytes:
    title, blocks, refs = _parts(article)
    d = docx.Document()
    d.add_paragraph(title, style="Title")
    for kind, text in blocks:
        if kind == "h2":
            d.add_heading(text, level=1)
            continue
        p = d.add_paragraph(style="List Bullet" if kind == "li" else None)
        pieces = _MARK.split(text)
        for i, piece in enumerate(pieces):
            if i % 2:
                p.add_run(piece).font.superscript = True
            else:
                p.add_run(piece)
    d.add_heading("References", level=1)
    for n, r in enumerate(refs, 1):
        d.add_paragraph(f"{n}. {r}")
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


FORMATS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "Markdown": (".md", lambda a: a.encode()),
    "HTML": (".html", to_html),
    "Word (.docx)": (".docx", to_docx),
    "JATS XML": (".nxml", to_jats),
}


def _read_all(files: list[bytes], suffix: str) -> int:
    return sum(
        len(parse_document(read_document(data, name=f"a{suffix}")).statements) for data in files
    )


def run() -> list[dict[str, Any]]:
    """One row per format: ms per MB of file, against Markdown's ms per MB."""
    n = int(os.environ.get("KB_BENCH_READ_ARTICLES", "100"))
    articles = [make_article(i) for i in range(n)]
    measured: dict[str, tuple[float, float, int, int]] = {}  # ms, MB, statements, files
    for name, (suffix, make) in FORMATS.items():
        files = [make(a) for a in articles]
        size = sum(len(f) for f in files) / 1e6
        times = []
        statements = 0
        for _ in range(3):
            start = time.perf_counter()
            statements = _read_all(files, suffix)
            times.append(time.perf_counter() - start)
        measured[name] = (statistics.median(times) * 1000, size, statements, len(files))
    base_ms, base_mb, *_ = measured["Markdown"]
    rows = []
    for name, (ms, mb, statements, count) in measured.items():
        rows.append(
            row(
                "read articles",
                f"{name}: read + parse, per MB of file ({count} articles, {mb:.2f} MB, "
                f"{statements:,} statements, {ms / count:.1f} ms per article)",
                ms / mb,
                unit="ms/MB",
                baseline="Markdown, per MB",
                baseline_ms=base_ms / base_mb,
                target="report",
            )
        )
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
