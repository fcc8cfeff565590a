"""The demo catalog: publishers, solutions, reviews and votes a visitor can explore.

``plan_catalog`` decides everything up front from seeded random generators, so the catalog
is the same on every machine, and a second run finds every row already there and adds
nothing. Solutions, reviews and publisher replies go through the domain services, so
aggregates, release history and search indexes are exactly what the product would make.
Helpful votes are inserted in bulk (counted the way the service counts them), and what no
member could do (backdating, badges, editors' picks) is set directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from aixplore.core.security import hash_password
from aixplore.core.time import utcnow
from aixplore.demo.artwork import add_demo_artwork
from aixplore.demo.content import PUBLISHERS
from aixplore.demo.plan import (
    DEMO_PASSWORD,
    PUBLISHER_PASSWORD,
    PlannedSolution,
    plan_catalog,
    publisher_email,
    reviewer_names,
)
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import Review, ReviewVote
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import Solution, SolutionRelease
from aixplore.domain.solutions.search import bump_trending
from aixplore.domain.wallet import rewarded


@dataclass
class SeedReport:
    """What one run added (all zero when the catalog was already there)."""

    publishers: int = 0
    reviewers: int = 0
    solutions: int = 0
    reviews: int = 0
    votes: int = 0
    replies: int = 0
    artwork: int = 0

    def __str__(self) -> str:
        return (
            f"{self.solutions} solutions, {self.reviews} reviews, {self.votes} helpful votes, "
            f"{self.replies} replies, {self.publishers} publishers, {self.reviewers} reviewers, "
            f"artwork for {self.artwork} listings"
        )


def demo_actor(user: User) -> Actor:
    """A demo member acting through the services."""
    assert user.id is not None
    return Actor(
        user_id=user.id, email=user.email, display_name=user.display_name, role=PlatformRole.MEMBER
    )


def _ensure_publishers(session: Session, now: datetime, report: SeedReport) -> list[User]:
    users: list[User] = []
    for index, (name, bio, _, verified) in enumerate(PUBLISHERS):
        email = publisher_email(name)
        user = accounts.get_user_by_email(session, email)
        if user is None:
            account_admin.do_create_verified_member(
                session, email=email, password=PUBLISHER_PASSWORD, display_name=name
            )
            user = accounts.get_user_by_email(session, email)
            assert user is not None
            user.bio = bio
            user.created_at = now - timedelta(days=760 - index * 7)
            if verified:
                user.verified_publisher_at = now - timedelta(days=300 - index * 5)
            session.add(user)
            report.publishers += 1
        users.append(user)
    session.flush()
    return users


def _ensure_reviewers(session: Session, now: datetime, report: SeedReport) -> list[User]:
    people = reviewer_names()
    emails = [email for _, email in people]
    found = {u.email: u for u in session.exec(select(User).where(col(User.email).in_(emails)))}
    missing = [(name, email) for name, email in people if email not in found]
    if missing:
        # One argon2 hash shared by every demo reviewer: hashing each would take seconds.
        shared_hash = hash_password(DEMO_PASSWORD)
        for offset, (name, email) in enumerate(missing):
            joined = now - timedelta(days=740 - offset * 5)
            user = User(
                email=email,
                display_name=name,
                password_hash=shared_hash,
                email_verified_at=joined,
                password_changed_at=joined,
                created_at=joined,
            )
            session.add(user)
            found[email] = user
        session.flush()
        report.reviewers += len(missing)
    return [found[email] for email in emails]


def _create_solution(
    session: Session,
    plan: PlannedSolution,
    owner: User,
    reviewers: list[User],
    now: datetime,
    report: SeedReport,
) -> None:
    owner_actor = demo_actor(owner)
    first_version = plan.releases[0][0]
    created = solutions.do_create_solution(
        session,
        owner_actor,
        {
            "name": plan.name,
            "tagline": plan.tagline,
            "description": plan.description,
            "category": plan.category,
            "pricing": plan.pricing.value,
            "tags": plan.tags,
            "website_url": plan.website_url,
            "repository_url": plan.repository_url,
            "demo_url": plan.demo_url,
            "version": first_version,
        },
    )
    report.solutions += 1
    slug = created.slug
    if plan.status == "draft":
        return
    solutions.do_set_status(session, owner_actor, slug, "published")
    row = session.exec(select(Solution).where(Solution.slug == slug)).one()
    published_at = now - timedelta(days=plan.published_days_ago)
    row.created_at = published_at - timedelta(days=3)
    row.published_at = published_at
    row.featured = plan.featured
    _backdate_releases(session, row, plan, now)

    dated: list[tuple[int, datetime]] = []
    for review in plan.reviews:
        author = reviewers[review.reviewer]
        written = rewarded.write_review(
            session,
            demo_actor(author),
            slug,
            {"rating": review.rating, "title": review.title, "body": review.body},
        )
        assert written.id is not None
        dated.append((written.id, now - timedelta(days=review.days_ago)))
        report.reviews += 1
        _add_votes(session, written.id, [reviewers[v] for v in review.voters], now)
        report.votes += len(review.voters)
        if review.reply:
            reviews.do_reply(session, owner_actor, written.id, review.reply)
            report.replies += 1
    for review_id, at in dated:
        session.execute(
            update(Review)
            .where(col(Review.id) == review_id)
            .values(created_at=at, updated_at=at + timedelta(minutes=5))
        )
    # Trending is a log-sum-exp of activity times: rebuild it from the backdated reviews.
    row.trending_score = 0.0
    for _, at in sorted(dated, key=lambda item: item[1]):
        bump_trending(row, at.timestamp() / 86400, weight=3.0)
    last_activity = max([published_at, *(at for _, at in dated)])
    row.updated_at = last_activity
    if plan.status == "archived":
        solutions.do_set_status(session, owner_actor, slug, "archived")
        row.updated_at = now - timedelta(days=plan.published_days_ago / 4)
    session.add(row)


def _add_votes(session: Session, review_id: int, voters: list[User], now: datetime) -> None:
    """Helpful votes in one insert (the service's per-click path would take seconds here).

    Sets ``helpful_count`` the way ``do_toggle_helpful`` does: the number of vote rows.
    """
    if not voters:
        return
    session.execute(
        insert(ReviewVote),
        [{"review_id": review_id, "user_id": v.id, "created_at": now} for v in voters],
    )
    session.execute(
        update(Review).where(col(Review.id) == review_id).values(helpful_count=len(voters))
    )


def _backdate_releases(
    session: Session, row: Solution, plan: PlannedSolution, now: datetime
) -> None:
    first = session.exec(
        select(SolutionRelease).where(SolutionRelease.solution_id == row.id)
    ).first()
    if first is not None:
        first.notes = plan.releases[0][1]
        first.created_at = now - timedelta(days=plan.releases[0][2])
        session.add(first)
    for version, notes, days_ago in plan.releases[1:]:
        session.add(
            SolutionRelease(
                solution_id=row.id or 0,
                version=version,
                notes=notes,
                created_at=now - timedelta(days=days_ago),
            )
        )
    row.version = plan.releases[-1][0]


def seed_demo_catalog(session: Session) -> SeedReport:
    """Load the demo catalog into ``session``'s transaction; rows already there are kept.

    Adds about 25 publishers, 120 reviewers and 228 solutions (most published, a few drafts and
    archived listings) with reviews, helpful votes, publisher replies, and generated logos and
    screenshots. Safe to run again.
    """
    now = utcnow()
    report = SeedReport()
    publishers = _ensure_publishers(session, now, report)
    reviewers = _ensure_reviewers(session, now, report)
    owner_ids = [p.id for p in publishers]
    existing = set(
        session.exec(
            select(Solution.owner_id, Solution.name).where(col(Solution.owner_id).in_(owner_ids))
        ).all()
    )
    for plan in plan_catalog():
        owner = publishers[plan.publisher]
        if (owner.id, plan.name) in existing:
            continue
        _create_solution(session, plan, owner, reviewers, now, report)
    session.flush()
    report.artwork = add_demo_artwork(session, owner_ids)
    return report
