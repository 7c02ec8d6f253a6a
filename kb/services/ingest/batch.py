"""Many articles at once: files and folders in, one transaction per article, a report out.

A publisher brings an archive, not one page. Each article is ingested in its own write
transaction (kb.services.ingest.store), so one refused file (not UTF-8, a clashing slug, broken
markers) costs only itself: the report says, per file, what was stored or why it was refused,
and the articles before and after it are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from kb.errors import InvalidInput, KBError
from kb.ingest.readers import SUFFIXES
from kb.models import User
from kb.permissions import Action, require
from kb.services.ingest.store import ingest_article
from kb.services.progress import Progress

# What a folder is searched for (a file named on its own is read whatever its suffix).
ARTICLE_SUFFIXES = tuple(SUFFIXES)


@dataclass(frozen=True)
class ArticleFile:
    """One article to ingest: the name the report gives it, and how to read its bytes."""

    name: str
    read: Callable[[], bytes]


@dataclass
class FileOutcome:
    """What became of one file."""

    file: str
    ingested: bool
    slug: str | None = None
    title: str | None = None
    claims: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class BatchReport:
    """Every file's outcome, in the order the files were taken."""

    files: list[FileOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[FileOutcome]:
        """The files that were not ingested."""
        return [f for f in self.files if not f.ingested]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the files and the totals."""
        stored = [f for f in self.files if f.ingested]
        return {
            "files": [f.as_dict() for f in self.files],
            "ingested": len(stored),
            "refused": len(self.refused),
            "claims": sum(f.claims for f in stored),
            "flags": sum(sum(f.flags.values()) for f in stored),
        }


def article_files(paths: Sequence[Path]) -> tuple[list[ArticleFile], list[FileOutcome]]:
    """The articles named by paths: files as given, folders searched recursively.

    A folder yields its files with a supported suffix (ARTICLE_SUFFIXES), in path order; hidden
    files and folders are left out. A path that does not exist, or a folder with no article,
    becomes a refused outcome, so the report lists it beside the others.
    """
    found: list[ArticleFile] = []
    missing: list[FileOutcome] = []
    seen: set[Path] = set()

    def take(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(ArticleFile(str(path), path.read_bytes))

    for path in paths:
        if path.is_file():
            take(path)
        elif path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                suffixes = ", ".join(ARTICLE_SUFFIXES)
                missing.append(
                    FileOutcome(str(path), False, error=f"no article files ({suffixes}) in it")
                )
            for p in inside:
                take(p)
        else:
            missing.append(FileOutcome(str(path), False, error="no such file or folder"))
    return found, missing


def ingest_files(
    *,
    session: Session,
    actor: User,
    files: Sequence[ArticleFile],
    add_missing: bool = False,
    title: str | None = None,
    slug: str | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Ingest each file in its own transaction; a refused file is reported, not fatal.

    A title or slug names one article, so with either only one file is accepted. Not being
    allowed to ingest is refused once, before any file is read.
    """
    require(actor, Action.article_ingest)
    if (title or slug) and len(files) != 1:
        raise InvalidInput(f"a title or slug names one article; {len(files)} files were given")
    report = BatchReport()
    if progress is not None:
        progress(0, len(files))
    for done, item in enumerate(files, start=1):
        report.files.append(_one(session, actor, item, add_missing, title, slug))
        if progress is not None:
            progress(done, len(files))
    return report


def _one(
    session: Session,
    actor: User,
    item: ArticleFile,
    add_missing: bool,
    title: str | None,
    slug: str | None,
) -> FileOutcome:
    try:
        result = ingest_article(
            session=session, actor=actor, text=item.read(), title=title, slug=slug,
            add_missing=add_missing, filename=item.name,
        )  # fmt: skip
    except OSError as e:
        return FileOutcome(item.name, False, error=f"cannot read it: {e.strerror or e}")
    except KBError as e:
        return FileOutcome(item.name, False, error=str(e))
    return FileOutcome(
        item.name,
        True,
        slug=result.slug,
        title=result.title,
        claims=len(result.claims),
        flags=dict(result.flags),
    )
