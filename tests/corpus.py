"""A small knowledge base whose every value is known, for query and export tests on both engines.

Timestamps are fixed (not "now") so expected frames can be written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session

from kb.models import Article, Citation, Claim, Flag, Measure, Reference, ReviewEvent, User
from kb.services.evidence import refresh_summary

T0 = datetime(2026, 1, 5, 9, 30, 0, 123456, tzinfo=UTC)


def at(day: int, hour: int = 9) -> datetime:
    """A fixed instant in January 2026."""
    return datetime(2026, 1, day, hour, 30, 0, 123456, tzinfo=UTC)


# (article, position, section, text, kind, status, author, assignee, updated day)
CLAIMS = [
    ("spine", 1, "Treatment", "Spinal cord stimulation reduced VAS pain from 7.4 to 2.8 "
     "(p < 0.05).", "finding", "Approved", "ed1", "rev1", 10),
    ("spine", 2, "Treatment", "Physical therapy should be tried before surgery.",
     "recommendation", "Under Review", "ed1", "rev2", 11),
    ("spine", 3, "Causes", "Stenosis narrows the spinal canal and compresses nerves.",
     "mechanism", "Submitted", "ed2", None, 12),
    ("spine", 4, "Causes", "COVID-19 delayed many elective spine surgeries.",
     "background", "Submitted", "ed2", None, 12),
    ("knee", 1, "Overview", "Walking improved pain-free distance by 20%.",
     "finding", "Under Review", "ed1", "rev1", 13),
    ("knee", 2, "Overview", "Walk daily; it's safe for most adults.",
     "recommendation", "Submitted", "ed2", None, 14),
    ("knee", 3, None, "Knee pain affects one in four adults over 50.",
     "background", "Approved", "ed1", "rev2", 15),
]  # fmt: skip

# (claim index, citekey, marker, stance)
CITATIONS = [
    (0, "costantini2010", "1", "supports"),
    (0, "atlas2006", "2", "partially supports"),
    (1, "praxis2025", "3", "supports"),
    (2, "atlas2006", "2", "not assessed"),
    (4, "costantini2010", "1", "refutes"),
    (6, "praxis2025", None, "background only"),
]


@dataclass
class Corpus:
    users: dict[str, User] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    refs: dict[str, Reference] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)

    def ids(self, *indexes: int) -> list[int]:
        """Claim ids of the given CLAIMS indexes, in index order."""
        return [self.claims[i].id or 0 for i in indexes]


def build(session: Session) -> Corpus:
    """Write the corpus (committed) and return its records."""
    kb = Corpus()
    for key, role in (("ed1", "editor"), ("ed2", "editor"), ("rev1", "reviewer"),
                      ("rev2", "reviewer")):  # fmt: skip
        kb.users[key] = User(email=f"{key}@example.org", role=role, name=key, created_at=T0)
    for slug, title in (("spine", "Spinal stenosis"), ("knee", "Knee pain")):
        kb.articles[slug] = Article(slug=slug, title=title, created_at=T0, updated_at=T0)
    kb.refs["costantini2010"] = Reference(
        citekey="costantini2010", title="Spinal cord stimulation", year=2010,
        study_type="case-series", doi="10.1111/j.1525-1403.2010.00289.x",
        authors=["Costantini A", "Buchser E"], created_at=T0, updated_at=T0,
    )  # fmt: skip
    kb.refs["atlas2006"] = Reference(
        citekey="atlas2006", title="Spinal stenosis: surgical versus nonsurgical", year=2006,
        study_type="narrative-review", authors=["Atlas SJ"], created_at=T0, updated_at=T0,
    )  # fmt: skip
    kb.refs["praxis2025"] = Reference(
        citekey="praxis2025", title="Treatment of central spinal canal stenosis", year=2025,
        study_type="guideline", created_at=T0, updated_at=T0,
    )  # fmt: skip
    kb.refs["unused2020"] = Reference(
        citekey="unused2020", title="Nobody cites this", year=2020, study_type="rct",
        created_at=T0, updated_at=T0,
    )  # fmt: skip
    session.add_all([*kb.users.values(), *kb.articles.values(), *kb.refs.values()])
    session.flush()
    for art, pos, section, text, kind, status, author, assignee, day in CLAIMS:
        claim = Claim(
            article_id=kb.articles[art].id, position=pos, section=section, text=text,
            kind=kind, status=status, author_id=kb.users[author].id,
            assignee_id=kb.users[assignee].id if assignee else None,
            created_at=at(1), updated_at=at(day),
            approved_at=at(day) if status == "Approved" else None,
            approved_by=kb.users[assignee].id if status == "Approved" and assignee else None,
            next_review_due=date(2027, 1, day) if status == "Approved" else None,
        )  # fmt: skip
        session.add(claim)
        kb.claims.append(claim)
    session.flush()
    for index, citekey, marker, stance in CITATIONS:
        session.add(
            Citation(
                claim_id=kb.claims[index].id,
                reference_id=kb.refs[citekey].id,
                marker=marker,
                stance=stance,
                quote="VAS 7.4 to 2.8" if index == 0 and marker == "1" else None,
                assessed_by=kb.users["rev1"].id if stance != "not assessed" else None,
                assessed_at=at(9) if stance != "not assessed" else None,
                created_at=at(2),
            )  # fmt: skip
        )
    session.add_all(
        [
            Flag(claim_id=kb.claims[1].id, kind="weak evidence", note="one guideline only",
                 check_key="weak:2", raised_at=at(11)),
            Flag(claim_id=kb.claims[1].id, kind="other", note="wording",
                 raised_by=kb.users["rev2"].id, raised_at=at(11, 10)),
            Flag(claim_id=kb.claims[5].id, kind="unsupported statement", raised_at=at(14)),
            Flag(claim_id=kb.claims[0].id, kind="numeric inconsistency", status="resolved",
                 raised_at=at(3), resolved_by=kb.users["ed1"].id, resolved_at=at(4),
                 resolution_note="checked"),
            Measure(claim_id=kb.claims[0].id, position=1, kind="pre/post means",
                    text="from 7.4 to 2.8 (p < 0.05)", outcome="VAS pain", pre_mean=7.4,
                    post_mean=2.8, p_value=0.05, p_operator="<", consistent=True,
                    problems=[]),
            Measure(claim_id=kb.claims[4].id, position=1, kind="proportion", text="20%",
                    percent=20.0, n=None, consistent=None, problems=["no n", "no CI"]),
            ReviewEvent(claim_id=kb.claims[0].id, actor_id=kb.users["ed1"].id,
                        actor_role="editor", action="created", to_status="Submitted",
                        claim_version=1, created_at=at(1)),
            ReviewEvent(claim_id=kb.claims[0].id, actor_id=kb.users["rev1"].id,
                        actor_role="reviewer", action="approved", from_status="Under Review",
                        to_status="Approved", comment="fine", claim_version=3,
                        created_at=at(10)),
            ReviewEvent(claim_id=kb.claims[3].id, actor_id=None, actor_role="system",
                        action="created", to_status="Submitted", claim_version=1,
                        created_at=at(12)),
        ]
    )  # fmt: skip
    for claim in kb.claims:
        refresh_summary(session, claim)
    session.commit()
    return kb
