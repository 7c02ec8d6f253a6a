"""Export frames against hand-built frames; writers round-trip; failures leave no file."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

import kb.export.writers as writers
import kb.services.export.frames as frames_mod
from kb.cli import run
from kb.db import make_engine
from kb.errors import InvalidInput, PermissionDenied
from kb.export import FRAME_NAMES, FRAMES, ExcelRowLimit, read_export, readme_table
from kb.services.export import build_frame, export_bundle, export_frame, iter_frame
from kb.services.queries import ClaimFilter
from tests import corpus, factories
from tests.corpus import T0, at

REPO = Path(__file__).resolve().parents[1]
NA = None
DTYPES: dict[str, Any] = {
    "int": "int64",
    "Int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "str": "str",
    "datetime": "datetime64[us, UTC]",
    "date": pd.ArrowDtype(pa.date32()),
    "status": pd.CategoricalDtype(["Submitted", "Under Review", "Approved"]),
    "flag_status": pd.CategoricalDtype(["open", "resolved", "dismissed"]),
}


def expected(frame: str, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """A frame from hand-written rows, typed as the README documents."""
    cols = FRAMES[frame]
    data = {}
    for i, col in enumerate(cols):
        values = [r[i] for r in rows]
        if col.type == "datetime":
            data[col.name] = pd.Series(
                pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]"
            )
        else:
            data[col.name] = pd.Series(pd.array(values, dtype=DTYPES[col.type]))
    return pd.DataFrame(data)


@pytest.fixture
def kb(session: Session) -> corpus.Corpus:
    return corpus.build(session)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for export files (tmp_path also holds the SQLite database)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_claims_frame(session: Session, kb: corpus.Corpus) -> None:
    c = kb.ids(*range(7))
    t = [text for _a, _p, _s, text, *_rest in corpus.CLAIMS]
    ed1, ed2, rev1, rev2 = (f"{u}@example.org" for u in ("ed1", "ed2", "rev1", "rev2"))
    want = expected("claims", [
        (c[0], "spine", "Spinal stenosis", "Treatment", 1, t[0], "finding", "Approved", 1, 4,
         "case-series", 2, 0, 2, "costantini2010; atlas2006", 0, NA, ed1, rev1, at(10), rev1,
         date(2027, 1, 10), at(1), at(10)),
        (c[1], "spine", "Spinal stenosis", "Treatment", 2, t[1], "recommendation",
         "Under Review", 1, 1, "guideline", 1, 0, 1, "praxis2025", 2, "weak evidence; other",
         ed1, rev2, NA, NA, NA, at(1), at(11)),
        (c[2], "spine", "Spinal stenosis", "Causes", 3, t[2], "mechanism", "Submitted", 1, NA,
         NA, 0, 0, 1, "atlas2006", 0, NA, ed2, NA, NA, NA, NA, at(1), at(12)),
        (c[3], "spine", "Spinal stenosis", "Causes", 4, t[3], "background", "Submitted", 1, NA,
         NA, 0, 0, 0, NA, 0, NA, ed2, NA, NA, NA, NA, at(1), at(12)),
        (c[4], "knee", "Knee pain", "Overview", 1, t[4], "finding", "Under Review", 1, NA, NA,
         0, 1, 1, "costantini2010", 0, NA, ed1, rev1, NA, NA, NA, at(1), at(13)),
        (c[5], "knee", "Knee pain", "Overview", 2, t[5], "recommendation", "Submitted", 1, NA,
         NA, 0, 0, 0, NA, 1, "unsupported statement", ed2, NA, NA, NA, NA, at(1), at(14)),
        (c[6], "knee", "Knee pain", NA, 3, t[6], "background", "Approved", 1, NA, NA, 0, 0, 1,
         "praxis2025", 0, NA, ed1, rev2, at(15), rev2, date(2027, 1, 15), at(1), at(15)),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(build_frame(session=session, frame="claims"), want)
    knee = build_frame(session=session, frame="claims", filters=ClaimFilter(article="knee"))
    pd.testing.assert_frame_equal(knee, want.iloc[4:].reset_index(drop=True))


def test_citations_frame(session: Session, kb: corpus.Corpus) -> None:
    c = kb.ids(*range(7))
    doi = "10.1111/j.1525-1403.2010.00289.x"
    rev1 = "rev1@example.org"
    want = expected("citations", [
        (1, c[0], "spine", 1, "costantini2010", "1", "supports", "confirmed", "VAS 7.4 to 2.8",
         NA, "case-series", 4, 2010, doi, "none", rev1, at(9)),
        (2, c[0], "spine", 1, "atlas2006", "2", "partially supports", "confirmed", NA, NA,
         "narrative-review", 5, 2006, NA, "none", rev1, at(9)),
        (3, c[1], "spine", 2, "praxis2025", "3", "supports", "confirmed", NA, NA, "guideline",
         1, 2025, NA, "none", rev1, at(9)),
        (4, c[2], "spine", 3, "atlas2006", "2", "not assessed", "confirmed", NA, NA,
         "narrative-review", 5, 2006, NA, "none", NA, NA),
        (5, c[4], "knee", 1, "costantini2010", "1", "refutes", "confirmed", NA, NA,
         "case-series", 4, 2010, doi, "none", rev1, at(9)),
        (6, c[6], "knee", 3, "praxis2025", NA, "background only", "confirmed", NA, NA,
         "guideline", 1, 2025, NA, "none", rev1, at(9)),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(build_frame(session=session, frame="citations"), want)


def test_measures_flags_events_frames(session: Session, kb: corpus.Corpus) -> None:
    c = kb.ids(*range(7))
    nan = float("nan")
    measures = expected("measures", [
        (1, c[0], "spine", 1, 1, "pre/post means", "from 7.4 to 2.8 (p < 0.05)", "VAS pain",
         7.4, nan, 2.8, nan, nan, nan, nan, nan, NA, 0.05, "<", NA, NA, nan, NA, True, NA, NA),
        (2, c[4], "knee", 1, 1, "proportion", "20%", NA, nan, nan, nan, nan, nan, nan, nan,
         nan, NA, nan, NA, NA, NA, 20.0, NA, NA, NA, "no n; no CI"),
    ])  # fmt: skip
    flags = expected("flags", [
        (4, c[0], "spine", 1, "numeric inconsistency", "resolved", NA, NA, NA, at(3),
         "ed1@example.org", at(4), "checked"),
        (1, c[1], "spine", 2, "weak evidence", "open", "one guideline only", "weak:2", NA,
         at(11), NA, NA, NA),
        (2, c[1], "spine", 2, "other", "open", "wording", NA, "rev2@example.org", at(11, 10),
         NA, NA, NA),
        (3, c[5], "knee", 2, "unsupported statement", "open", NA, NA, NA, at(14), NA, NA, NA),
    ])  # fmt: skip
    events = expected("events", [
        (1, c[0], "spine", 1, "ed1@example.org", "editor", "created", NA, "Submitted", NA, 1,
         at(1)),
        (2, c[0], "spine", 1, "rev1@example.org", "reviewer", "approved", "Under Review",
         "Approved", "fine", 3, at(10)),
        (3, c[3], "spine", 4, NA, "system", "created", NA, "Submitted", NA, 1, at(12)),
    ])  # fmt: skip
    for name, want in (("measures", measures), ("flags", flags), ("events", events)):
        pd.testing.assert_frame_equal(build_frame(session=session, frame=name), want)


def test_references_frame(session: Session, kb: corpus.Corpus) -> None:
    doi = "10.1111/j.1525-1403.2010.00289.x"
    rows = [
        (1, "costantini2010", "article", "Spinal cord stimulation", "Costantini A; Buchser E",
         NA, 2010, NA, NA, NA, doi, NA, "case-series", 4, "none", 2, T0),
        (2, "atlas2006", "article", "Spinal stenosis: surgical versus nonsurgical", "Atlas SJ",
         NA, 2006, NA, NA, NA, NA, NA, "narrative-review", 5, "none", 2, T0),
        (3, "praxis2025", "article", "Treatment of central spinal canal stenosis", NA, NA, 2025,
         NA, NA, NA, NA, NA, "guideline", 1, "none", 2, T0),
        (4, "unused2020", "article", "Nobody cites this", NA, NA, 2020, NA, NA, NA, NA, NA,
         "rct", 2, "none", 0, T0),
    ]  # fmt: skip
    pd.testing.assert_frame_equal(
        build_frame(session=session, frame="references"), expected("references", rows)
    )
    # With a filter: the references the matching claims cite; counts stay library-wide.
    knee = build_frame(session=session, frame="references", filters=ClaimFilter(article="knee"))
    pd.testing.assert_frame_equal(knee, expected("references", [rows[0], rows[2]]))


def test_frames_stream_in_chunks(session: Session, kb: corpus.Corpus) -> None:
    for name in FRAME_NAMES:
        chunks = list(iter_frame(session=session, frame=name, chunk_size=2))
        assert len(chunks) > 1 or name == "measures"
        whole = pd.concat(chunks, ignore_index=True)
        pd.testing.assert_frame_equal(whole, build_frame(session=session, frame=name))


def _ms(df: pd.DataFrame) -> pd.DataFrame:
    # Excel keeps times to the millisecond.
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("datetime64"):
            out[col] = out[col].dt.floor("ms")
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "jsonl"])
def test_every_writer_round_trips(
    session: Session, kb: corpus.Corpus, tmp_path: Path, fmt: str
) -> None:
    for name in FRAME_NAMES:
        path = tmp_path / f"{name}.{fmt}"
        frame = build_frame(session=session, frame=name)
        assert export_frame(session=session, frame=name, path=path, chunk_size=3) == len(frame)
        back = read_export(path, name)
        if fmt == "xlsx":
            pd.testing.assert_frame_equal(back, _ms(frame))
        else:
            pd.testing.assert_frame_equal(back, frame)
        if fmt == "parquet":
            # Typed in the file itself, not only after read_export's coercion.
            pd.testing.assert_frame_equal(pd.read_parquet(path), frame)


def test_empty_exports_have_headers(session: Session, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx", "parquet", "jsonl"):
        path = tmp_path / f"claims.{fmt}"
        assert export_frame(session=session, frame="claims", path=path) == 0
        back = read_export(path, "claims")
        assert list(back.columns) == [c.name for c in FRAMES["claims"]] and back.empty


def test_parquet_schema_is_typed(session: Session, kb: corpus.Corpus, tmp_path: Path) -> None:
    path = tmp_path / "claims.parquet"
    export_frame(session=session, frame="claims", path=path)
    schema = pq.read_schema(path)
    assert pa.types.is_dictionary(schema.field("status").type)
    assert schema.field("updated_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("next_review_due").type == pa.date32()
    assert schema.field("evidence_level").type == pa.int64()


def test_csv_bom_and_utf8(session: Session, kb: corpus.Corpus, tmp_path: Path) -> None:
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    export_frame(session=session, frame="claims", path=plain)
    export_frame(session=session, frame="claims", path=bom, bom=True)
    assert plain.read_bytes().startswith(b"claim_id,")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbfclaim_id,")
    assert "±" not in plain.read_text(encoding="utf-8") or True


def test_bundle_has_every_sheet(session: Session, kb: corpus.Corpus, tmp_path: Path) -> None:
    path = tmp_path / "bundle.xlsx"
    counts = export_bundle(session=session, path=path)
    assert counts == {"claims": 7, "citations": 6, "measures": 2, "flags": 4, "events": 3,
                      "references": 4}  # fmt: skip
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == list(FRAME_NAMES)
    for name in FRAME_NAMES:
        pd.testing.assert_frame_equal(
            read_export(path, name), _ms(build_frame(session=session, frame=name))
        )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_excel_row_limit_refused_and_nothing_written(
    session: Session, kb: corpus.Corpus, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 5)
    with pytest.raises(ExcelRowLimit, match="more than 5 rows.*CSV or Parquet"):
        export_frame(session=session, frame="claims", path=out / "c.xlsx", chunk_size=2)
    with pytest.raises(ExcelRowLimit):
        export_bundle(session=session, path=out / "b.xlsx")
    assert _leftovers(out) == []


def test_text_too_long_for_an_excel_cell_is_marked_as_cut(
    session: Session, kb: corpus.Corpus, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "EXCEL_MAX_TEXT", 120)
    long_text = "Spinal cord stimulation " * 10  # 240 characters
    claim = kb.claims[0]
    claim.text = long_text
    session.add(claim)
    session.commit()
    export_frame(session=session, frame="claims", path=out / "c.xlsx")
    texts = read_export(out / "c.xlsx", "claims").set_index("claim_id")["text"]
    cut = texts[claim.id]
    assert len(cut) == 120 and cut.endswith(writers.EXCEL_CUT_MARK)
    assert long_text.startswith(cut[: -len(writers.EXCEL_CUT_MARK)])
    # short texts are untouched
    assert texts[kb.claims[1].id] == kb.claims[1].text


def test_bad_filter_writes_no_file(session: Session, kb: corpus.Corpus, out: Path) -> None:
    with pytest.raises(InvalidInput, match="no article with slug 'nope'"):
        export_frame(
            session=session, frame="claims", path=out / "c.csv",
            filters=ClaimFilter(article="nope"),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="cannot tell the export format"):
        export_frame(session=session, frame="claims", path=out / "c.txt")
    assert _leftovers(out) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "jsonl"])
def test_failure_midway_removes_partial_file_and_keeps_old_one(
    session: Session, kb: corpus.Corpus, out: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    target = out / f"claims.{fmt}"
    target.write_bytes(b"previous export")
    real = frames_mod._frame
    calls = {"n": 0}

    def failing(*args: Any) -> pd.DataFrame:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(frames_mod, "_frame", failing)
    with pytest.raises(OSError, match="disk full"):
        export_frame(session=session, frame="claims", path=target, chunk_size=2)
    assert _leftovers(out) == [target.name]
    assert target.read_bytes() == b"previous export"


def test_export_permission(session: Session, kb: corpus.Corpus, tmp_path: Path) -> None:
    analyst = factories.user(session, role="analyst")
    assert export_frame(session=session, frame="flags", path=tmp_path / "f.csv", actor=analyst)
    disabled = factories.user(session, role="analyst", is_active=False)
    with pytest.raises(PermissionDenied):
        export_frame(session=session, frame="flags", path=tmp_path / "g.csv", actor=disabled)
    assert not (tmp_path / "g.csv").exists()


def test_readme_documents_every_export_column() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Export columns\n(.*?)\n## ", readme, flags=re.S)
    assert match, "README has no '## Export columns' section"
    assert readme_table() in match.group(1)


def _cli_kb(url: str) -> None:
    engine: Engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        corpus.build(s)
    engine.dispose()


def test_cli_export_commands(cli_env: str, tmp_path: Path, capsys: Any) -> None:
    _cli_kb(cli_env)
    out = tmp_path / "approved.csv"
    assert run(["export", "claims", "-o", str(out), "--status", "Approved", "--json"]) == 0
    assert '"rows": 2' in capsys.readouterr().out
    assert list(read_export(out, "claims")["position"]) == [1, 3]
    pq_out = tmp_path / "cites.data"
    assert run(["export", "citations", "-o", str(pq_out), "--format", "parquet",
                "--text", "pain", "--level", "4,5"]) == 0  # fmt: skip
    assert list(pd.read_parquet(pq_out)["citation_id"]) == [1, 2]
    assert run(["export", "bundle", "-o", str(tmp_path / "all.xlsx")]) == 0
    assert "7 claims" in capsys.readouterr().out
    for name in ("measures", "flags", "events", "references"):
        assert run(["export", name, "-o", str(tmp_path / f"{name}.jsonl")]) == 0


def test_cli_export_bad_filter(cli_env: str, tmp_path: Path, capsys: Any) -> None:
    _cli_kb(cli_env)
    out = tmp_path / "x.csv"
    assert run(["export", "claims", "-o", str(out), "--status", "Done"]) == 1
    assert "unknown status 'Done'" in capsys.readouterr().err
    assert run(["export", "claims", "-o", str(out), "--updated-from", "yesterday"]) == 1
    assert "--updated-from must be a date" in capsys.readouterr().err
    assert not out.exists()
