"""The rows an ingestion writes, field by field, against a known-good way of writing them.

The known-good way is the row-by-row ingestion kb used before ingestion became set-based: the
article through the ORM, then the general re-run of the checks (`check_claims`) loading what was
stored back. Both run on their own fresh database (SQLite and PostgreSQL) from the same article
and library; every row they write must be the same, ids aside (compared through what they name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, text
from sqlmodel import Session, col, select

from kb.db import make_engine, writing
from kb.enums import ReviewStatus, Stance
from kb.errors import InvalidInput
from kb.models import Article, Citation, Claim, Reference, ReviewEvent, User, utcnow
from kb.services.checks import CheckReport, check_claims, run_checks, text_hash
from kb.services.ingest import IngestResult, ingest_article
from kb.services.ingest.plan import plan_article, reference_from_entry
from kb.services.references import normalize_title
from kb.workflow import EventAction
from tests import factories as f
from tests.conftest import drop_pg, new_pg_url, new_sqlite_url

# Entries 1 and 4 print the same DOI (one reference, two markers), 2 resolves by PMID, 3 by its
# title, 5 matches nothing (added with add_missing), marker 7 has no entry (dangling).
ARTICLE = """# Spinal cord stimulation for lumbar spinal stenosis

Lumbar spinal stenosis narrows the spinal canal and often causes leg pain when walking.

## What the studies found

Spinal cord stimulation lowered VAS pain from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05) over a mean
27-month follow-up [1, 4].

Surgery and nonsurgical care differed by a mean difference of -1.63 (95% CI -2.68 to -0.57;
p = 0.002) [2, 4].

Decompression reduced disability (mean difference -3.10; 95% CI -2.00 to -1.00; p = 0.40) [3].

Of 82 patients, 41 (60%) walked further after six weeks of physiotherapy [5].

- Exercise therapy is safe for most older adults [1, 3].
- Stimulation acts on the dorsal horn to dampen pain signals [2].
- Many people live with stenosis for years.

## Recommendations

Patients should be offered physiotherapy before surgery is considered [4, 7].

Spinal cord stimulation reduces medication needs in most patients.

## References

1. Costantini A, Buchser E, Van Buyten JP. Spinal cord stimulation for the treatment of chronic
pain in patients with lumbar spinal stenosis. Neuromodulation. 2010;13(4):275-279.
doi:10.5555/rows.1
2. Atlas SJ, Delitto A. Spinal stenosis: surgical versus nonsurgical treatment. Clin Orthop Relat
Res. 2006;443:198-207. PMID: 16462444
3. Kovacs FM, Urrutia G, Alarcon JD. Surgery versus conservative treatment for symptomatic
lumbar spinal stenosis: a systematic review of randomized controlled trials. Spine. 2011;36:1335-51.
4. Costantini A. Spinal cord stimulation in stenosis, a second print. Neuromodulation. 2010.
doi:10.5555/ROWS.1
5. Doe J, Roe R. A walking programme for older adults with stenosis. Journal of Examples.
2019;1:1-9.
"""


LIBRARY = [
    dict(citekey="costantini2010", year=2010, doi="10.5555/rows.1", study_type="case-series",
         title="Spinal cord stimulation for the treatment of chronic pain in patients with lumbar "
         "spinal stenosis", abstract="69 patients; VAS fell from 7.4 to 2.8."),
    dict(citekey="atlas2006", year=2006, pmid="16462444", study_type="narrative-review",
         title="Spinal stenosis: surgical versus nonsurgical treatment", retraction="retracted"),
    dict(citekey="kovacs2011", year=2011, study_type="systematic-review",
         title="Surgery versus conservative treatment for symptomatic lumbar spinal stenosis: a "
         "systematic review of randomized controlled trials",
         abstract="No numbers in this abstract."),
]  # fmt: skip


def _library(s: Session) -> None:
    for fields in LIBRARY:
        f.reference(s, title_norm=normalize_title(str(fields["title"])), **fields)


def known_good_ingest(
    session: Session, actor: User, text: str, slug: str, add_missing: bool
) -> IngestResult:
    """Ingestion as kb wrote it row by row before (kept verbatim), in one commit."""
    title, furniture = None, None
    with writing(session):
        parsed, result, plan = plan_article(
            session=session, text=text, title=title, slug=slug, furniture=furniture,
            add_missing=add_missing,
        )  # fmt: skip
        added = [
            reference_from_entry(parsed.references[r.index], r.citekey or "", result.slug)
            for r in result.references
            if r.how == "added"
        ]
        if added:
            session.execute(insert(Reference), added)
        article = Article(
            slug=result.slug,
            title=result.title,
            source_text=text,
            reference_list=[r.as_dict() for r in result.references],
            reference_list_numbered=parsed.reference_list_numbered,
            marker_map={m: key for m, (key, _state) in plan.items()},
            created_by=actor.id,
        )
        session.add(article)
        session.flush()
        result.article_id = article.id
        # Core bulk insert, then one ORM load: building 50 ORM objects by hand costs more than both.
        now = utcnow()
        session.execute(
            insert(Claim),
            [
                {"article_id": article.id, "position": s.position, "section": s.section,
                 "text": s.text, "text_hash": text_hash(s.text), "kind": planned["kind"],
                 "status": ReviewStatus.submitted.value, "version": 1, "markers": list(s.markers),
                 "author_id": actor.id, "assignee_id": None, "best_level": None,
                 "best_study_type": None, "supporting_count": 0, "refuting_count": 0,
                 "open_flag_count": 0, "approved_at": None, "approved_by": None,
                 "next_review_due": None, "created_at": now, "updated_at": now,
                 "updated_by": actor.id}
                for s, planned in zip(parsed.statements, result.claims, strict=True)
            ],
        )  # fmt: skip
        claims = list(
            session.exec(
                select(Claim).where(Claim.article_id == article.id).order_by(col(Claim.position))
            )
        )
        ref_ids = _reference_ids(session, {key for key, _ in plan.values()})
        citations = []
        for claim in claims:
            for marker in claim.markers:
                if marker in plan:
                    key, state = plan[marker]
                    citations.append(
                        {"claim_id": claim.id, "reference_id": ref_ids[key], "marker": marker,
                         "stance": Stance.not_assessed.value, "link_state": state.value,
                         "quote": None, "locator": None, "assessed_by": None, "assessed_at": None,
                         "created_at": utcnow()}
                    )  # fmt: skip
        # One citation per claim and reference, even when two markers name the same reference.
        unique = {(c["claim_id"], c["reference_id"]): c for c in reversed(citations)}
        if unique:
            session.execute(insert(Citation), list(unique.values()))
        now = utcnow()
        session.execute(
            insert(ReviewEvent),
            [
                {"claim_id": c.id, "actor_id": actor.id, "actor_role": actor.role,
                 "action": EventAction.created.value, "from_status": None,
                 "to_status": ReviewStatus.submitted.value,
                 "comment": f"ingested from article {result.slug}", "claim_version": c.version,
                 "created_at": now}
                for c in claims
            ],
        )  # fmt: skip
        report = check_claims(session, claims, actor=actor, report=CheckReport(), fresh=True)
        result.flags = dict(sorted(report.raised.items()))
        result.claims = [{**row, "id": c.id} for row, c in zip(result.claims, claims, strict=True)]
        return result


def _reference_ids(session: Session, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = session.exec(
        select(Reference.citekey, Reference.id).where(col(Reference.citekey).in_(sorted(keys)))
    )
    return {k: i for k, i in rows if i is not None}


def _rows(s: Session, sql: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in s.execute(text(sql))]


def _stamp(value: Any) -> str:
    """A timestamp as its type and printed shape ('dddd-dd-dd dd:dd:dd.dddddd' on SQLite)."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None
        return f"datetime {value.utcoffset()}"
    return re.sub("[0-9]", "d", str(value))


def snapshot(s: Session) -> dict[str, Any]:
    """Every row the ingestion wrote, ids replaced by what they name, timestamps by their shape."""
    claim_pos = {r["id"]: r["position"] for r in _rows(s, "SELECT id, position FROM claim")}
    citekey = {r["id"]: r["citekey"] for r in _rows(s, "SELECT id, citekey FROM reference")}
    out: dict[str, Any] = {}
    stamps = {"created_at", "updated_at", "raised_at"}
    for table, order in [
        ("article", "id"), ("reference", "citekey"), ("claim", "position"),
        ("citation", "id"), ("measure", "id"), ("flag", "id"), ("review_event", "id"),
    ]:  # fmt: skip
        rows = []
        for r in _rows(s, f'SELECT * FROM "{table}" ORDER BY {order}'):
            for k in stamps & r.keys():
                r[k] = _stamp(r[k])
            r.pop("id")
            if "claim_id" in r:
                r["claim_id"] = claim_pos[r["claim_id"]]
            if "reference_id" in r:
                r["reference_id"] = citekey[r["reference_id"]]
            r.pop("article_id", None)
            if table == "reference" and r["source"] == "bibtex":
                continue  # the library the test made
            rows.append(r)
        # The order of a claim's events and flags is part of the record; across claims, and
        # of one claim's citations (a set), it is not.
        key: tuple[str, ...] = {
            "citation": ("claim_id", "reference_id"),
            "measure": ("claim_id",),
            "flag": ("claim_id",),
            "review_event": ("claim_id",),
        }.get(table, ())
        out[table] = sorted(rows, key=lambda r: tuple(r[k] for k in key)) if key else rows
    if s.get_bind().dialect.name == "sqlite":  # what triggers keep beside the claim rows
        out["claim_facet_count"] = _rows(
            s, "SELECT * FROM claim_facet_count WHERE n > 0 ORDER BY 1, 2, 3, 4, 5"
        )
        fts = "SELECT count(*) AS n FROM claim_fts WHERE claim_fts MATCH :word"
        out["claim_fts"] = [
            s.execute(text(fts), {"word": w}).scalar_one() for w in ("stenosis", "pain", "safe")
        ]
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def two_dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two fresh, migrated databases on the same engine kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        urls = [new_sqlite_url(template, tmp_path) for _ in range(2)]
    else:
        server = request.getfixturevalue("pg_server_url")
        urls = [new_pg_url(server, request.getfixturevalue("pg_template")) for _ in range(2)]
    engines = [make_engine(u) for u in urls]
    yield engines[0], engines[1]
    for e, u in zip(engines, urls, strict=True):
        e.dispose()
        if request.param == "postgres":
            drop_pg(request.getfixturevalue("pg_server_url"), u)


@pytest.mark.parametrize("add_missing", [False, True], ids=["library", "add-missing"])
def test_ingest_writes_the_rows_the_known_good_way_writes(
    two_dbs: tuple[Engine, Engine], add_missing: bool
) -> None:
    views, results = [], []
    for engine, way in zip(two_dbs, ("known good", "ingest_article"), strict=True):
        with Session(engine, expire_on_commit=False) as s:
            _library(s)
            editor = f.user(s, "editor", email="editor@example.org")
            if way == "known good":
                res = known_good_ingest(s, editor, ARTICLE, "stenosis", add_missing)
            else:
                res = ingest_article(
                    session=s, actor=editor, text=ARTICLE, slug="stenosis", add_missing=add_missing
                )
            data = res.as_dict()
            data["article_id"] = None
            data["claims"] = [{**c, "id": None} for c in data["claims"]]
            results.append(data)
            views.append(snapshot(s))
    known, ours = views
    assert results[1] == results[0]
    assert ours.keys() == known.keys()
    for table in known:
        assert ours[table] == known[table], table
    if "claim_fts" in known:
        assert known["claim_fts"] == [2, 3, 1]
        assert sum(r["n"] for r in known["claim_facet_count"]) == 10
    # The article exercises what it should: every kind of link, measure and flag.
    assert {c["link_state"] for c in known["citation"]} == {"confirmed"}
    assert len(known["measure"]) >= 4
    assert {r["kind"] for r in known["flag"]} >= {
        "dangling citation", "numeric inconsistency", "retracted source", "unsupported statement",
        "number not found in the cited abstract",
    }  # fmt: skip
    assert len(known["reference"]) == (1 if add_missing else 0)
    # Markers 1 and 4 name the same reference: one citation, carrying the first marker.
    assert [(c["reference_id"], c["marker"]) for c in known["citation"] if c["claim_id"] == 2] == [
        ("costantini2010", "1")
    ]


def test_ingested_rows_are_what_a_rerun_of_the_checks_keeps(sqlite_session: Session) -> None:
    s = sqlite_session
    _library(s)
    editor = f.user(s, "editor")
    ingest_article(session=s, actor=editor, text=ARTICLE, slug="stenosis", add_missing=True)
    before = snapshot(s)
    report = run_checks(session=s, actor=None, article_slug="stenosis")
    assert report.raised == {} and report.resolved == {}
    assert snapshot(s) == before


def test_a_failed_ingest_leaves_the_database_as_it_was(sqlite_session: Session) -> None:
    s = sqlite_session
    _library(s)
    editor = f.user(s, "editor")
    ingest_article(session=s, actor=editor, text=ARTICLE, slug="stenosis")
    before = snapshot(s)
    with pytest.raises(InvalidInput, match="already exists"):
        ingest_article(session=s, actor=editor, text=ARTICLE, slug="stenosis", add_missing=True)
    # A failure after rows were written (references, article, claims) rolls all of them back.
    s.execute(text("CREATE TRIGGER no_more BEFORE INSERT ON review_event BEGIN "
                   "SELECT RAISE(ABORT, 'refused'); END"))  # fmt: skip
    s.commit()
    with pytest.raises(Exception, match="refused"):
        ingest_article(session=s, actor=editor, text=ARTICLE, slug="other", add_missing=True)
    assert snapshot(s) == before
    assert s.exec(select(Article.slug)).all() == ["stenosis"]
