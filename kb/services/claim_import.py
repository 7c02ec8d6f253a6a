"""Bring an existing claim spreadsheet (CSV or Excel) into an article, all or nothing.

Columns (header names are case-insensitive): `text` (required), `section`, `citekeys`
(separated by `;`, `,` or spaces), and optionally `kind` (guessed from the text when empty) and
`notes` (kept as the comment of the claim's "imported" review event). Other columns are
reported as ignored.

Every row is checked before anything is written; a refused row is reported with its
spreadsheet row number (the header is row 1) and why. By default one refused row refuses the
whole file (ImportProblem, nothing written); skip_bad=True writes the good rows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.db import writing
from kb.enums import ClaimKind, LinkState, ReviewStatus, Stance
from kb.errors import ImportProblem, InvalidInput
from kb.ingest import guess_kind
from kb.models import Article, Citation, Claim, Reference, User
from kb.permissions import Action, require
from kb.services.checks import check_claims, text_hash
from kb.services.events import record_event
from kb.workflow import EventAction

COLUMNS = ("text", "section", "citekeys", "kind", "notes")
_ALIASES = {"citekey": "citekeys", "citations": "citekeys", "references": "citekeys",
            "note": "notes", "status_notes": "notes", "claim": "text", "statement": "text",
            "heading": "section"}  # fmt: skip
_SPLIT = re.compile(r"[;,\s]+")


@dataclass
class RowProblem:
    """A refused row: its spreadsheet row number and why."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, when refused, would have done)."""

    article: str
    created_article: bool = False
    rows: int = 0
    imported: int = 0
    claim_ids: list[int] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class _Row:
    number: int
    text: str
    section: str | None
    citekeys: list[str]
    kind: str
    notes: str | None


def read_sheet(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The data rows of a .csv or .xlsx file as {column: text}, and the ignored columns."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput(f"no file {str(path)!r}")
    try:
        if suffix == ".csv":
            df = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", on_bad_lines="error"
            )
        elif suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            raise InvalidInput(f"import reads .csv or .xlsx files, not {path.name!r}")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ImportProblem(f"cannot read {path.name}: {exc}") from None
    names = [_ALIASES.get(n, n) for n in (_column_name(c) for c in df.columns)]
    if "text" not in names:
        raise ImportProblem(f"{path.name} has no `text` column (columns: {', '.join(names)})")
    df.columns = pd.Index(names)
    ignored = [n for n in names if n not in COLUMNS]
    rows = [
        {k: ("" if pd.isna(v) else str(v)) for k, v in rec.items() if k in COLUMNS}
        for rec in df.to_dict(orient="records")
    ]
    return rows, ignored


def _column_name(raw: Any) -> str:
    return re.sub(r"\s+", "_", str(raw).strip().lower())


def _check_rows(
    session: Session, raw_rows: list[dict[str, str]], existing: set[str]
) -> tuple[list[_Row], list[RowProblem]]:
    keys = {k for r in raw_rows for k in _SPLIT.split(r.get("citekeys", "")) if k}
    known = set(
        session.exec(select(Reference.citekey).where(col(Reference.citekey).in_(sorted(keys))))
    )
    good: list[_Row] = []
    bad: list[RowProblem] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rows):
        number = i + 2  # the header is row 1
        if not any(v.strip() for v in raw.values()):
            continue  # a blank line is not a claim
        text = " ".join(raw.get("text", "").split())
        citekeys = list(dict.fromkeys(k for k in _SPLIT.split(raw.get("citekeys", "")) if k))
        kind = raw.get("kind", "").strip().lower()
        problem = None
        if not text:
            problem = "text is empty"
        elif (unknown := [k for k in citekeys if k not in known]) != []:
            problem = "unknown citekey " + ", ".join(repr(k) for k in unknown)
        elif kind and kind not in {k.value for k in ClaimKind}:
            problem = f"unknown kind {kind!r}; allowed: {', '.join(k.value for k in ClaimKind)}"
        elif text_hash(text) in existing:
            problem = "the article already has this claim"
        elif text_hash(text) in seen:
            problem = f"same text as row {seen[text_hash(text)]}"
        if problem:
            bad.append(RowProblem(number, problem))
            continue
        seen[text_hash(text)] = number
        section = raw.get("section", "").strip() or None
        notes = raw.get("notes", "").strip() or None
        good.append(_Row(number, text, section, citekeys, kind or guess_kind(text).value, notes))
    return good, bad


def import_claims(
    *,
    session: Session,
    actor: User,
    path: Path,
    article: str,
    title: str | None = None,
    skip_bad: bool = False,
) -> ImportReport:
    """Import the claims of a spreadsheet into article (created with title when new)."""
    require(actor, Action.claim_create)
    raw_rows, ignored = read_sheet(path)
    report = ImportReport(article=article, ignored_columns=ignored)
    with writing(session):
        art = session.exec(select(Article).where(Article.slug == article)).first()
        if art is None:
            if not title:
                raise InvalidInput(f"no article {article!r}: give --title to create it")
            require(actor, Action.article_ingest)
            art = Article(slug=article, title=title, created_by=actor.id)
            session.add(art)
            session.flush()
            report.created_article = True
        # Hashed from the text itself: rows written outside the services may lack text_hash.
        texts = session.exec(select(Claim.text).where(Claim.article_id == art.id))
        existing = {text_hash(t) for t in texts}
        rows, report.refused = _check_rows(session, raw_rows, existing)
        report.rows = len(rows) + len(report.refused)
        if report.refused and not skip_bad:
            raise ImportProblem(
                f"{len(report.refused)} of {report.rows} rows refused, nothing imported "
                "(fix them, or import the good rows with --skip-bad)",
                problems=report.refused,
            )
        report.claim_ids = _write(session, actor, art, rows)
        report.imported = len(report.claim_ids)
    return report


def _write(session: Session, actor: User, art: Article, rows: list[_Row]) -> list[int]:
    last = session.exec(select(func.max(Claim.position)).where(Claim.article_id == art.id)).one()
    wanted = sorted({k for r in rows for k in r.citekeys})
    found = session.exec(
        select(Reference.citekey, Reference.id).where(col(Reference.citekey).in_(wanted))
    )
    refs = {key: ref_id for key, ref_id in found if ref_id is not None}
    claims = []
    for offset, row in enumerate(rows, 1):
        claim = Claim(
            article_id=art.id,  # type: ignore[arg-type]
            position=(last or 0) + offset,
            section=row.section,
            text=row.text,
            text_hash=text_hash(row.text),
            kind=row.kind,
            status=ReviewStatus.submitted.value,
            author_id=actor.id,
            updated_by=actor.id,
        )
        session.add(claim)
        claims.append(claim)
    session.flush()
    for claim, row in zip(claims, rows, strict=True):
        for key in row.citekeys:
            session.add(
                Citation(
                    claim_id=claim.id,  # type: ignore[arg-type]
                    reference_id=refs[key],
                    stance=Stance.not_assessed.value,
                    link_state=LinkState.manual.value,
                )
            )
        record_event(
            session, claim=claim, actor=actor, action=EventAction.imported.value,
            to_status=ReviewStatus.submitted.value, comment=row.notes,
        )  # fmt: skip
    session.flush()
    # The automatic checks flag what an imported claim lacks, as for an ingested article.
    # (they also store each claim's evidence summary)
    check_claims(session, claims, actor=actor, fresh=True)
    return [c.id for c in claims if c.id is not None]
