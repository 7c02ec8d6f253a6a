"""Claims, kinds and "unsupported" flags per article: the figures issue 14 asks about.

Each article is ingested into its own fresh SQLite database holding the shipped library
(data/references.bib), as an editor's `kb article ingest` would, and the claims, their kinds
and the open flags by kind are printed. Not a speed benchmark: a reproducible count.

    python -m benchmarks.claim_counts                 # the seeds, the demo articles, two real ones
    python -m benchmarks.claim_counts PATH... [-v]    # these files; -v lists every claim
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from sqlmodel import Session, col, select

from kb.config import PROJECT_ROOT
from kb.db import make_engine
from kb.migrate import upgrade
from kb.models import Claim, Flag
from kb.services.ingest import ingest_article
from kb.services.references import import_bib
from kb.services.users import add_user

SHARED = PROJECT_ROOT.parent / "shared"
DEFAULT = [
    SHARED / "seeds" / "000_02ca8a0e3a5a041f.txt",
    SHARED / "seeds" / "003_7eefec44a915ce00.txt",
    *sorted((PROJECT_ROOT / "kb" / "demo" / "articles").glob("*.md")),
    SHARED / "realdata" / "articles" / "mds526.txt",
    SHARED / "realdata" / "articles" / "ehp-116-1694.txt",
]


def count(path: Path, verbose: bool = False) -> str:
    """One line of figures for one article, ingested into a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/kb.sqlite")
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            editor = add_user(
                session=session, actor=None, email="editor@example.org", role="editor",
                password="a long enough password", name="Editor",
            )  # fmt: skip
            library = (PROJECT_ROOT / "data" / "references.bib").read_bytes()
            import_bib(session=session, actor=None, data=library, source="library")
            result = ingest_article(
                session=session, actor=editor, text=path.read_bytes(), filename=path.name,
                slug=path.stem,
            )  # fmt: skip
            claims = list(
                session.exec(
                    select(Claim)
                    .where(Claim.article_id == result.article_id)
                    .order_by(col(Claim.position))
                )
            )
            flags = list(session.exec(select(Flag).where(Flag.status == "open")))
        engine.dispose()
    unsupported = {f.claim_id for f in flags if f.kind == "unsupported statement"}
    kinds = Counter(c.kind for c in claims)
    lines = [
        f"{path.name}: {len(claims)} claims, {len(unsupported)} unsupported; kinds "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    ]
    if verbose:
        for c in claims:
            mark = "U" if c.id in unsupported else " "
            lines.append(f"  {c.position:3} {mark} {c.kind:<14} {c.text[:110]}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    paths = [Path(a) for a in argv if a != "-v"] or [p for p in DEFAULT if p.exists()]
    for path in paths:
        print(count(path, verbose))


if __name__ == "__main__":
    main(sys.argv[1:])
