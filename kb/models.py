"""SQLModel tables: the whole schema of DOMAIN.md. Alembic migrations are derived from these.

Statuses, roles, stances and kinds are stored as their DOMAIN.md strings (plain VARCHAR, no
native enum types) so a new value is a code change, not a schema migration on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from kb.dbtypes import UTCDateTime
from kb.enums import FlagStatus, LinkState, RetractionStatus, ReviewStatus, Stance


def utcnow() -> datetime:
    """Now, timezone-aware UTC (the only clock kb uses)."""
    return datetime.now(UTC)


def _ts(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _s(length: int, *, nullable: bool = False, index: bool = False, default: Any = None) -> Any:
    kw: dict[str, Any] = {"sa_column": Column(String(length), nullable=nullable, index=index)}
    if default is not None:
        kw["default"] = default
    return Field(**kw)


def _text(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


def _fk(
    target: str, *, nullable: bool = True, index: bool = True, ondelete: str | None = None
) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


def _json(default_factory: Any = list) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class User(SQLModel, table=True):
    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    name: str = _s(200, default="")
    role: str = _s(16)
    password_hash: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    is_active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = _ts()
    created_at: datetime = _created()


class StudyType(SQLModel, table=True):
    __tablename__ = "study_type"

    code: str = Field(sa_column=Column(String(32), primary_key=True))
    label: str = _s(120)
    level: int | None = Field(default=None)
    secondary: bool | None = Field(default=None)


class Reference(SQLModel, table=True):
    __tablename__ = "reference"

    id: int | None = Field(default=None, primary_key=True)
    citekey: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    entry_type: str = _s(40, default="article")
    title: str | None = _text()
    title_norm: str | None = Field(default=None, sa_column=Column(String(500), index=True))
    authors: list[str] = _json()
    journal: str | None = _text()
    year: int | None = Field(default=None)
    volume: str | None = Field(default=None, sa_column=Column(String(64)))
    number: str | None = Field(default=None, sa_column=Column(String(64)))
    pages: str | None = Field(default=None, sa_column=Column(String(64)))
    doi: str | None = Field(default=None, sa_column=Column(String(255), index=True))
    pmid: str | None = Field(default=None, sa_column=Column(String(32), index=True))
    abstract: str | None = _text()
    note: str | None = _text()
    study_type: str = Field(
        default="unknown",
        sa_column=Column(String(32), ForeignKey("study_type.code"), nullable=False, index=True),
    )
    study_type_inferred: bool = Field(default=False)
    retraction: str = _s(32, default=RetractionStatus.none.value)
    retraction_note: str | None = _text()
    raw_fields: dict[str, str] = _json(dict)
    content_hash: str = _s(64, default="")
    source: str = _s(200, default="bibtex")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class BibBlock(SQLModel, table=True):
    """Library-level @string, @preamble and @comment blocks, so an export gives them back."""

    __tablename__ = "bib_block"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_bib_block_kind_name"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _s(16)
    name: str = _s(255, default="")
    value: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _created()


class Article(SQLModel, table=True):
    __tablename__ = "article"
    # The Articles page lists the most recently updated first (migration 0004).
    __table_args__ = (Index("ix_article_updated", "updated_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    title: str = _s(500)
    source_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The printed reference list and the marker -> citekey map an editor confirmed.
    reference_list: list[dict[str, Any]] = _json()
    reference_list_numbered: bool = Field(default=False)
    marker_map: dict[str, str] = _json(dict)
    created_by: int | None = _fk("user.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Claim(SQLModel, table=True):
    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("article_id", "position", name="uq_claim_article_position"),
        Index("ix_claim_status_updated", "status", "updated_at", "id"),
        # Keyset paging (a page is an index seek at any depth) and counts (migration 0002).
        Index("ix_claim_keyset_updated", "updated_at", "id"),
        Index("ix_claim_keyset_assignee", "assignee_id", "updated_at", "id"),
        Index("ix_claim_keyset_author", "author_id", "updated_at", "id"),
        Index("ix_claim_keyset_count", "status", "kind", "best_level"),
        Index("ix_claim_keyset_open_flags", "open_flag_count"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id"), nullable=False, index=True)
    )
    position: int = Field(default=1)
    section: str | None = _text()
    text: str = Field(sa_column=Column(Text, nullable=False))
    # Same text in two articles is the same claim in the registry ("also used in").
    text_hash: str = _s(64, index=True, default="")
    kind: str = _s(32, default="background")
    status: str = _s(32, index=True, default=ReviewStatus.submitted.value)
    version: int = Field(default=1)
    markers: list[str] = _json()
    author_id: int | None = _fk("user.id")
    assignee_id: int | None = _fk("user.id")
    best_level: int | None = Field(default=None)
    best_study_type: str | None = Field(default=None, sa_column=Column(String(32)))
    supporting_count: int = Field(default=0)
    refuting_count: int = Field(default=0)
    open_flag_count: int = Field(default=0)
    approved_at: datetime | None = _ts()
    approved_by: int | None = _fk("user.id", index=False)
    next_review_due: date | None = Field(default=None, sa_column=Column(Date, index=True))
    created_at: datetime = _created()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    updated_by: int | None = _fk("user.id", index=False)


class Citation(SQLModel, table=True):
    __tablename__ = "citation"
    __table_args__ = (UniqueConstraint("claim_id", "reference_id", name="uq_citation_claim_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("claim.id"), nullable=False, index=True)
    )
    reference_id: int = Field(
        sa_column=Column(Integer, ForeignKey("reference.id"), nullable=False, index=True)
    )
    marker: str | None = Field(default=None, sa_column=Column(String(200)))  # as printed
    stance: str = _s(32, default=Stance.not_assessed.value)
    link_state: str = _s(16, default=LinkState.confirmed.value)
    quote: str | None = _text()
    locator: str | None = Field(default=None, sa_column=Column(String(200)))
    assessed_by: int | None = _fk("user.id", index=False)
    assessed_at: datetime | None = _ts()
    created_at: datetime = _created()


class Measure(SQLModel, table=True):
    __tablename__ = "measure"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("claim.id"), nullable=False, index=True)
    )
    position: int = Field(default=1)
    kind: str = _s(40)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    outcome: str | None = _text()
    pre_mean: float | None = None
    pre_sd: float | None = None
    post_mean: float | None = None
    post_sd: float | None = None
    estimate: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    ci_level: float | None = None
    unit: str | None = _text()  # as printed beside the estimate: "days", "%", "per mg/dl"
    p_value: float | None = None
    p_operator: str | None = Field(default=None, sa_column=Column(String(4)))
    n: int | None = None
    events: int | None = None
    percent: float | None = None
    time_point: str | None = Field(default=None, sa_column=Column(String(120)))
    consistent: bool | None = None
    check_explanation: str | None = _text()
    problems: list[str] = _json()
    decimals: dict[str, int] = _json(dict)


class Flag(SQLModel, table=True):
    __tablename__ = "flag"
    __table_args__ = (Index("ix_flag_claim_status", "claim_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(sa_column=Column(Integer, ForeignKey("claim.id"), nullable=False))
    kind: str = _s(48, index=True)
    status: str = _s(16, index=True, default=FlagStatus.open.value)
    note: str | None = _text()
    # Automatic flags carry the key of the check that raised them, so re-runs never duplicate.
    check_key: str | None = Field(default=None, sa_column=Column(String(200)))
    raised_by: int | None = _fk("user.id", index=False)
    raised_at: datetime = _created()
    resolved_by: int | None = _fk("user.id", index=False)
    resolved_at: datetime | None = _ts()
    resolution_note: str | None = _text()


class ReviewEvent(SQLModel, table=True):
    """Append-only history; triggers in the database refuse UPDATE and DELETE."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("claim.id"), nullable=False, index=True)
    )
    actor_id: int | None = _fk("user.id", index=False)
    actor_role: str = _s(16, default="system")
    action: str = _s(40)
    from_status: str | None = Field(default=None, sa_column=Column(String(32)))
    to_status: str | None = Field(default=None, sa_column=Column(String(32)))
    comment: str | None = _text()
    claim_version: int | None = None
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
