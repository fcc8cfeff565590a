"""Demo catalog (idempotent, believable, consistent) and the large benchmark catalog."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore import cli
from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.demo import seed_demo_catalog, seed_demo_events, seed_large_catalog
from aixplore.demo.content import PUBLISHERS
from aixplore.demo.events import PLAN as DEMO_EVENTS
from aixplore.demo.plan import plan_catalog, publisher_email
from aixplore.domain.accounts.models import User
from aixplore.domain.events import services as events
from aixplore.domain.events.models import Event, EventRsvp, RsvpStatus
from aixplore.domain.reviews.models import Review, ReviewReply, ReviewStatus, ReviewVote
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import (
    Category,
    Solution,
    SolutionRelease,
    SolutionStatus,
    SolutionTag,
)
from aixplore.domain.solutions.search import SearchQuery, search
from tests.factories import sign_in


def _counts(db: Session) -> dict[str, int]:
    tables = {
        "users": User,
        "solutions": Solution,
        "tags": SolutionTag,
        "releases": SolutionRelease,
        "reviews": Review,
        "votes": ReviewVote,
        "replies": ReviewReply,
    }
    return {
        name: int(db.exec(select(func.count()).select_from(table)).one())
        for name, table in tables.items()
    }


def test_demo_catalog_and_events_load_once_and_are_consistent() -> None:
    # One test for both: on PostgreSQL each catalog load is a minute of a CI run.
    with session_scope() as db:
        first_report = seed_demo_catalog(db)
    with session_scope() as db:
        first = _counts(db)
    with session_scope() as db:
        second_report = seed_demo_catalog(db)
    with session_scope() as db:
        assert _counts(db) == first
    assert first_report.solutions == len(plan_catalog()) and first_report.reviews > 500
    assert (second_report.solutions, second_report.reviews, second_report.votes) == (0, 0, 0)
    assert (second_report.publishers, second_report.reviewers) == (0, 0)
    assert (first_report.artwork, second_report.artwork) == (len(plan_catalog()), 0)

    with session_scope() as db:
        rows = db.exec(select(Solution)).all()
        published = [s for s in rows if s.status == SolutionStatus.PUBLISHED]
        assert len(published) >= 200
        assert {s.status for s in rows} == set(SolutionStatus)  # a few drafts and archived too
        assert len({s.slug for s in rows}) == len(rows)

        categories = solutions.list_categories(db)
        assert len(categories) == 12 and all(c.count >= 10 for c in categories)

        owners = Counter(s.owner_id for s in rows)
        assert len(owners) == len(PUBLISHERS) and max(owners.values()) <= 25
        verified = db.exec(
            select(func.count())
            .select_from(User)
            .where(col(User.verified_publisher_at).is_not(None))
        ).one()
        assert 5 <= verified < len(PUBLISHERS)
        featured = [s for s in published if s.featured]
        assert len({s.category_id for s in featured}) == 12

        for s in rows:
            assert s.tags_text and len(s.tags_text.split()) >= 2 and s.version
            assert s.website_url.startswith("https://") and ".example.com" in s.website_url
            assert "## What you get" in s.description_md and "<ul>" in s.description_html
            assert s.published_at is None or s.published_at <= s.updated_at

        _assert_aggregates_match_reviews(db, rows)
        _assert_artwork_is_stored(db, rows)

        # The catalog is searchable the way visitors will search it.
        found = search(db, SearchQuery.from_params({"q": "transcription"}))
        assert found.total >= 3
        by_category = search(db, SearchQuery.from_params({"category": "security"}))
        assert by_category.total >= 10

    # Demo accounts can sign in with the documented passwords.
    assert sign_in(publisher_email(PUBLISHERS[0][0]), "demo-publisher-password")
    with session_scope() as db:
        reviewer = db.exec(
            select(User).where(col(User.email).like("%@demo.aixplore.dev")).limit(1)
        ).one()
    assert sign_in(reviewer.email, "demo-member-password")
    _assert_events_load_once_with_rsvps_a_waitlist_and_an_archive()


def _assert_artwork_is_stored(db: Session, rows: Sequence[Solution]) -> None:
    """Every demo listing has its own logo and three screenshots, stored like uploads."""
    media = get_settings().media_root
    assert len({s.logo_path for s in rows}) == len(rows)
    for s in rows:
        assert s.logo_path.startswith("logos/") and (media / s.logo_path).is_file(), s.slug
        shots = solutions.screenshots_of(db, s.id or 0)
        assert len(shots) == 3 and all(shot.caption.endswith(s.name) for shot in shots)
        for shot in shots:
            assert (media / shot.url.removeprefix("/media/")).is_file()


def _assert_aggregates_match_reviews(db: Session, rows: Sequence[Solution]) -> None:
    ratings: dict[int, list[int]] = {}
    for solution_id, rating in db.exec(
        select(Review.solution_id, Review.rating).where(Review.status == ReviewStatus.VISIBLE)
    ).all():
        ratings.setdefault(solution_id, []).append(rating)
    reviewed = 0
    for s in rows:
        mine = ratings.get(s.id or 0, [])
        reviewed += bool(mine)
        assert s.rating_count == len(mine), s.slug
        assert [s.rating_1, s.rating_2, s.rating_3, s.rating_4, s.rating_5] == [
            mine.count(n) for n in range(1, 6)
        ], s.slug
        expected = round(sum(mine) / len(mine), 4) if mine else 0.0
        assert s.rating_avg == pytest.approx(expected), s.slug
        assert (s.trending_score > 0) == bool(mine), s.slug
    assert reviewed >= 150
    votes = dict(
        db.exec(
            select(ReviewVote.review_id, func.count()).group_by(col(ReviewVote.review_id))
        ).all()
    )
    for review_id, helpful in db.exec(select(Review.id, Review.helpful_count)).all():
        assert helpful == votes.get(review_id or 0, 0)
    # Nobody reviews their own solution or votes for their own review.
    owner_reviews = db.exec(
        select(func.count())
        .select_from(Review)
        .join(Solution, col(Solution.id) == Review.solution_id)
        .where(col(Review.author_id) == col(Solution.owner_id))
    ).one()
    own_votes = db.exec(
        select(func.count())
        .select_from(ReviewVote)
        .join(Review, col(Review.id) == ReviewVote.review_id)
        .where(col(Review.author_id) == col(ReviewVote.user_id))
    ).one()
    assert owner_reviews == own_votes == 0


def test_demo_plan_is_the_same_every_time() -> None:
    first, second = plan_catalog(), plan_catalog()
    assert [(p.name, p.publisher, p.tags, len(p.reviews)) for p in first] == [
        (p.name, p.publisher, p.tags, len(p.reviews)) for p in second
    ]
    assert len({p.name for p in first}) == len(first) >= 200
    with session_scope() as db:
        assert {p.category for p in first} == {c.slug for c in solutions.list_categories(db)}
    bodies = [r.body for p in first for r in p.reviews]
    assert len(set(bodies)) > 0.6 * len(bodies)  # varied text, not one sentence repeated


def test_large_catalog_is_bulk_loaded_indexed_and_repeatable() -> None:
    seen: list[int] = []
    report = seed_large_catalog(session_scope, 450, batch_size=200, progress=seen.append)
    assert (report.solutions, seen) == (450, [200, 400, 450])
    again = seed_large_catalog(session_scope, 50, batch_size=200)
    assert again.solutions == 50 and again.publishers == 0
    with session_scope() as db:
        counts = _counts(db)
        assert counts["solutions"] == 500
        assert counts["tags"] == report.tags + again.tags >= 1000
        rows = db.exec(select(Solution)).all()
        assert len({s.slug for s in rows}) == 500
        assert {s.category_id for s in rows} == set(db.exec(select(Category.id)).all())
        rated = [s for s in rows if s.rating_count]
        assert 0.5 * len(rows) < len(rated) < len(rows)
        for s in rated:
            dist = [s.rating_1, s.rating_2, s.rating_3, s.rating_4, s.rating_5]
            assert sum(dist) == s.rating_count
            assert s.rating_avg == pytest.approx(
                sum((n + 1) * d for n, d in enumerate(dist)) / s.rating_count, abs=1e-4
            )
        # The full-text index followed the bulk inserts (triggers / generated column).
        word = rows[0].name.split()[0]
        page = search(db, SearchQuery.from_params({"q": word}))
        assert page.total >= 1
        first_tag = db.exec(
            select(SolutionTag.tag).where(SolutionTag.solution_id == rows[0].id)
        ).first()
        tagged = search(db, SearchQuery.from_params({"tags": first_tag}))
        assert tagged.total >= 1


def test_cli_seed_large_adds_solutions_and_refuses_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["seed-large", "--count", "30"]) == 0
    assert "added 30 solutions" in capsys.readouterr().out
    assert cli.main(["seed-large", "--count", "0"]) == 2

    class Production:
        env = "production"

    monkeypatch.setattr(cli, "get_settings", lambda: Production())
    assert cli.main(["seed-large", "--count", "30"]) == 2
    assert "refusing" in capsys.readouterr().err
    with session_scope() as db:
        assert _counts(db)["solutions"] == 30


def _assert_events_load_once_with_rsvps_a_waitlist_and_an_archive() -> None:
    """The demo events, loaded on the demo catalog: once, with RSVPs, a waitlist and a past."""
    with session_scope() as db:
        added = seed_demo_events(db)
    with session_scope() as db:
        assert seed_demo_events(db) == 0  # a second run adds nothing
        rows = db.exec(select(Event)).all()
        upcoming = events.list_upcoming(db)
        past = events.list_past(db)
        rsvps = db.exec(select(EventRsvp)).all()
    assert added == len(DEMO_EVENTS) == len(rows)
    assert upcoming.total == sum(p.days > 0 for p in DEMO_EVENTS)
    assert past.total == sum(p.days < 0 for p in DEMO_EVENTS)
    # Every event is tied to a published solution of its organizer, in the planned zone.
    zones = {p.zone for p in DEMO_EVENTS}
    assert {e.timezone for e in rows} == zones
    assert all(e.solution_id is not None for e in rows)
    by_event = Counter((r.event_id, r.status) for r in rsvps)
    assert all(e.id is not None for e in rows)
    for event in rows:
        going = by_event[event.id or 0, RsvpStatus.GOING]
        assert 1 <= going <= event.capacity
    # The small workshop is full and people wait for a seat.
    full = [e for e in rows if by_event[e.id or 0, RsvpStatus.WAITLISTED]]
    assert len(full) == 1 and by_event[full[0].id or 0, RsvpStatus.GOING] == full[0].capacity
    # Upcoming events show in the visitor's list with their solution and organizer.
    first = upcoming.items[0]
    assert first.solution_slug and first.organizer_name and first.going_count >= 1
