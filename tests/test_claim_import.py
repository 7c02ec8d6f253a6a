"""Importing a claim spreadsheet: all or nothing, refused rows by number, --skip-bad, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlmodel import Session, select

from kb.cli import run
from kb.db import make_engine
from kb.errors import ImportProblem, InvalidInput, PermissionDenied
from kb.models import Article, Citation, Claim, Flag, ReviewEvent
from kb.services.claim_import import import_claims
from tests import factories

GOOD = [
    {"text": "Spinal cord stimulation reduced pain from 7.4 to 2.8.", "section": "Treatment",
     "citekeys": "costantini2010; atlas2006", "notes": "from the 2024 sheet"},
    {"text": "Patients should try physical therapy first.", "section": "Treatment",
     "citekeys": "atlas2006", "notes": ""},
    {"text": "Stenosis is a narrowing of the spinal canal.", "section": "Overview",
     "citekeys": "", "notes": ""},
]  # fmt: skip


def _sheet(path: Path, rows: list[dict[str, str]]) -> Path:
    df = pd.DataFrame(rows)
    if path.suffix == ".xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_csv(path, index=False)
    return path


@pytest.fixture
def library(session: Session) -> dict[str, Any]:
    editor = factories.user(session, role="editor")
    factories.reference(session, citekey="costantini2010", study_type="case-series")
    factories.reference(session, citekey="atlas2006", study_type="narrative-review")
    art = factories.article(session, slug="spine", title="Spinal stenosis")
    factories.claim(session, art=art, position=1, text="Already here.", author=editor)
    return {"editor": editor, "article": art}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_good_rows(session: Session, library: dict, tmp_path: Path, suffix: str) -> None:
    editor = library["editor"]
    path = _sheet(tmp_path / f"claims{suffix}", GOOD)
    report = import_claims(session=session, actor=editor, path=path, article="spine")
    assert (report.rows, report.imported, report.refused) == (3, 3, [])
    claims = session.exec(
        select(Claim).where(Claim.id.in_(report.claim_ids)).order_by(Claim.position)  # type: ignore[union-attr]
    ).all()
    assert [c.position for c in claims] == [2, 3, 4]  # after the article's existing claim
    assert [c.kind for c in claims] == ["finding", "recommendation", "background"]
    assert {c.status for c in claims} == {"Submitted"}
    assert {c.author_id for c in claims} == {editor.id}
    assert claims[0].section == "Treatment" and claims[2].section == "Overview"
    cites = session.exec(select(Citation).where(Citation.claim_id == claims[0].id)).all()
    assert len(cites) == 2 and {c.link_state for c in cites} == {"manual"}
    events = session.exec(
        select(ReviewEvent).where(ReviewEvent.action == "imported").order_by(ReviewEvent.id)  # type: ignore[arg-type]
    ).all()
    assert [(e.claim_id, e.comment) for e in events][:2] == [
        (claims[0].id, "from the 2024 sheet"),
        (claims[1].id, None),
    ]
    assert len(events) == 3
    # Checks ran and the stored summaries agree with the flags and citations they counted.
    for claim in claims:
        session.refresh(claim)
        open_flags = session.exec(
            select(Flag).where(Flag.claim_id == claim.id, Flag.status == "open")
        ).all()
        assert claim.open_flag_count == len(open_flags)
        assert (claim.supporting_count, claim.best_level) == (0, None)  # not assessed yet


def test_refused_rows_import_nothing(session: Session, library: dict, tmp_path: Path) -> None:
    rows = [
        *GOOD,
        {"text": "Cites a missing key.", "section": "", "citekeys": "nobody2001", "notes": ""},
        {"text": "", "section": "Empty", "citekeys": "", "notes": ""},
        {"text": "Already here.", "section": "", "citekeys": "", "notes": ""},
        {"text": "stenosis is a NARROWING of the spinal   canal.", "section": "",
         "citekeys": "", "notes": ""},
    ]  # fmt: skip
    path = _sheet(tmp_path / "claims.csv", rows)
    before = len(session.exec(select(Claim)).all())
    with pytest.raises(ImportProblem) as err:
        import_claims(session=session, actor=library["editor"], path=path, article="spine")
    assert [str(p) for p in err.value.problems] == [
        "row 5: unknown citekey 'nobody2001'",
        "row 6: text is empty",
        "row 7: the article already has this claim",
        "row 8: same text as row 4",
    ]
    assert "4 of 7 rows refused, nothing imported" in str(err.value)
    assert len(session.exec(select(Claim)).all()) == before


def test_skip_bad_writes_good_rows(session: Session, library: dict, tmp_path: Path) -> None:
    rows = [GOOD[0], {"text": "Bad key.", "section": "", "citekeys": "nope", "notes": ""}]
    path = _sheet(tmp_path / "claims.csv", rows)
    report = import_claims(
        session=session, actor=library["editor"], path=path, article="spine", skip_bad=True
    )
    assert report.imported == 1 and [str(p) for p in report.refused] == [
        "row 3: unknown citekey 'nope'"
    ]


def test_new_article_needs_a_title(session: Session, library: dict, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "claims.csv", GOOD[:1])
    editor = library["editor"]
    with pytest.raises(InvalidInput, match="give --title"):
        import_claims(session=session, actor=editor, path=path, article="new-one")
    report = import_claims(
        session=session, actor=editor, path=path, article="new-one", title="New one"
    )
    assert report.created_article
    assert session.exec(select(Article).where(Article.slug == "new-one")).one().title == "New one"


def test_reviewers_cannot_import(session: Session, library: dict, tmp_path: Path) -> None:
    reviewer = factories.user(session, role="reviewer")
    path = _sheet(tmp_path / "claims.csv", GOOD)
    with pytest.raises(PermissionDenied):
        import_claims(session=session, actor=reviewer, path=path, article="spine")


def test_bad_files(session: Session, library: dict, tmp_path: Path) -> None:
    editor = library["editor"]
    no_text = _sheet(tmp_path / "x.csv", [{"claim text": "a"}])
    with pytest.raises(ImportProblem, match="no `text` column"):
        import_claims(session=session, actor=editor, path=no_text, article="spine")
    other = tmp_path / "x.txt"
    other.write_text("text\nhello\n")
    with pytest.raises(InvalidInput, match=r"reads \.csv or \.xlsx"):
        import_claims(session=session, actor=editor, path=other, article="spine")


def test_cli_import_claims(cli_env: str, tmp_path: Path, capsys: Any) -> None:
    engine = make_engine(cli_env)
    with Session(engine, expire_on_commit=False) as s:
        factories.user(s, role="editor", email="ed@example.org")
        factories.reference(s, citekey="costantini2010")
        factories.reference(s, citekey="atlas2006")
    engine.dispose()
    good = _sheet(tmp_path / "good.csv", GOOD)
    argv = ["claim", "import", str(good), "--article", "spine", "--title", "Spine",
            "--as", "ed@example.org", "--json"]  # fmt: skip
    assert run(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] == 3 and report["created_article"] is True
    bad = _sheet(tmp_path / "bad.csv", [{"text": "X.", "citekeys": "nope"}])
    assert run(["claim", "import", str(bad), "--article", "spine",
                "--as", "ed@example.org", "--json"]) == 1  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["refused"] == [{"row": 2, "message": "unknown citekey 'nope'"}]
