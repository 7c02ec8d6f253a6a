"""Ingestion end to end: seeds, the project's sample, mds526, checks, atomicity."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from kb.cli import run
from kb.db import make_engine
from kb.errors import DatabaseBusy, ImportProblem, InvalidInput
from kb.models import Citation, Claim, Flag, Measure, Reference, ReviewEvent
from kb.services import references
from kb.services.articles import set_marker_mapping
from kb.services.checks import run_checks
from kb.services.ingest import IngestResult, decode_article, ingest_article, preview_article
from tests import factories as f
from tests.conftest import SHARED, require_shared

REPO = Path(__file__).resolve().parents[1]
SEEDS = SHARED / "seeds"
REAL = SHARED / "realdata" / "articles"
SAMPLE = REPO / "kb" / "demo" / "articles" / "spinal-stenosis-balance.md"
BLOG = REPO / "kb" / "demo" / "articles" / "scs-clinic-blog.md"
LIBRARY = REPO / "data" / "references.bib"


def _article(path: Path) -> str:
    """The text of a sample article, or of a seed (which skips or fails without ../shared)."""
    return (require_shared(path) if path.is_relative_to(SHARED) else path).read_text("utf-8")


@pytest.fixture
def lib(sqlite_session: Session) -> Session:
    references.import_bib(session=sqlite_session, actor=None, data=LIBRARY.read_bytes())
    return sqlite_session


def _flags(s: Session, kind: str) -> list[Flag]:
    return list(s.exec(select(Flag).where(Flag.kind == kind, Flag.status == "open")).all())


def _counts(s: Session) -> dict[str, int]:
    return {
        t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
        for t in ("article", "claim", "citation", "measure", "flag", "review_event", "reference")
    }


@pytest.mark.parametrize("path", [SAMPLE, SEEDS / "003_7eefec44a915ce00.txt"], ids=lambda p: p.name)
def test_stenosis_article_ambiguous_then_mapped(lib: Session, path: Path) -> None:
    s = lib
    editor = f.user(s, "editor")
    result = ingest_article(session=s, actor=editor, text=_article(path))
    assert len(result.claims) == 16
    assert result.markers == ["1", "2", "3", "4", "5"]
    assert result.mapping == "ambiguous" and result.links == []
    assert s.exec(select(Citation)).all() == []  # no link guessed
    assert len(_flags(s, "ambiguous citation mapping")) == 16
    claims = s.exec(select(Claim).order_by(col(Claim.position))).all()
    assert all(c.status == "Submitted" and c.author_id == editor.id for c in claims)
    # The VAS pre/post measure and the consistent mean difference are parsed.
    measures = s.exec(select(Measure)).all()
    prepost = [m for m in measures if m.kind == "pre/post means"]
    assert [
        (m.pre_mean, m.pre_sd, m.post_mean, m.post_sd, m.p_operator, m.p_value) for m in prepost
    ] == [(7.4, 2.3, 2.8, 2.4, "<", 0.05)]
    assert "27" in (prepost[0].time_point or "")
    md = [m for m in measures if m.kind == "mean difference"]
    assert [(m.estimate, m.ci_lower, m.ci_upper, m.p_value, m.consistent) for m in md] == [
        (-1.63, -2.68, -0.57, 0.002, True)
    ]
    # An editor maps the markers: links appear with the right markers; ambiguity resolved.
    slug = result.slug
    mapping = {"1": "ozcaneksi2016denervation", "2": "costantini2010scs",
               "4": "atlas2006stenosis", "5": "praxis2025stenosis"}  # fmt: skip
    out = set_marker_mapping(session=s, actor=editor, slug=slug, mapping=mapping)
    assert out["resolved"]["ambiguous citation mapping"] >= 14
    links = s.exec(
        select(Claim.position, Citation.marker, Reference.citekey)
        .join(Citation, col(Citation.claim_id) == Claim.id)
        .join(Reference, col(Reference.id) == Citation.reference_id)
    ).all()
    by_claim: dict[int, set[tuple[str | None, str]]] = {}
    for pos, marker, key in links:
        by_claim.setdefault(pos, set()).add((marker, key))
    for c in claims:
        expected = {(m, mapping[m]) for m in c.markers if m in mapping}
        assert by_claim.get(c.position, set()) == expected
    # Marker 3 stays unresolved until an editor finds the study: still flagged ambiguous.
    still = {fl.claim_id for fl in _flags(s, "ambiguous citation mapping")}
    assert still == {c.id for c in claims if "3" in c.markers}
    events = s.exec(select(ReviewEvent).where(ReviewEvent.action == "citations mapped")).all()
    assert len(events) == sum(1 for c in claims if set(c.markers) & set(mapping))


@pytest.mark.parametrize("path", [BLOG, SEEDS / "000_02ca8a0e3a5a041f.txt"], ids=lambda p: p.name)
def test_blog_without_citations_is_flagged_unsupported(lib: Session, path: Path) -> None:
    editor = f.user(lib, "editor")
    res = ingest_article(session=lib, actor=editor, text=_article(path), slug="blog")
    assert res.markers == [] and res.links == []
    claims = lib.exec(select(Claim).where(Claim.article_id == res.article_id)).all()
    flagged = {fl.claim_id for fl in _flags(lib, "unsupported statement")} & {c.id for c in claims}
    texts = {c.id: c.text for c in claims}
    joined = " | ".join(texts[i] for i in flagged).lower()
    assert "60" in joined and "90 days" in joined
    assert "safe" in joined
    assert "opioid" in joined or "medication" in joined
    assert not any(
        t.lower().startswith(("personalize", "have a follow-up")) for t in texts.values()
    )


def test_mds526_add_missing_links_numbered_references(sqlite_session: Session) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    text_ = _article(REAL / "mds526.txt")
    res = ingest_article(session=s, actor=editor, text=text_, slug="mds526", add_missing=True)
    assert res.mapping == "numbered"
    refs = s.exec(select(Reference).where(Reference.source == "article:mds526")).all()
    assert len(refs) == 40
    assert sum(1 for r in refs if r.pmid) >= 30
    number_to_key = {r.number: r.citekey for r in res.references}
    rows = s.exec(
        select(Claim.markers, Citation.marker, Reference.citekey)
        .join(Citation, col(Citation.claim_id) == Claim.id)
        .join(Reference, col(Reference.id) == Citation.reference_id)
    ).all()
    assert len(rows) > 40
    for markers, marker, key in rows:
        assert marker in markers and number_to_key[int(marker)] == key
    odds = s.exec(select(Measure).where(Measure.kind == "odds ratio")).all()
    assert len(odds) >= 5 and all(m.ci_lower <= m.estimate <= m.ci_upper for m in odds)


def test_inconsistent_numbers_flagged_consistent_not(lib: Session) -> None:
    editor = f.user(lib, "editor")
    article = (
        "# Numbers\n\n"
        "Drug A lowered pain (mean difference -1.63; 95% CI: -2.68, -0.57; p = 0.002). [1]\n\n"
        "Drug B lowered pain (mean difference -1.63; 95% CI: -2.68, -0.57; p = 0.40). [1]\n\n"
        "Drug C cut relapse (OR 0.50, 95% CI 0.57 to 0.81). [1]\n\n"
        "Of the patients, 72 of 82 (95%) responded to drug D. [1]\n\n"
        "## References\n\n1. Costantini A. Spinal cord stimulation for the treatment of chronic "
        "pain in patients with lumbar spinal stenosis. Neuromodulation 2010;13(4):275-279.\n"
    )
    ingest_article(session=lib, actor=editor, text=article, slug="numbers")
    texts = [
        lib.get(Claim, fl.claim_id).text  # type: ignore[union-attr]
        for fl in _flags(lib, "numeric inconsistency")
    ]
    flagged = {name for name in ("A", "B", "C", "D") for t in texts if f"rug {name}" in t}
    assert flagged == {"B", "C", "D"}


def test_checks_idempotent_and_auto_resolve(lib: Session) -> None:
    editor = f.user(lib, "editor")
    res = ingest_article(session=lib, actor=editor, text=BLOG.read_text(encoding="utf-8"))
    before = len(_flags(lib, "unsupported statement"))
    assert before > 0
    again = run_checks(session=lib, actor=None)
    assert again.raised == {} and again.resolved == {}
    assert len(_flags(lib, "unsupported statement")) == before
    # Give one unsupported claim a citation: the next run resolves its flag with an event.
    flag = _flags(lib, "unsupported statement")[0]
    ref = references.get_reference(session=lib, citekey="costantini2010scs")
    lib.add(Citation(claim_id=flag.claim_id, reference_id=ref.id, marker=None))
    lib.commit()
    third = run_checks(session=lib, actor=None, article_slug=res.slug)
    assert third.resolved == {"unsupported statement": 1}
    lib.refresh(flag)
    assert flag.status == "resolved" and "cause is gone" in (flag.resolution_note or "")
    ev = lib.exec(
        select(ReviewEvent).where(
            ReviewEvent.claim_id == flag.claim_id, ReviewEvent.action == "flag resolved"
        )
    ).all()
    assert len(ev) == 1


def test_weak_evidence_and_number_not_in_source(lib: Session) -> None:
    editor = f.user(lib, "editor")
    article = (
        "# Weak\n\nSCS lowered VAS pain from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05). [1]\n\n"
        "SCS lowered VAS pain from 6.1 ± 2.0 to 3.9 ± 2.2 (p < 0.05). [1]\n\n"
        "## References\n\n1. Costantini A. Spinal cord stimulation for the treatment of chronic "
        "pain in patients with lumbar spinal stenosis. Neuromodulation 2010;13(4):275-279.\n"
    )
    ingest_article(session=lib, actor=editor, text=article, slug="weak")
    missing = _flags(lib, "number not found in the cited abstract")
    assert len(missing) == 1 and "6.1" in (missing[0].note or "")
    lib.execute(text("UPDATE citation SET stance = 'supports'"))
    lib.commit()
    run_checks(session=lib, actor=None)
    weak = _flags(lib, "weak evidence")
    assert len(weak) == 2 and "costantini2010scs" in (weak[0].note or "")


def test_broken_article_never_half_ingests(lib: Session) -> None:
    editor = f.user(lib, "editor")
    before = _counts(lib)
    broken = "# Title\n\nFirst claim reduces pain [1].\n\nSecond claim [3 is never closed.\n"
    with pytest.raises(ImportProblem, match=r"line 5"):
        ingest_article(session=lib, actor=editor, text=broken)
    assert _counts(lib) == before
    ingest_article(session=lib, actor=editor, text=SAMPLE.read_text(encoding="utf-8"), slug="x")
    mid = _counts(lib)
    with pytest.raises(InvalidInput, match="already exists"):
        ingest_article(session=lib, actor=editor, text=SAMPLE.read_text(encoding="utf-8"), slug="x")
    assert _counts(lib) == mid


def test_preview_writes_nothing(lib: Session) -> None:
    editor = f.user(lib, "editor")
    before = _counts(lib)
    res = preview_article(session=lib, actor=editor, text=BLOG.read_text(encoding="utf-8"))
    assert res.flags.get("unsupported statement", 0) > 0 and len(res.claims) > 5
    assert _counts(lib) == before


def _stored_view(result: IngestResult) -> dict[str, object]:
    data = result.as_dict()
    data["article_id"] = None
    data["claims"] = [{**c, "id": None} for c in data["claims"]]
    return data


# A numbered article whose entries 1 and 2 resolve to the shipped library and 3 to nothing.
NUMBERED = """# Spinal cord stimulation and stenosis

Spinal cord stimulation lowered VAS pain from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05) over 27 months [1].

Surgery and nonsurgical care differed by -1.63 points (95% CI -2.68 to -0.57; p = 0.002) [2, 3].

Balance training reduced falls by 40% in older adults [3].

## References

1. Costantini A, Buchser E, Van Buyten JP. Spinal cord stimulation for the treatment of chronic
pain in patients with lumbar spinal stenosis. Neuromodulation. 2010;13(4):275-279.
2. Atlas SJ, Delitto A. Spinal stenosis: surgical versus nonsurgical treatment. Clin Orthop Relat
Res. 2006;443:198-207.
3. Doe J. A balance programme for falls in older adults. Journal of Examples. 2019;1:1-9.
"""
OWN = Path("numbered-own.md")


@pytest.mark.parametrize("add_missing", [False, True], ids=["library", "add-missing"])
@pytest.mark.parametrize(
    "path",
    [OWN, SAMPLE, BLOG, SEEDS / "003_7eefec44a915ce00.txt", REAL / "mds526.txt",
     REAL / "ehp-116-1694.txt"],
    ids=lambda p: p.name,
)  # fmt: skip
def test_preview_predicts_exactly_what_ingest_stores(
    lib: Session, path: Path, add_missing: bool
) -> None:
    s, text_ = lib, NUMBERED if path == OWN else _article(path)
    editor = f.user(s, "editor")
    first = preview_article(session=s, actor=editor, text=text_, add_missing=add_missing)
    # Give the checks something to find in the linked references: a retraction and an abstract
    # that holds none of the claims' numbers (both change the flags a claim gets).
    linked = sorted({link["citekey"] for link in first.links})
    if linked:
        s.execute(
            text("UPDATE reference SET retraction = 'retracted' WHERE citekey = :k"),
            {"k": linked[0]},
        )
        s.execute(
            text("UPDATE reference SET abstract = 'No numbers here.' WHERE citekey = :k"),
            {"k": linked[-1]},
        )
        s.commit()
    before = _counts(s)
    preview = preview_article(session=s, actor=editor, text=text_, add_missing=add_missing)
    assert _counts(s) == before
    stored = ingest_article(session=s, actor=editor, text=text_, add_missing=add_missing)
    assert _stored_view(preview) == _stored_view(stored)
    by_kind = dict(
        s.execute(text("SELECT kind, count(*) FROM flag WHERE status = 'open' GROUP BY kind")).all()
    )
    assert preview.flags == dict(sorted(by_kind.items()))
    if path == OWN:  # the library's retraction and abstract reached the checks
        assert preview.flags["retracted source"] >= 1
        assert preview.flags["number not found in the cited abstract"] >= 1


def test_preview_takes_no_write_lock(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_SQLITE_BUSY_TIMEOUT_MS", "200")
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as s:
        editor = f.user(s, "editor")
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another kb process is writing
        try:
            res = preview_article(session=s, actor=editor, text=BLOG.read_text(encoding="utf-8"))
            assert res.flags.get("unsupported statement", 0) > 0
            with pytest.raises(DatabaseBusy):
                ingest_article(session=s, actor=editor, text=BLOG.read_text(encoding="utf-8"))
        finally:
            other.execute("ROLLBACK")
            other.close()
    engine.dispose()


def test_analyst_cannot_ingest(lib: Session) -> None:
    from kb.errors import PermissionDenied

    analyst = f.user(lib, "analyst")
    with pytest.raises(PermissionDenied):
        ingest_article(session=lib, actor=analyst, text=BLOG.read_text())
    with pytest.raises(PermissionDenied):  # a preview needs the same right
        preview_article(session=lib, actor=analyst, text=BLOG.read_text())


def test_configured_furniture_applies_to_every_caller(
    lib: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "# Guide\n\nSCS eases leg pain.\n\nSponsored by Acme Devices.\n"
    editor = f.user(lib, "editor")
    kept = preview_article(session=lib, actor=editor, text=text)
    assert [c["text"] for c in kept.claims] == ["SCS eases leg pain.", "Sponsored by Acme Devices."]
    patterns = tmp_path / "furniture.txt"
    patterns.write_text("# site lines\nsponsored by .*\n", encoding="utf-8")
    monkeypatch.setenv("KB_FURNITURE_FILE", str(patterns))
    cut = preview_article(session=lib, actor=editor, text=text)
    assert [c["text"] for c in cut.claims] == ["SCS eases leg pain."]
    saved = ingest_article(session=lib, actor=editor, text=text, slug="furnished")
    assert [c["text"] for c in saved.claims] == ["SCS eases leg pain."]
    monkeypatch.setenv("KB_FURNITURE_FILE", str(tmp_path / "missing.txt"))
    with pytest.raises(InvalidInput, match="KB_FURNITURE_FILE .* does not exist"):
        preview_article(session=lib, actor=editor, text=text)


def test_article_bytes_must_be_utf8() -> None:
    assert decode_article("\ufeffSCS é".encode(), source="a.md") == "SCS é"
    with pytest.raises(InvalidInput, match=r"a\.md is not UTF-8 text \(byte offset 4\)"):
        decode_article("SCS é".encode("latin-1"), source="a.md")


def test_cli_ingest_and_map_markers(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["reference", "import", str(LIBRARY)]) == 0
    assert run(["user", "add", "ed@example.org", "--role", "editor"]) == 0
    capsys.readouterr()
    code = run(
        ["article", "ingest", str(SAMPLE), "--slug", "stenosis", "--as", "ed@example.org", "--json"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mapping"] == "ambiguous" and out["flags"] == {"ambiguous citation mapping": 16}
    assert run(["article", "map-markers", "stenosis", "2=costantini2010scs", "--as",
                "ed@example.org"]) == 0  # fmt: skip
    assert "claim(s) linked" in capsys.readouterr().out
    assert run(["article", "map-markers", "stenosis", "9=costantini2010scs", "--as",
                "ed@example.org"]) == 1  # fmt: skip
    assert "marker(s) 9 do not appear" in capsys.readouterr().err
    assert run(["check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"claims": 16, "raised": {}, "resolved": {}}
    assert run(["article", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["slug"] == "stenosis" and rows[0]["Submitted"] == 16
    assert rows[0]["status"] == "Submitted"


def test_unnumbered_list_matching_markers_links_inferred(lib: Session) -> None:
    editor = f.user(lib, "editor")
    article = (
        "# Two sources\n\nSCS lowered VAS pain in a registry of 69 patients. 1\n\n"
        "Balance impairment tracks paraspinal denervation. 2\n\n"
        "## References\n\n"
        "Spinal cord stimulation for the treatment of chronic pain in patients with lumbar "
        "spinal stenosis\nNeuromodulation, 2010\n\n"
        "Paraspinal muscle denervation and balance impairment in lumbar spinal stenosis\n"
        "Muscle & Nerve, 2016\n"
    )
    res = ingest_article(session=lib, actor=editor, text=article, slug="two")
    assert res.mapping == "inferred"
    assert sorted((x["marker"], x["citekey"], x["state"]) for x in res.links) == [
        ("1", "costantini2010scs", "inferred"),
        ("2", "ozcaneksi2016denervation", "inferred"),
    ]
    states = lib.exec(select(Citation.marker, Citation.link_state)).all()
    assert sorted(states) == [("1", "inferred"), ("2", "inferred")]
    assert _flags(lib, "ambiguous citation mapping") == []


def test_cli_retract_sends_approved_claims_back(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kb.db import make_engine

    engine = make_engine(cli_env)
    with Session(engine, expire_on_commit=False) as s:
        ref = f.reference(s, citekey="fraud2019")
        c = f.claim(s, refs=(ref,), stance="supports", status="Approved")
    engine.dispose()
    assert (
        run(["reference", "retract", "fraud2019", "--status", "retracted", "--note", "2024"]) == 0
    )
    assert "fraud2019: retracted" in capsys.readouterr().out
    assert run(["claim", "show", str(c.id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "Under Review"
    assert [fl["kind"] for fl in shown["flags"] if fl["status"] == "open"] == ["retracted source"]
    assert run(["reference", "retract", "fraud2019", "--status", "bogus"]) == 1
    assert "bogus" in capsys.readouterr().err


def test_mapping_markers_sends_approved_claims_back_and_needs_permission(lib: Session) -> None:
    from kb.errors import PermissionDenied

    editor = f.user(lib, "editor")
    res = ingest_article(session=lib, actor=editor, text=SAMPLE.read_text(), slug="map")
    first = lib.exec(
        select(Claim).where(Claim.article_id == res.article_id, Claim.markers != [])
    ).first()
    assert first is not None
    marker = first.markers[0]
    lib.execute(text("UPDATE claim SET status = 'Approved' WHERE id = :i"), {"i": first.id})
    lib.commit()
    with pytest.raises(PermissionDenied):
        set_marker_mapping(
            session=lib, actor=f.user(lib, "analyst"), slug="map",
            mapping={marker: "costantini2010scs"},
        )  # fmt: skip
    set_marker_mapping(session=lib, actor=editor, slug="map", mapping={marker: "costantini2010scs"})
    lib.expire_all()
    again = lib.get(Claim, first.id)
    assert again is not None and again.status == "Submitted"
    event = lib.exec(
        select(ReviewEvent).where(
            ReviewEvent.claim_id == first.id, ReviewEvent.action == "citations mapped"
        )
    ).one()
    assert (event.from_status, event.to_status) == ("Approved", "Submitted")
    assert "sent back to Submitted" in (event.comment or "")
