"""An editor and a reviewer take a claim from creation to approval with the CLI alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from kb.cli import run
from kb.db import make_engine
from tests import factories as f


@pytest.fixture
def world(cli_env: str) -> Iterator[dict[str, Any]]:
    engine = make_engine(cli_env)
    with Session(engine, expire_on_commit=False) as s:
        editor = f.user(s, "editor", email="ed@example.org")
        f.user(s, "reviewer", email="rev@example.org")
        f.user(s, "analyst", email="ana@example.org")
        f.reference(s, citekey="costantini2010", study_type="case-series")
        art = f.article(s, slug="spinal-stenosis")
        c = f.claim(
            s, art=art, author=editor, kind="finding", text="SCS lowered VAS from 7.4 to 2.8."
        )
    engine.dispose()
    yield {"claim": c.id}


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def ok(self, *argv: object) -> str:
        code = run([str(a) for a in argv])
        out, err = self.capsys.readouterr()
        assert code == 0, err
        return out

    def json(self, *argv: object) -> Any:
        return json.loads(self.ok(*argv, "--json"))

    def refused(self, *argv: object) -> str:
        """The refusal: exit 1, nothing on stdout, one line on stderr; returns that line."""
        code = run([str(a) for a in argv])
        out, err = self.capsys.readouterr()
        assert code == 1 and out == ""
        assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
        return err.strip()


def test_creation_to_approval(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    cli, c = Cli(capsys), world["claim"]
    out = cli.ok("citation", "link", c, "costantini2010", "--marker", "2", "--as", "ed@example.org")
    assert out.strip() == f"claim {c} cites costantini2010 [2]: not assessed"
    assert cli.refused("review", "start", c, "--as", "ed@example.org") == (
        "error: not allowed: editors may not start reviews"
    )
    out = cli.ok("review", "start", c, "--as", "rev@example.org", "--version", 2)
    assert out.strip() == f"claim {c}: review started; now Under Review (version 3)"
    assert cli.refused("review", "approve", c, "--as", "rev@example.org").startswith(
        "error: cannot approve: no citation supports this finding"
    )
    cit = cli.json(
        "citation", "assess", c, "costantini2010", "--stance", "partially-supports",
        "--quote", "VAS 7.4 ± 2.3 to 2.8 ± 2.4", "--locator", "p. 277", "--as", "rev@example.org",
    )  # fmt: skip
    assert (cit["stance"], cit["locator"]) == ("partially supports", "p. 277")
    flag = cli.json(
        "flag", "raise", c, "--kind", "weak-evidence", "--note", "case series only",
        "--as", "rev@example.org",
    )  # fmt: skip
    assert (flag["kind"], flag["status"]) == ("weak evidence", "open")
    # The automatic check raised its own weak-evidence flag when the case series was assessed.
    [auto] = [
        fl for fl in cli.json("claim", "show", c)["flags"]
        if fl["status"] == "open" and fl["id"] != flag["id"]
    ]  # fmt: skip
    assert auto["kind"] == "weak evidence" and "costantini2010" in auto["note"]
    assert cli.refused("review", "approve", c, "--as", "rev@example.org") == (
        "error: cannot approve: 2 open flags: weak evidence (2)"
    )
    # The editor wrote the claim, so may resolve its flags.
    out = cli.ok("flag", "resolve", flag["id"], "--as", "ed@example.org", "--note", "accepted")
    assert out.strip() == f"flag {flag['id']} on claim {c}: weak evidence (resolved)"
    out = cli.ok("flag", "dismiss", auto["id"], "--as", "rev@example.org", "--note", "accepted")
    assert out.strip() == f"flag {auto['id']} on claim {c}: weak evidence (dismissed)"
    stale = cli.refused("review", "approve", c, "--as", "rev@example.org", "--version", 3)
    assert re.fullmatch(
        rf"error: claim {c} was changed by rev@example\.org at .+ UTC; reload", stale
    )
    out = cli.ok("review", "approve", c, "--as", "rev@example.org", "--version", 4)
    assert out.strip() == f"claim {c}: approved; now Approved (version 5)"

    shown = cli.json("claim", "show", c)
    assert (shown["status"], shown["approved_by"], shown["author"]) == (
        "Approved",
        "rev@example.org",
        "ed@example.org",
    )
    [citation] = shown["citations"]
    assert (citation["marker"], citation["stance"], citation["study_type"], citation["level"]) == (
        "2",
        "partially supports",
        "case-series",
        4,
    )
    assert citation["quote"] == "VAS 7.4 ± 2.3 to 2.8 ± 2.4" and citation["retraction"] == "none"
    assert [h["action"] for h in shown["history"]] == [
        "link citation",
        "start review",
        "assess stance",
        "flag raised",
        "raise flag",
        "resolve flag",
        "dismiss flag",
        "approve",
    ]
    assert "history:" in cli.ok("claim", "show", c)
    listed = cli.json("claim", "list", "--article", "spinal-stenosis", "--status", "approved")
    assert [r["id"] for r in listed] == [c]
    assert cli.json("claim", "list", "--flagged") == []
    due = cli.json("review", "due", "--today", shown["next_review_due"])
    assert [r["id"] for r in due] == [c]
    assert cli.json("review", "due", "--today", "2000-01-01") == []

    out = cli.ok("claim", "edit", c, "--text", "SCS lowered pain.", "--as", "ed@example.org")
    assert out.strip() == f"claim {c}: text edited; now Submitted (version 6)"


def test_refusals_are_one_line(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    cli, c = Cli(capsys), world["claim"]
    assert cli.refused("review", "start", 999, "--as", "rev@example.org") == "error: no claim 999"
    assert cli.refused("review", "start", c, "--as", "nobody@example.org") == (
        "error: no account with email nobody@example.org"
    )
    assert (
        cli.refused("citation", "link", c, "nosuchkey", "--as", "ed@example.org")
        == "error: no reference with citekey 'nosuchkey'"
    )
    assert cli.refused(
        "citation", "assess", c, "costantini2010", "--stance", "maybe", "--as", "rev@example.org"
    ).startswith("error: unknown stance 'maybe': choose one of supports, partially-supports")
    assert cli.refused(
        "flag", "raise", c, "--kind", "spooky", "--note", "n", "--as", "rev@example.org"
    ).startswith("error: unknown flag kind 'spooky'")
    assert cli.refused("flag", "resolve", 424242, "--as", "rev@example.org") == (
        "error: no flag 424242"
    )
    assert cli.refused("review", "reopen", c, "--as", "rev@example.org") == (
        f"error: cannot reopen: claim {c} is Submitted, not Approved"
    )
    cli.ok("review", "start", c, "--as", "rev@example.org")
    assert cli.refused("review", "request-changes", c, "--as", "rev@example.org") == (
        "error: cannot request changes: a comment is required"
    )
    assert cli.refused("claim", "edit", c, "--text", "x", "--as", "ana@example.org") == (
        "error: not allowed: analysts may not edit claims"
    )
    assert cli.refused(
        "review", "assign", c, "--to", "ed@example.org", "--as", "rev@example.org"
    ) == ("error: ed@example.org cannot review (editor); assign a reviewer")
    assert cli.refused("claim", "list", "--status", "done").startswith("error: unknown status")
    out = cli.ok(
        "review", "request-changes", c, "--as", "rev@example.org", "--comment", "cite the RCT"
    )
    assert "now Submitted" in out


def test_an_admin_cannot_rewrite_and_approve_alone(
    world: dict[str, Any], cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(cli_env)
    with Session(engine, expire_on_commit=False) as s:
        f.user(s, "admin", email="boss@example.org")
    engine.dispose()
    cli, c = Cli(capsys), world["claim"]
    cli.ok("claim", "edit", c, "--text", "SCS cured everyone.", "--as", "boss@example.org")
    cli.ok("review", "start", c, "--as", "boss@example.org")
    assert cli.refused("review", "approve", c, "--as", "boss@example.org") == (
        f"error: cannot approve: boss@example.org changed claim {c} before its review "
        "(edit text); another reviewer must approve it (four eyes); no citation supports "
        "this finding: at least one must be assessed as supports or partially supports"
    )
    assert cli.json("claim", "show", c)["status"] == "Under Review"
