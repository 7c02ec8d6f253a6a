"""Review services on SQLite and PostgreSQL: approval rules, edits, flags, retraction, audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from kb.errors import InvalidInput, InvalidTransition, PermissionDenied, StaleVersion
from kb.models import Claim, Flag, Reference, ReviewEvent, User
from kb.services import articles, claims, flags, review
from kb.services.retraction import retract_reference
from tests import factories as f

STALE = r"^claim \d+ was changed by .+ at .+; reload$"


def fresh(s: Session, claim_id: int | None) -> Claim:
    s.expire_all()
    c = s.get(Claim, claim_id)
    assert c is not None
    return c


def events(s: Session, claim_id: int | None) -> list[ReviewEvent]:
    return list(
        s.exec(
            select(ReviewEvent).where(ReviewEvent.claim_id == claim_id).order_by(ReviewEvent.id)  # type: ignore[arg-type]
        )
    )


def replay(evs: list[ReviewEvent]) -> str:
    """The status the event log says the claim is in; every event starts where the last ended."""
    status = "Submitted"
    for e in evs:
        assert e.from_status == status, (e.action, e.from_status, status)
        status = e.to_status or status
    return status


@pytest.fixture
def team(session: Session) -> dict[str, User]:
    return {
        "editor": f.user(session, "editor"),
        "editor2": f.user(session, "editor"),
        "reviewer": f.user(session, "reviewer"),
        "reviewer2": f.user(session, "reviewer"),
        "admin": f.user(session, "admin"),
    }


def test_editor_to_approval_and_audit_replay(session: Session, team: dict[str, User]) -> None:
    s, ed, rv = session, team["editor"], team["reviewer"]
    # A cohort (level 3) support: no automatic weak-evidence flag stands in the way.
    ref = f.reference(s, citekey="costantini2010", study_type="cohort")
    c = f.claim(s, author=ed, kind="finding")
    cit = claims.link_citation(
        session=s, actor=ed, claim_id=c.id, citekey="costantini2010", seen_version=1, marker="2"
    )
    assert (cit.marker, cit.link_state, cit.stance) == ("2", "manual", "not assessed")
    review.start_review(session=s, actor=rv, claim_id=c.id, seen_version=2)
    with pytest.raises(InvalidTransition, match="no citation supports this finding"):
        review.approve(session=s, actor=rv, claim_id=c.id, seen_version=3)
    claims.assess_stance(
        session=s,
        actor=rv,
        claim_id=c.id,
        citekey=ref.citekey,
        stance="partially-supports",
        seen_version=3,
        quote="VAS 7.4 to 2.8",
        locator="p. 277, table 2",
    )
    got = fresh(s, c.id)
    assert (got.status, got.version, got.supporting_count, got.best_level) == (
        "Under Review",
        4,
        1,
        3,
    )
    review.approve(session=s, actor=rv, claim_id=c.id, seen_version=4, comment="fine")
    got = fresh(s, c.id)
    assert got.status == "Approved" and got.approved_by == rv.id and got.assignee_id == rv.id
    assert got.approved_at is not None
    assert got.next_review_due == review.add_months(got.approved_at.date(), 12)
    evs = events(s, c.id)
    assert [e.action for e in evs] == [
        "link citation",
        "start review",
        "assess stance",
        "approve",
    ]
    assert replay(evs) == got.status
    assert [e.claim_version for e in evs] == [2, 3, 4, 5]
    # The history cannot be rewritten.
    with pytest.raises(DatabaseError, match="append-only"):
        s.execute(text("UPDATE review_event SET to_status = 'Submitted'"))
        s.commit()
    s.rollback()
    assert replay(events(s, c.id)) == "Approved"


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_four_eyes(session: Session, team: dict[str, User], role: str) -> None:
    author = team[role]
    c = f.claim(session, author=author, kind="background", status="Under Review")
    with pytest.raises(InvalidTransition, match=r"wrote claim \d+; another reviewer must"):
        review.approve(session=session, actor=author, claim_id=c.id, seen_version=c.version)
    review.approve(session=session, actor=team["reviewer2"], claim_id=c.id, seen_version=1)
    assert fresh(session, c.id).status == "Approved"


def test_open_flags_block_approval_with_count_and_kinds(
    session: Session, team: dict[str, User]
) -> None:
    s, rv = session, team["reviewer"]
    c = f.claim(s, author=team["editor"], kind="background", status="Under Review")
    f1 = flags.raise_flag(session=s, actor=rv, claim_id=c.id, kind="unsupported", note="no source")
    flags.raise_flag(
        session=s,
        actor=team["editor"],
        claim_id=c.id,
        kind="ambiguous citation mapping",
        note="5 markers, 3 refs",
    )
    got = fresh(s, c.id)
    assert (got.open_flag_count, got.version, got.status) == (2, 1, "Under Review")
    with pytest.raises(InvalidTransition) as err:
        review.approve(session=s, actor=rv, claim_id=c.id, seen_version=1)
    assert str(err.value) == (
        "cannot approve: 2 open flags: unsupported statement, ambiguous citation mapping"
    )
    flags.resolve_flag(session=s, actor=rv, flag_id=f1.id, note="cited now")
    with pytest.raises(InvalidTransition, match="^cannot approve: 1 open flag: ambiguous"):
        review.approve(session=s, actor=rv, claim_id=c.id, seen_version=1)
    assert fresh(s, c.id).open_flag_count == 1


def test_background_claim_without_citations_may_be_approved(
    session: Session, team: dict[str, User]
) -> None:
    c = f.claim(session, author=team["editor"], kind="background", status="Under Review")
    review.approve(session=session, actor=team["reviewer"], claim_id=c.id, seen_version=1)
    assert fresh(session, c.id).status == "Approved"


@pytest.mark.parametrize("stance", ["refutes", "not found in source", "background only"])
def test_recommendation_needs_a_supporting_stance(
    session: Session, team: dict[str, User], stance: str
) -> None:
    ref = f.reference(session)
    c = f.claim(session, kind="recommendation", refs=(ref,), stance=stance, status="Under Review")
    with pytest.raises(InvalidTransition, match="no citation supports this recommendation"):
        review.approve(session=session, actor=team["reviewer"], claim_id=c.id, seen_version=1)


def test_request_changes_and_reopen_need_text(session: Session, team: dict[str, User]) -> None:
    s, rv = session, team["reviewer"]
    c = f.claim(s, kind="background", status="Under Review")
    with pytest.raises(InvalidTransition, match="^cannot request changes: a comment is required$"):
        review.request_changes(session=s, actor=rv, claim_id=c.id, seen_version=1, comment=" ")
    review.request_changes(session=s, actor=rv, claim_id=c.id, seen_version=1, comment="cite it")
    assert events(s, c.id)[-1].comment == "cite it"
    a = f.claim(s, kind="background", status="Approved", next_review_due=date(2030, 1, 1))
    with pytest.raises(InvalidTransition, match="^cannot reopen: a reason is required$"):
        review.reopen(session=s, actor=rv, claim_id=a.id, seen_version=1, comment="")
    review.reopen(session=s, actor=rv, claim_id=a.id, seen_version=1, comment="new meta-analysis")
    got = fresh(s, a.id)
    assert (got.status, got.next_review_due, got.assignee_id) == ("Under Review", None, rv.id)


@pytest.mark.parametrize("change", ["edit", "link", "unlink"])
@pytest.mark.parametrize("status", ["Approved", "Under Review"])
def test_editing_sends_back_to_submitted(
    session: Session, team: dict[str, User], change: str, status: str
) -> None:
    s, ed = session, team["editor"]
    ref, other = f.reference(s), f.reference(s)
    c = f.claim(s, author=ed, refs=(ref,), stance="supports", status=status)
    if change == "edit":
        claims.edit_claim(session=s, actor=ed, claim_id=c.id, text="New words.", seen_version=1)
    elif change == "link":
        claims.link_citation(
            session=s, actor=ed, claim_id=c.id, citekey=other.citekey, seen_version=1
        )
    else:
        claims.unlink_citation(
            session=s, actor=ed, claim_id=c.id, citekey=ref.citekey, seen_version=1
        )
    got = fresh(s, c.id)
    assert (got.status, got.version, got.next_review_due) == ("Submitted", 2, None)
    # The person's event (an automatic check may add its own after it: unlinking the only
    # citation leaves a check-worthy claim unsupported).
    last = [e for e in events(s, c.id) if e.actor_id is not None][-1]
    assert (last.from_status, last.to_status) == (status, "Submitted")
    assert last.comment and f"edited: sent back to Submitted (was {status})" in last.comment


def test_edit_keeps_old_text_in_history(session: Session, team: dict[str, User]) -> None:
    c = f.claim(session, text="Old words.")
    claims.edit_claim(
        session=session, actor=team["editor"], claim_id=c.id, text="  New words. ", seen_version=1
    )
    got = fresh(session, c.id)
    assert got.text == "New words." and got.text_hash == claims.text_hash("New   words.")
    assert events(session, c.id)[-1].comment == "text edited; previous text: Old words."
    with pytest.raises(InvalidInput, match="already has this text"):
        claims.edit_claim(
            session=session, actor=team["editor"], claim_id=c.id, text="New words.", seen_version=2
        )


def test_assessing_keeps_status_but_bumps_version(session: Session, team: dict[str, User]) -> None:
    ref = f.reference(session)
    c = f.claim(session, refs=(ref,), status="Under Review")
    cit = claims.assess_stance(
        session=session,
        actor=team["reviewer"],
        claim_id=c.id,
        citekey=ref.citekey,
        stance="refutes",
        seen_version=1,
    )
    assert cit.assessed_by == team["reviewer"].id and cit.assessed_at is not None
    got = fresh(session, c.id)
    assert (got.status, got.version, got.refuting_count) == ("Under Review", 2, 1)
    with pytest.raises(PermissionDenied, match="editors may not assess"):
        claims.assess_stance(
            session=session,
            actor=team["editor"],
            claim_id=c.id,
            citekey=ref.citekey,
            stance="supports",
            seen_version=2,
        )


def test_flag_rules(session: Session, team: dict[str, User]) -> None:
    s, ed, ed2 = session, team["editor"], team["editor2"]
    mine = f.claim(s, author=ed)
    theirs = f.claim(s, author=ed2)
    a = flags.raise_flag(session=s, actor=ed, claim_id=mine.id, kind="weak-evidence", note="n")
    b = flags.raise_flag(session=s, actor=ed, claim_id=theirs.id, kind="other", note="n")
    with pytest.raises(PermissionDenied, match="only on claims they wrote"):
        flags.resolve_flag(session=s, actor=ed, flag_id=b.id)
    with pytest.raises(PermissionDenied, match="editors may not dismiss flags"):
        flags.dismiss_flag(session=s, actor=ed, flag_id=a.id)
    done = flags.resolve_flag(session=s, actor=ed, flag_id=a.id, note="added RCT")
    assert (done.status, done.resolved_by, done.resolution_note) == ("resolved", ed.id, "added RCT")
    with pytest.raises(InvalidTransition, match="already resolved"):
        flags.dismiss_flag(session=s, actor=team["reviewer"], flag_id=a.id)
    flags.dismiss_flag(session=s, actor=team["reviewer"], flag_id=b.id, note="not an issue")
    with pytest.raises(InvalidInput, match="unknown flag kind 'bogus'"):
        flags.raise_flag(session=s, actor=ed, claim_id=mine.id, kind="bogus", note="n")
    with pytest.raises(InvalidInput, match="a note is required"):
        flags.raise_flag(session=s, actor=ed, claim_id=mine.id, kind="other", note=" ")
    assert [e.action for e in events(s, mine.id)] == ["raise flag", "resolve flag"]
    assert replay(events(s, theirs.id)) == "Submitted"
    assert fresh(s, mine.id).version == 1, "flags do not bump the claim version"


def test_retraction_sends_approved_back_and_flags(session: Session, team: dict[str, User]) -> None:
    s = session
    bad = f.reference(s, citekey="fraud2019")
    good = f.reference(s)
    approved = f.claim(
        s, refs=(bad,), stance="supports", status="Approved", next_review_due=date(2031, 1, 1)
    )
    submitted = f.claim(s, refs=(bad,), status="Submitted")
    untouched = f.claim(s, refs=(good,), stance="supports", status="Approved")
    result = retract_reference(
        session=s, actor=team["editor"], citekey="fraud2019", status="retracted", note="RW 2024"
    )
    assert sorted(result.flagged) == sorted([approved.id, submitted.id])
    assert result.reopened == [approved.id]
    got = fresh(s, approved.id)
    assert (got.status, got.next_review_due, got.open_flag_count) == ("Under Review", None, 1)
    flag = s.exec(select(Flag).where(Flag.claim_id == approved.id)).one()
    assert flag.kind == "retracted source" and "fraud2019" in (flag.note or "")
    ev = events(s, approved.id)
    assert (ev[0].action, ev[0].from_status, ev[0].to_status) == (
        "retracted source",
        "Approved",
        "Under Review",
    )
    assert ev[0].comment == "reference fraud2019 retracted: RW 2024"
    assert fresh(s, submitted.id).status == "Submitted"
    assert fresh(s, submitted.id).open_flag_count == 1
    assert fresh(s, untouched.id).status == "Approved"
    ref = s.exec(select(Reference).where(Reference.citekey == "fraud2019")).one()
    assert (ref.retraction, ref.retraction_note) == ("retracted", "RW 2024")
    # Back to none: the flags stay for a reviewer to resolve; retracting again adds none.
    retract_reference(session=s, actor=team["editor"], citekey="fraud2019", status="none")
    retract_reference(session=s, actor=team["editor"], citekey="fraud2019", status="retracted")
    assert fresh(s, approved.id).open_flag_count == 1
    with pytest.raises(PermissionDenied):
        retract_reference(
            session=s, actor=f.user(s, "analyst"), citekey="fraud2019", status="corrected"
        )


def _stale_calls(ref: str) -> dict[str, object]:
    return {
        "start": (review.start_review, {}),
        "edit": (claims.edit_claim, {"text": "Other text."}),
        "link": (claims.link_citation, {"citekey": ref}),
        "flag": (flags.raise_flag, {"kind": "other", "note": "n"}),
    }


@pytest.mark.parametrize("which", ["start", "edit", "link", "flag"])
def test_stale_version_refused_and_nothing_written(
    session: Session, team: dict[str, User], which: str
) -> None:
    s = session
    ref = f.reference(s)
    c = f.claim(s)
    # Someone else changes the claim first (version 1 -> 2).
    review.assign_reviewer(
        session=s,
        actor=team["reviewer2"],
        claim_id=c.id,
        assignee_email=team["reviewer2"].email,
        seen_version=1,
    )
    n_events = len(events(s, c.id))
    fn, extra = _stale_calls(ref.citekey)[which]  # type: ignore[misc]
    actor = team["admin"]
    with pytest.raises(StaleVersion, match=STALE) as err:
        fn(session=s, actor=actor, claim_id=c.id, seen_version=1, **extra)
    assert team["reviewer2"].email in str(err.value)
    got = fresh(s, c.id)
    assert (got.version, got.status, got.text) == (2, "Submitted", c.text)
    assert len(events(s, c.id)) == n_events
    assert s.exec(select(Flag).where(Flag.claim_id == c.id)).all() == []


def test_assign_only_reviewers(session: Session, team: dict[str, User]) -> None:
    c = f.claim(session)
    with pytest.raises(InvalidInput, match="cannot review"):
        review.assign_reviewer(
            session=session,
            actor=team["reviewer"],
            claim_id=c.id,
            assignee_email=team["editor"].email,
            seen_version=1,
        )
    review.assign_reviewer(
        session=session,
        actor=team["reviewer"],
        claim_id=c.id,
        assignee_email=team["reviewer2"].email,
        seen_version=1,
    )
    assert fresh(session, c.id).assignee_id == team["reviewer2"].id


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2024, 5, 31), 12, date(2025, 5, 31)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert review.add_months(day, months) == expected


def test_due_for_review_and_interval_setting(
    session: Session, team: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_REVIEW_INTERVAL_MONTHS", "6")
    c = f.claim(session, kind="background", status="Under Review")
    review.approve(session=session, actor=team["reviewer"], claim_id=c.id, seen_version=1)
    got = fresh(session, c.id)
    assert got.approved_at is not None
    due = review.add_months(got.approved_at.date(), 6)
    assert got.next_review_due == due
    f.claim(session, status="Approved", next_review_due=date(2099, 1, 1))
    f.claim(session, status="Submitted", next_review_due=date(2000, 1, 1))
    assert review.due_for_review(session=session, today=due - timedelta(days=1)) == []
    assert [x.id for x in review.due_for_review(session=session, today=due)] == [c.id]


def test_article_status(session: Session) -> None:
    art = f.article(session)
    empty = f.article(session)

    def status(article: Any) -> tuple[str, dict[str, int]]:
        _article, claims = articles.article_claims(session=session, slug=article.slug)
        counts = articles.status_counts(claims)
        listed = {a["slug"]: a for a in articles.list_articles(session=session)}[article.slug]
        assert listed["status"] == articles.derived_status(counts)  # list and page agree
        return articles.derived_status(counts), counts

    assert status(empty)[0] == "Submitted"
    a = f.claim(session, art=art, status="Approved")
    f.claim(session, art=art, status="Approved")
    assert status(art) == ("Approved", {"Submitted": 0, "Under Review": 0, "Approved": 2})
    f.claim(session, art=art, status="Submitted")
    assert status(art)[0] == "Under Review"  # review has begun: two of three approved
    f.claim(session, art=art, status="Under Review")
    assert status(art) == ("Under Review", {"Submitted": 1, "Under Review": 1, "Approved": 2})
    only_new = f.article(session)
    f.claim(session, art=only_new, status="Submitted")
    assert status(only_new)[0] == "Submitted"
    assert a.id is not None


def test_caller_may_read_before_calling_a_service(sqlite_engine: Any) -> None:
    """The CLI and pages load the user first; another writer in between must not make SQLite
    fail with "database is locked" (a read transaction cannot be upgraded after a commit)."""
    with Session(sqlite_engine, expire_on_commit=False) as setup:
        rv = f.user(setup, "reviewer")
        a, b = f.claim(setup, kind="background"), f.claim(setup, kind="background")
    with (
        Session(sqlite_engine, expire_on_commit=False) as mine,
        Session(sqlite_engine, expire_on_commit=False) as theirs,
    ):
        actor = mine.exec(select(User).where(User.id == rv.id)).one()  # opens a read transaction
        review.start_review(session=theirs, actor=rv, claim_id=b.id, seen_version=1)
        review.start_review(session=mine, actor=actor, claim_id=a.id, seen_version=1)
        assert fresh(mine, a.id).status == "Under Review"


def test_every_writing_service_may_follow_a_read(sqlite_engine: Any) -> None:
    """Services that are not claim transitions (accounts, the library) start their write the
    same way: a caller's read, then another writer's commit, must not leave them locked out."""
    from kb.services import references, users

    with Session(sqlite_engine, expire_on_commit=False) as setup:
        admin = f.user(setup, "admin")
    n = iter(range(100))
    writes = [
        lambda s, who: users.add_user(
            session=s, actor=who, email=f"new{next(n)}@x.org", role="editor",
            password="a long enough password",
        ),
        lambda s, who: references.import_bib(
            session=s, actor=who, text=f"@article{{k{next(n)}, title={{T}}, year={{2020}}}}"
        ),
    ]  # fmt: skip
    for write in writes:
        with (
            Session(sqlite_engine, expire_on_commit=False) as mine,
            Session(sqlite_engine, expire_on_commit=False) as theirs,
        ):
            actor = mine.exec(select(User).where(User.id == admin.id)).one()  # a read
            write(theirs, admin)
            write(mine, actor)  # "database is locked" before begin_write ended the read


def test_a_narrower_permission_is_the_one_asked_for(
    session: Session, team: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linking a citation is an edit that needs "link citations", not "edit claims" as well."""
    from kb import permissions
    from kb.enums import Role
    from kb.permissions import Action

    roles = dict(permissions.ROLE_ACTIONS)
    roles[Role.editor] = roles[Role.editor] - {Action.claim_edit}
    monkeypatch.setattr(permissions, "ROLE_ACTIONS", roles)
    s, ed = session, team["editor"]
    f.reference(s, citekey="costantini2010", study_type="cohort")
    c = f.claim(s, author=ed, kind="finding")
    cit = claims.link_citation(
        session=s, actor=ed, claim_id=c.id, citekey="costantini2010", seen_version=1
    )
    assert cit.claim_id == c.id
    with pytest.raises(PermissionDenied, match="edit claims"):
        claims.edit_claim(session=s, actor=ed, claim_id=c.id, text="New.", seen_version=2)


def test_marker_choices_are_the_articles_references_plus_a_bounded_search(
    session: Session,
) -> None:
    for i in range(30):
        f.reference(session, citekey=f"walk{i:02d}", title=f"Walking study {i}")
    f.reference(session, citekey="printed1", title="Printed one")
    art = f.article(
        session,
        reference_list=[{"citekey": "printed1"}, {"citekey": None}],
        marker_map={"2": "walk07"},
    )
    assert articles.marker_choices(session=session, article=art) == ["printed1", "walk07"]
    found = articles.marker_choices(session=session, article=art, search="walk")
    assert len(found) == 2 + 20 - 1  # 20 matches at most, walk07 among them
    assert {"printed1", "walk07", "walk00"} <= set(found)


def test_article_list_searches_limits_and_counts_only_what_it_lists(session: Session) -> None:
    knee = f.article(session, slug="knee-pain", title="Knee pain")
    back = f.article(session, slug="back-care", title="Caring for the BACK")
    f.claim(session, art=knee, status="Approved")
    f.claim(session, art=back, status="Submitted")
    f.claim(session, art=back, status="Under Review")
    rows = {r["slug"]: r for r in articles.list_articles(session=session)}
    assert {s: rows[s]["status"] for s in ("knee-pain", "back-care")} == {
        "knee-pain": "Approved", "back-care": "Under Review",
    }  # fmt: skip
    found = articles.list_articles(session=session, search="back")
    assert [(r["slug"], r["claims"], r["Under Review"]) for r in found] == [("back-care", 2, 1)]
    assert articles.count_articles(session=session, search="  BaCk ") == 1
    assert articles.count_articles(session=session) == len(rows)
    newest = articles.list_articles(session=session, limit=1)
    assert (
        len(newest) == 1
        and newest[0]["slug"]
        == max(rows.values(), key=lambda r: (r["updated_at"], r["id"]))["slug"]
    )


# Four eyes covers everyone who put words or evidence into the claim since its last approval,
# not only its author (an admin could rewrite a claim, start review and approve it alone).
FOUR_EYES = (
    r"changed claim \d+ (since its last approval|before its review) \(.*\); another reviewer"
)


def _supported_claim(s: Session, author: User, reviewer: User) -> Claim:
    """A background claim citing a cohort study that the reviewer assessed as supporting."""
    ref = f.reference(s, study_type="cohort")
    c = f.claim(s, author=author, kind="background", refs=(ref,), stance="supports")
    return c


def test_admin_who_rewrote_a_claim_cannot_approve_it(
    session: Session, team: dict[str, User]
) -> None:
    s, admin, ed = session, team["admin"], team["editor"]
    c = _supported_claim(s, ed, admin)
    claims.edit_claim(session=s, actor=admin, claim_id=c.id, text="New words.", seen_version=1)
    review.start_review(session=s, actor=admin, claim_id=c.id, seen_version=2)
    with pytest.raises(InvalidTransition, match=FOUR_EYES) as err:
        review.approve(session=s, actor=admin, claim_id=c.id, seen_version=3)
    assert "(edit text)" in str(err.value)
    assert fresh(s, c.id).status == "Under Review"
    # Another reviewer may approve what the admin changed.
    review.approve(session=s, actor=team["reviewer"], claim_id=c.id, seen_version=3)
    assert fresh(s, c.id).status == "Approved"


@pytest.mark.parametrize("change", ["link", "unlink", "map markers", "merge"])
def test_whoever_changed_the_citations_cannot_approve(
    session: Session, team: dict[str, User], change: str
) -> None:
    s, admin = session, team["admin"]
    art = f.article(s, slug=f"four-eyes-{change.replace(' ', '-')}")
    kept = f.reference(s, study_type="cohort")
    c = f.claim(s, art=art, author=team["editor"], kind="background", refs=(kept,),
                stance="supports", markers=["1"])  # fmt: skip
    extra = f.reference(s, study_type="rct")
    v = fresh(s, c.id).version
    if change == "link":
        claims.link_citation(session=s, actor=admin, claim_id=c.id, citekey=extra.citekey,
                             seen_version=v)  # fmt: skip
    elif change == "unlink":
        claims.link_citation(session=s, actor=team["editor"], claim_id=c.id,
                             citekey=extra.citekey, seen_version=v)  # fmt: skip
        claims.unlink_citation(session=s, actor=admin, claim_id=c.id, citekey=extra.citekey,
                               seen_version=v + 1)  # fmt: skip
    elif change == "map markers":
        articles.set_marker_mapping(
            session=s, actor=admin, slug=art.slug, mapping={"1": extra.citekey}
        )
    else:
        from kb.services.references import merge_references

        merge_references(session=s, actor=admin, keep=extra.citekey, drop=kept.citekey)
    v = fresh(s, c.id).version
    review.start_review(session=s, actor=admin, claim_id=c.id, seen_version=v)
    with pytest.raises(InvalidTransition, match=FOUR_EYES):
        review.approve(session=s, actor=admin, claim_id=c.id, seen_version=v + 1)
    assert fresh(s, c.id).status == "Under Review"


def test_assessing_a_stance_is_review_not_authorship(
    session: Session, team: dict[str, User]
) -> None:
    s, rv = session, team["reviewer"]
    ref = f.reference(s, study_type="cohort")
    c = f.claim(s, author=team["editor"], kind="finding", refs=(ref,))
    review.start_review(session=s, actor=rv, claim_id=c.id, seen_version=1)
    claims.assess_stance(session=s, actor=rv, claim_id=c.id, citekey=ref.citekey,
                         stance="supports", seen_version=2)  # fmt: skip
    review.approve(session=s, actor=rv, claim_id=c.id, seen_version=3)
    assert fresh(s, c.id).status == "Approved"


def test_a_change_before_the_last_approval_no_longer_bars(
    session: Session, team: dict[str, User]
) -> None:
    s, admin, rv2 = session, team["admin"], team["reviewer2"]
    c = _supported_claim(s, team["editor"], admin)
    claims.edit_claim(session=s, actor=admin, claim_id=c.id, text="Admin's words.", seen_version=1)
    review.start_review(session=s, actor=rv2, claim_id=c.id, seen_version=2)
    review.approve(session=s, actor=rv2, claim_id=c.id, seen_version=3)
    # Someone else approved the admin's change; after a reopen the admin may approve again.
    review.reopen(session=s, actor=rv2, claim_id=c.id, seen_version=4, comment="recheck")
    review.approve(session=s, actor=admin, claim_id=c.id, seen_version=5)
    assert fresh(s, c.id).status == "Approved"
    # A new change after that approval bars the one who made it again.
    claims.edit_claim(session=s, actor=admin, claim_id=c.id,
                      text="Admin's second words.", seen_version=6)  # fmt: skip
    review.start_review(session=s, actor=rv2, claim_id=c.id, seen_version=7)
    with pytest.raises(InvalidTransition, match="since its last approval"):
        review.approve(session=s, actor=admin, claim_id=c.id, seen_version=8)
