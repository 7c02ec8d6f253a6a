"""The reference library service: upsert, all-or-nothing, duplicates, export round trip, merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from kb.cli import run
from kb.db import make_engine
from kb.errors import ImportProblem, InvalidInput, NotFound, PermissionDenied
from kb.formats.bibtex import BARE, parse_bib
from kb.models import Citation, Reference, ReviewEvent
from kb.services import references as svc
from tests import factories as f
from tests.conftest import new_sqlite_url, require_shared

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "bib"
REAL = REPO.parent / "shared" / "realdata" / "bib"
SHIPPED = REPO / "data" / "references.bib"


def _snapshot(session: Session) -> list[tuple]:
    rows = session.execute(text("SELECT citekey, content_hash FROM reference ORDER BY citekey"))
    blocks = session.execute(text("SELECT kind, name, value FROM bib_block ORDER BY kind, name"))
    return [tuple(r) for r in rows] + [tuple(b) for b in blocks]


def _records(session: Session) -> list[dict]:
    refs = session.exec(select(Reference).order_by(Reference.citekey)).all()
    keep = ("citekey", "entry_type", "title", "authors", "journal", "year", "volume", "number",
            "pages", "doi", "pmid", "abstract", "note", "study_type", "study_type_inferred",
            "retraction", "raw_fields")  # fmt: skip
    return [{k: getattr(r, k) for k in keep} for r in refs]


def test_shipped_library_imports_and_reimport_is_idempotent(session: Session) -> None:
    first = svc.import_bib(session=session, actor=None, data=SHIPPED.read_bytes())
    assert first.written and not first.problems
    assert sorted(first.created) == [
        "atlas2006stenosis",
        "costantini2010scs",
        "ozcaneksi2016denervation",
        "praxis2025stenosis",
    ]
    assert first.study_types == {
        "case-series": 1,
        "cross-sectional": 1,
        "guideline": 1,
        "narrative-review": 1,
    }
    again = svc.import_bib(session=session, actor=None, data=SHIPPED.read_bytes())
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 4)
    ozcan = svc.get_reference(session=session, citekey="ozcaneksi2016denervation")
    assert ozcan.doi == "10.1002/mus.24759" and ozcan.journal == "Muscle & Nerve"
    assert ozcan.pmid is None  # never guessed


def test_changed_entry_is_updated_identical_untouched(session: Session) -> None:
    svc.import_bib(session=session, actor=None, data=SHIPPED.read_bytes())
    changed = SHIPPED.read_text(encoding="utf-8").replace("{2016}", "{2017}")
    report = svc.import_bib(session=session, actor=None, text=changed)
    assert report.updated == ["ozcaneksi2016denervation"] and report.unchanged == 3
    assert svc.get_reference(session=session, citekey="ozcaneksi2016denervation").year == 2017


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("malformed.bib", "malformed block"),
        ("duplicate_key.bib", "duplicate key"),
        ("missing_title.bib", "missing title"),
        ("undefined_macro.bib", "undefined macro"),
        ("missing_crossref.bib", "missing crossref"),
    ],
)
def test_refused_import_writes_nothing(session: Session, fixture: str, kind: str) -> None:
    svc.import_bib(session=session, actor=None, data=SHIPPED.read_bytes())
    before = _snapshot(session)
    report = svc.import_bib(session=session, actor=None, data=(DATA / fixture).read_bytes())
    assert report.refused and not report.written
    assert kind in {p.kind for p in report.problems}
    assert all(p.line is not None for p in report.problems if p.kind == kind)
    assert _snapshot(session) == before


def test_skip_bad_writes_the_good_entries(sqlite_session: Session) -> None:
    report = svc.import_bib(
        session=sqlite_session,
        actor=None,
        data=(DATA / "missing_title.bib").read_bytes(),
        skip_bad=True,
    )
    assert report.written and report.skipped
    keys = {r.citekey for r in sqlite_session.exec(select(Reference)).all()}
    assert keys and not (keys & set(report.skipped))
    assert set(report.created) == keys


def test_possible_duplicates_listed_not_merged(sqlite_session: Session) -> None:
    bib = """
@article{a1, title={Exercise for back pain}, year={2019}, doi={10.1/X}}
@article{a2, title={Something else}, year={2019}, doi={https://doi.org/10.1/x}}
@article{b1, title={Trial one}, year={2020}, pmid={123}}
@article{b2, title={Trial two}, year={2020}, pmid={123}}
@article{c1, title={Yoga, for Stenosis!}, year={2021}}
@article{c2, title={yoga for stenosis}, year={2021}}
@article{c3, title={yoga for stenosis}, year={2022}}
"""
    report = svc.import_bib(session=sqlite_session, actor=None, text=bib)
    pairs = {(frozenset(d.citekeys), d.reason.split()[1]) for d in report.possible_duplicates}
    assert pairs == {
        (frozenset({"a1", "a2"}), "DOI"),
        (frozenset({"b1", "b2"}), "PMID"),
        (frozenset({"c1", "c2"}), "title"),
    }
    assert len(sqlite_session.exec(select(Reference)).all()) == 7


def test_export_import_round_trip_on_both_engines(engine: Engine, tmp_path: Path) -> None:
    bib = (
        SHIPPED.read_text(encoding="utf-8")
        + '\n@string{neuro = "Neurology"}\n@preamble{"\\newcommand{\\x}{y}"}\n'
        + "@article{m1, title={Caf{\\'e} {RNA} study}, journal=neuro, month=jan, year=2001,"
        + ' author={M{\\"u}ller, J. and {World Health Organization}}, retraction={retracted}}\n'
    )
    with Session(engine) as s:
        svc.import_bib(session=s, actor=None, text=bib)
        exported = svc.export_bib(session=s)
        original = _records(s)
    assert "studytype = {case-series}" in exported and "retraction = {retracted}" in exported
    other = make_engine(_fresh_like(engine, tmp_path))
    try:
        with Session(other) as s2:
            report = svc.import_bib(session=s2, actor=None, text=exported)
            assert report.written and not report.problems
            assert _records(s2) == original
            m1 = svc.get_reference(session=s2, citekey="m1")
            assert m1.journal == "Neurology" and m1.title == "Café RNA study"
            assert m1.authors[0].startswith("Müller") and m1.retraction == "retracted"
            assert svc.export_bib(session=s2) == exported
    finally:
        other.dispose()


def _fresh_like(engine: Engine, tmp_path: Path) -> str:
    """A new empty, migrated database on the same engine kind."""
    from kb.migrate import upgrade

    if engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    else:
        base = engine.url.render_as_string(hide_password=False).rsplit("/", 1)
        name = base[1] + "_rt"
        admin = make_engine(base[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base[0] + "/" + name
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    return url


# The files of realdata that are not UTF-8, with the encoding their README gives.
REAL_ENCODINGS = {"encoding1.bib": "iso-8859-15", "encoding3.bib": "latin-1", "gbk_test.bib": "gbk"}


def _real_files() -> list[Path]:
    if not REAL.is_dir():
        return [REAL]  # one test that says the folder is absent (skips; fails in CI)
    return sorted(REAL.rglob("*.bib"))


def _import_file(session: Session, path: Path) -> svc.ImportReport:
    data = path.read_bytes()
    try:
        return svc.import_bib(session=session, actor=None, data=data, skip_bad=True)
    except ImportProblem as exc:  # not UTF-8: refused with the byte offset, then read as told
        assert "byte offset" in str(exc) and "--encoding" in str(exc)
        encoding = REAL_ENCODINGS[path.name]
        return svc.import_bib(
            session=session, actor=None, data=data, encoding=encoding, skip_bad=True
        )


@pytest.mark.parametrize(
    "path", _real_files(), ids=lambda p: str(p.relative_to(REAL)) if p != REAL else "absent"
)
def test_real_files_round_trip_through_an_empty_database(
    sqlite_engine: Engine, sqlite_template: Path, tmp_path: Path, path: Path
) -> None:
    """What kb exports after an import with skip_bad, kb imports unchanged and exports again."""
    with Session(sqlite_engine) as s:
        report = _import_file(s, require_shared(path))
        assert report.written
        exported = svc.export_bib(session=s)
        before = _records(s)
    other = make_engine(new_sqlite_url(sqlite_template, tmp_path))
    try:
        with Session(other) as s2:
            again = svc.import_bib(session=s2, actor=None, text=exported)
            assert again.problems == [] and again.written
            assert sorted(again.created) == [r["citekey"] for r in before]
            assert _records(s2) == before
            assert svc.export_bib(session=s2) == exported
    finally:
        other.dispose()


def test_papers_macros_resolved_by_definitions_imported_first(sqlite_session: Session) -> None:
    papers = (require_shared(REAL / "large") / "papers.bib").read_bytes()
    alone = svc.import_bib(session=sqlite_session, actor=None, data=papers)
    assert alone.refused and {p.kind for p in alone.problems} >= {"undefined macro"}
    defs = svc.import_bib(
        session=sqlite_session, actor=None, data=(REAL / "large" / "definitions.bib").read_bytes()
    )
    assert defs.written
    after = svc.import_bib(session=sqlite_session, actor=None, data=papers, skip_bad=True)
    assert after.written
    assert [p for p in after.problems if p.kind == "undefined macro"] == []
    assert len(after.created) > 2000


def test_merge_moves_citations_and_records_events(sqlite_session: Session) -> None:
    s = sqlite_session
    editor = f.user(s, "editor")
    keep = f.reference(s, citekey="keep2020", doi="10.1/k")
    drop = f.reference(s, citekey="drop2020", doi="10.1/k")
    c1 = f.claim(s, refs=(drop,))
    c2 = f.claim(s, refs=(keep, drop), stance="supports")
    result = svc.merge_references(session=s, actor=editor, keep="keep2020", drop="drop2020")
    assert sorted(result["claims"]) == sorted([c1.id, c2.id])
    cits = s.exec(select(Citation.claim_id, Citation.reference_id)).all()
    assert sorted(cits) == sorted([(c1.id, keep.id), (c2.id, keep.id)])
    with pytest.raises(NotFound):
        svc.get_reference(session=s, citekey="drop2020")
    events = s.exec(select(ReviewEvent).where(ReviewEvent.action == "reference merged")).all()
    assert {e.claim_id for e in events} == {c1.id, c2.id}
    assert all("drop2020 moved to keep2020" in (e.comment or "") for e in events)


def test_merge_clears_flags_about_the_dropped_reference_and_renames_mappings(
    sqlite_session: Session,
) -> None:
    from kb.models import Article, Claim, Flag
    from kb.services.retraction import retract_reference

    s = sqlite_session
    editor = f.user(s, "editor")
    f.reference(s, citekey="keep2020", doi="10.1/k")
    drop = f.reference(s, citekey="drop2020", doi="10.1/k")
    art = f.article(s, marker_map={"1": "drop2020", "2": "other"})
    c = f.claim(s, art=art, refs=(drop,), stance="supports")
    retract_reference(session=s, actor=None, citekey="drop2020", status="retracted")
    open_flags = select(Flag.check_key).where(Flag.claim_id == c.id, Flag.status == "open")
    assert "retraction:drop2020" in s.exec(open_flags).all()
    svc.merge_references(session=s, actor=editor, keep="keep2020", drop="drop2020")
    s.expire_all()
    # keep2020 is not retracted: the flag about drop2020 is resolved, the summary follows.
    assert "retraction:drop2020" not in s.exec(open_flags).all()
    merged = s.get(Claim, c.id)
    assert merged.open_flag_count == len(s.exec(open_flags).all())
    assert merged.supporting_count == 1
    assert s.get(Article, art.id).marker_map == {"1": "keep2020", "2": "other"}


def test_merge_needs_permission(sqlite_session: Session) -> None:
    analyst = f.user(sqlite_session, "analyst")
    f.reference(sqlite_session, citekey="k1")
    f.reference(sqlite_session, citekey="k2")
    with pytest.raises(PermissionDenied):
        svc.merge_references(session=sqlite_session, actor=analyst, keep="k1", drop="k2")


def test_list_and_show_cited_by(sqlite_session: Session) -> None:
    s = sqlite_session
    svc.import_bib(session=s, actor=None, data=SHIPPED.read_bytes())
    ref = svc.get_reference(session=s, citekey="costantini2010scs")
    art = f.article(s, slug="stenosis")
    f.claim(s, art=art, refs=(ref,), stance="supports", text="SCS lowered VAS pain.")
    rows = {r["citekey"]: r for r in svc.list_references(session=s)}
    assert rows["costantini2010scs"]["cited_by"] == 1 and rows["atlas2006stenosis"]["cited_by"] == 0
    uncited = [r["citekey"] for r in svc.list_references(session=s, uncited=True)]
    assert "costantini2010scs" not in uncited and len(uncited) == 3
    only = svc.list_references(session=s, study_type="guideline")
    assert [r["citekey"] for r in only] == ["praxis2025stenosis"]
    detail = svc.reference_detail(session=s, citekey="costantini2010scs")
    assert detail["articles"] == ["stenosis"]
    assert detail["cited_by_claims"][0]["stance"] == "supports"


def test_cli_refs_import_refusal_and_json(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(["reference", "import", str(DATA / "duplicate_key.bib")]) == 1
    out = capsys.readouterr().out
    assert "refused, nothing written" in out and "duplicate key: line" in out
    assert run(["reference", "import", str(SHIPPED), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["created"]) == 4 and report["refused"] is False
    latin = tmp_path / "latin.bib"
    latin.write_bytes("@article{k, title={Gr\u00f6\u00dfe}, year=2000}".encode("latin-1"))
    assert run(["reference", "import", str(latin)]) == 1
    assert "--encoding" in capsys.readouterr().err
    assert run(["reference", "import", str(latin), "--encoding", "latin-1"]) == 0
    capsys.readouterr()
    assert run(["reference", "show", "k", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Größe"
    out_path = tmp_path / "lib.bib"
    assert run(["reference", "export", "-o", str(out_path)]) == 0
    assert "@article{costantini2010scs," in out_path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- bad input


STRAY_BRACE = "@article(k1,\n  author = Smith},\n  title = {A title}\n)\n"
ORPHANS = (
    "@book{parent, title={Parent}, crossref={nowhere}}\n"
    "@inbook{child,\ntitle={Child}, crossref={parent}}\n"
)


def _keys(session: Session) -> list[str]:
    return sorted(session.exec(select(Reference.citekey)).all())


def test_cli_stray_brace_is_a_problem_with_line_and_key(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "stray.bib"
    path.write_text(STRAY_BRACE, encoding="utf-8")
    assert run(["reference", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "refused, nothing written" in out
    assert "malformed block: line 1 [k1]:" in out and "author field on line 2" in out
    engine = make_engine(cli_env)
    with Session(engine) as s:
        assert _keys(s) == []
    engine.dispose()
    assert run(["reference", "import", str(path), "--skip-bad", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["skipped"] == ["k1"] and report["created"] == []


@pytest.mark.parametrize("encoding", ["rot13", "base64"])
def test_cli_codec_that_is_not_a_text_encoding_is_a_one_line_error(
    cli_env: str, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    assert run(["reference", "import", str(SHIPPED), "--encoding", "no-such-codec"]) == 1
    unknown = capsys.readouterr().err
    assert run(["reference", "import", str(SHIPPED), "--encoding", encoding]) == 1
    err = capsys.readouterr().err
    assert err == unknown.replace("'no-such-codec'", repr(encoding))
    assert err.startswith("error: ") and err.count("\n") == 1


def test_cli_child_of_a_skipped_crossref_parent_is_skipped_and_export_reimports(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch, sqlite_template
) -> None:
    path = tmp_path / "orphans.bib"
    path.write_text(ORPHANS, encoding="utf-8")
    assert run(["reference", "import", str(path), "--skip-bad", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["skipped"] == ["parent", "child"] and report["created"] == []
    assert [(p["kind"], p["line"], p["citekey"]) for p in report["problems"]] == [
        ("missing crossref", 1, "parent"),
        ("missing crossref", 2, "child"),
    ]
    out_path = tmp_path / "out.bib"
    assert run(["reference", "export", "-o", str(out_path)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("KB_DATABASE_URL", new_sqlite_url(sqlite_template, tmp_path))
    assert run(["reference", "import", str(out_path)]) == 0
    assert "imported" in capsys.readouterr().out


def test_cli_key_outside_bibtex_key_characters_is_refused(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "xss.bib"
    path.write_text(
        "@article{<script>alert(1)</script>, title={X}}\n@article{ok, title={Y}}\n",
        encoding="utf-8",
    )
    assert run(["reference", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "refused, nothing written" in out and "invalid key: line 1" in out
    assert run(["reference", "import", str(path), "--skip-bad", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == ["ok"] and report["skipped"] == ["<script>alert(1)</script>"]
    assert [p["kind"] for p in report["problems"]] == ["invalid key"]


def test_skip_bad_skips_every_entry_whose_crossref_chain_reaches_a_skipped_one(
    sqlite_session: Session,
) -> None:
    bib = """@book{top, title = {Top}, journal = undefinedmacro}
@incollection{mid, title = {Mid}, crossref = {Top}}
@inbook{low, crossref = {mid}}
@book{c1, title = {C1}, crossref = {c2}}
@book{c2, title = {C2}, crossref = {c1}}
@book{good, title = {Good}}
"""
    report = svc.import_bib(session=sqlite_session, actor=None, text=bib, skip_bad=True)
    assert report.written
    assert report.skipped == ["top", "mid", "low"]
    assert _keys(sqlite_session) == ["c1", "c2", "good"]
    exported = svc.export_bib(session=sqlite_session)
    assert parse_bib(exported).problems == []


def test_key_differing_only_in_case_from_the_library_is_a_problem(session: Session) -> None:
    svc.import_bib(session=session, actor=None, text="@article{Smith2010, title={A}}\n")
    before = _snapshot(session)
    bib = "@article{smith2010, title={B}}\n@article{kid, title={C}, crossref={smith2010}}\n"
    refused = svc.import_bib(session=session, actor=None, text=bib)
    assert refused.refused and _snapshot(session) == before
    assert [(p.kind, p.line, p.citekey) for p in refused.problems] == [
        ("duplicate key", 1, "smith2010")
    ]
    assert "'Smith2010'" in refused.problems[0].message
    skipped = svc.import_bib(session=session, actor=None, text=bib, skip_bad=True)
    assert skipped.skipped == ["smith2010", "kid"] and _snapshot(session) == before
    assert parse_bib(svc.export_bib(session=session)).problems == []


@pytest.mark.parametrize(
    ("bib", "column"),
    [
        ("@article{k, title={T}, pages={" + "1" * 100 + "}}", "pages"),
        ("@article{k, title={T}, volume={" + "v" * 70 + "}}", "volume"),
        ("@article{k, title={T}, number={" + "n" * 70 + "}}", "number"),
        ("@article{k, title={T}, pmid={" + "1" * 40 + "}}", "pmid"),
        ("@article{k, title={T}, doi={10.1/" + "x" * 300 + "}}", "doi"),
    ],
    ids=["pages", "volume", "number", "pmid", "doi"],
)
def test_values_wider_than_their_column_are_stored_cut_and_exported_whole(
    session: Session, bib: str, column: str
) -> None:
    report = svc.import_bib(session=session, actor=None, text=bib)
    assert report.written and report.created == ["k"]
    ref = svc.get_reference(session=session, citekey="k")
    width = Reference.__table__.c[column].type.length  # type: ignore[attr-defined]
    shown = getattr(ref, column)
    assert len(shown) == width and shown.endswith("…")
    exported = svc.export_bib(session=session)
    assert parse_bib(exported).records[0].raw_fields == parse_bib(bib).records[0].raw_fields


@pytest.mark.parametrize(
    "bib",
    ["@article{" + "k" * 256 + ", title={T}}", "@" + "a" * 41 + "{k, title={T}}"],
    ids=["key", "entry-type"],
)
def test_keys_and_types_wider_than_their_column_are_problems(session: Session, bib: str) -> None:
    report = svc.import_bib(session=session, actor=None, text=bib)
    assert report.refused and len(report.problems) == 1
    again = svc.import_bib(session=session, actor=None, text=bib, skip_bad=True)
    assert again.written and again.created == [] and len(again.skipped) == 1


def test_nul_in_a_file_is_an_import_problem_on_both_engines(session: Session) -> None:
    with pytest.raises(ImportProblem, match="line 2"):
        svc.import_bib(session=session, actor=None, data=b"@article{a,\n title={T\x00}}\n")
    with pytest.raises(ImportProblem, match="line 1"):
        svc.import_bib(session=session, actor=None, text="@comment{\x00}\n")
    assert _snapshot(session) == []


def test_string_redefined_through_a_later_library_macro_is_a_problem(
    sqlite_session: Session,
) -> None:
    s = sqlite_session
    first = "@string{x = {a}}\n@string{y = x}\n@article{k1, title = y}\n"
    assert svc.import_bib(session=s, actor=None, text=first).written
    # x is exported before y, so `x = y # {b}` would read as an undefined macro.
    later = "@string{x = y # {b}}\n@article{k2, title = x}\n"
    refused = svc.import_bib(session=s, actor=None, text=later)
    assert refused.refused
    assert [(p.kind, p.line, p.citekey) for p in refused.problems] == [("undefined macro", 1, None)]
    assert "'y'" in refused.problems[0].message
    fine = "@string{x = {c}}\n@string{z = y # x}\n@article{k3, title = z}\n"
    assert svc.import_bib(session=s, actor=None, text=fine).problems == []
    assert svc.import_bib(session=s, actor=None, text=later, skip_bad=True).written
    exported = svc.export_bib(session=s)
    again = parse_bib(exported)
    assert again.problems == []
    assert again.strings == {"x": "c", "y": BARE + "x", "z": BARE + "y # x"}


FAMILY = (
    "@book{parent, title={The Handbook}, publisher={P}, year=2001}\n"
    "@book{parentcopy, title={The Handbook}, publisher={P}, year=2001}\n"
    "@inbook{child, title={A Chapter}, chapter={3}, crossref={ParentCopy}}\n"
)


def test_merging_a_crossref_parent_renames_the_childs_crossref(
    engine: Engine, tmp_path: Path
) -> None:
    """What kb exports after a merge, kb imports unchanged (the child's parent is the kept key)."""
    with Session(engine) as s:
        svc.import_bib(session=s, actor=None, text=FAMILY)
        svc.merge_references(session=s, actor=None, keep="parent", drop="parentcopy")
        assert svc.get_reference(session=s, citekey="child").raw_fields["crossref"] == "parent"
        exported = svc.export_bib(session=s)
        before = _records(s)
    assert "parentcopy" not in exported.casefold()
    other = make_engine(_fresh_like(engine, tmp_path))
    try:
        with Session(other) as s2:
            again = svc.import_bib(session=s2, actor=None, text=exported)
            assert again.problems == [] and again.written
            assert _records(s2) == before
            assert svc.export_bib(session=s2) == exported
    finally:
        other.dispose()


def test_merging_a_parent_into_its_own_child_is_refused(sqlite_session: Session) -> None:
    s = sqlite_session
    svc.import_bib(session=s, actor=None, text=FAMILY)
    before = _records(s)
    with pytest.raises(InvalidInput, match="child takes its container from parentcopy"):
        svc.merge_references(session=s, actor=None, keep="child", drop="parentcopy")
    s.rollback()
    assert _records(s) == before
