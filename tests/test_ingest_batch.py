"""Many articles at once: `kb article ingest PATH...` and the service behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from kb.cli import run
from kb.errors import InvalidInput, PermissionDenied
from kb.models import Article
from kb.services.ingest.batch import ArticleFile, article_files, ingest_files
from tests import factories as f

ONE = (
    "# Walking helps\n\nWalking reduces back pain in most patients [1].\n\n"
    "## References\n\n1. Doe J. Walking. 2010.\n"
)
TWO = "# Sleep and pain\n\nPoor sleep worsens chronic pain.\n\nMost adults need seven hours.\n"
THREE = "# Heat therapy\n\nHeat wraps relieve acute low back pain.\n"


def _file(name: str, data: bytes) -> ArticleFile:
    return ArticleFile(name, lambda: data)


def _counts(s: Session) -> dict[str, int]:
    return {
        t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
        for t in ("article", "claim", "citation", "flag", "review_event", "reference")
    }


def _archive(root: Path) -> Path:
    """A folder as a publisher sends it: articles in subfolders, other files, a bad one."""
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a-walking.md").write_text(ONE, encoding="utf-8")
    (root / "sub" / "b-sleep.txt").write_text(TWO, encoding="utf-8")
    (root / "sub" / "deeper" / "c-heat.markdown").write_text(THREE, encoding="utf-8")
    (root / "sub" / "bad.md").write_bytes("# Caf\xe9 and pain\n\nCoffee.\n".encode("latin-1"))
    (root / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    (root / ".git" / "HEAD.md").write_text("# hidden\n\nNot an article.\n", encoding="utf-8")
    return root


def test_folders_are_searched_recursively_for_articles(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    files, missing = article_files([root, tmp_path / "nowhere", root / "a-walking.md"])
    names = [Path(x.name).relative_to(root).as_posix() for x in files]
    # Path order; the same file named twice is taken once; hidden folders and .pdf left out.
    assert names == ["a-walking.md", "sub/b-sleep.txt", "sub/bad.md", "sub/deeper/c-heat.markdown"]
    assert [(m.file, m.error) for m in missing] == [
        (str(tmp_path / "nowhere"), "no such file or folder")
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    _, missing = article_files([empty])
    assert missing[0].error is not None and missing[0].error.startswith("no article files")


def test_each_file_is_its_own_transaction(session: Session) -> None:
    editor = f.user(session, "editor")
    files = [
        _file("one.md", ONE.encode()),
        _file("latin1.md", "# Caf\xe9\n\nCoffee helps.\n".encode("latin-1")),
        _file("two.md", TWO.encode()),
        _file("again.md", ONE.encode()),  # the same title: its slug exists by then
        _file("three.md", THREE.encode()),
    ]
    seen: list[tuple[int, int | None]] = []
    report = ingest_files(
        session=session, actor=editor, files=files, progress=lambda d, t: seen.append((d, t))
    )
    assert [(o.file, o.ingested) for o in report.files] == [
        ("one.md", True), ("latin1.md", False), ("two.md", True), ("again.md", False),
        ("three.md", True),
    ]  # fmt: skip
    assert "latin1.md is not UTF-8 text" in (report.files[1].error or "")
    assert "already exists" in (report.files[3].error or "")
    slugs = sorted(a.slug for a in session.exec(select(Article)))
    assert slugs == sorted(o.slug for o in report.files if o.ingested)
    stored = report.as_dict()
    assert (stored["ingested"], stored["refused"]) == (3, 2)
    assert stored["claims"] == _counts(session)["claim"] == sum(o.claims for o in report.files)
    assert report.files[2].claims == 2
    assert seen == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_refused_before_any_file_is_read(session: Session) -> None:
    analyst = f.user(session, "analyst")
    editor = f.user(session, "editor")
    before = _counts(session)

    def unreadable() -> bytes:
        raise AssertionError("read although the whole batch was refused")

    files = [ArticleFile("a.md", unreadable), ArticleFile("b.md", unreadable)]
    with pytest.raises(PermissionDenied):
        ingest_files(session=session, actor=analyst, files=files)
    with pytest.raises(InvalidInput, match="a title or slug names one article; 2 files"):
        ingest_files(session=session, actor=editor, files=files, title="One title")
    assert _counts(session) == before


def test_cli_ingests_an_archive_and_reports_each_file(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _archive(tmp_path / "archive")
    assert run(["user", "add", "ed@example.org", "--role", "editor"]) == 0
    capsys.readouterr()
    code = run(
        ["article", "ingest", str(root), str(tmp_path / "gone.md"), "--as", "ed@example.org"]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 1  # two refused
    assert out[0] == f"refused {tmp_path / 'gone.md'}: no such file or folder"
    assert out[1].startswith(f"ingested {root / 'a-walking.md'}: article walking-helps, 1 claims")
    assert out[2].startswith(f"ingested {root / 'sub' / 'b-sleep.txt'}: article sleep-and-pain")
    assert out[3].startswith(f"refused {root / 'sub' / 'bad.md'}: ")
    assert "is not UTF-8 text" in out[3]
    assert out[4].startswith(f"ingested {root / 'sub' / 'deeper' / 'c-heat.markdown'}: ")
    assert out[5].startswith("3 ingested (") and out[5].endswith(", 2 refused")
    # Nothing of the refused files was written; the others are there.
    assert run(["article", "list", "--json"]) == 0
    listed = {row["slug"] for row in json.loads(capsys.readouterr().out)}
    assert listed == {"walking-helps", "sleep-and-pain", "heat-therapy"}


def test_cli_batch_json_and_exit_zero_when_all_ingested(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.md").write_text(TWO, encoding="utf-8")
    (tmp_path / "y.md").write_text(THREE, encoding="utf-8")
    assert run(["user", "add", "ed@example.org", "--role", "editor"]) == 0
    capsys.readouterr()
    args = ["article", "ingest", str(tmp_path / "x.md"), str(tmp_path / "y.md"), "--json"]
    assert run([*args, "--as", "ed@example.org"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["ingested"], report["refused"]) == (2, 0)
    assert [r["slug"] for r in report["files"]] == ["sleep-and-pain", "heat-therapy"]
    # A title for several files is one error, nothing written.
    assert run([*args, "--as", "ed@example.org", "--title", "T"]) == 1
    assert "a title or slug names one article" in capsys.readouterr().err
