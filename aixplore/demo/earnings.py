"""The demo member's earnings: the token page's earning rules at work on a fresh demo.

The demo member (``member@demo.aixplore.dev``) gets the welcome grant and uses two solutions
through demo orders, one of them reviewed (a review with verified usage: 20 ECE to the
member, 10 to its publisher for a first review) and one left for the token page to suggest
reviewing next. Everything goes through the real rules, so seeding twice earns nothing more.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from aixplore.demo.catalog import demo_actor
from aixplore.demo.plan import DOMAIN
from aixplore.domain.accounts.models import User
from aixplore.domain.reviews import services as reviews
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.wallet import earning, rewarded

DEMO_MEMBER = f"member@{DOMAIN}"
DEMO_REVIEW = {
    "rating": 4,
    "title": "Our app was running the same afternoon",
    "body": (
        "We ordered an app built from it for our support team. The generated project ran on "
        "the first try; the configuration step saved us a day of reading docs."
    ),
}


def seed_demo_earnings(session: Session) -> None:
    """The demo member's earnings, through the same rules as everyone's (idempotent)."""
    member = session.exec(select(User).where(User.email == DEMO_MEMBER)).first()
    if member is None or member.id is None:
        return
    earning.grant_welcome(session, member.id)
    used = session.exec(
        select(Solution)
        .where(Solution.status == SolutionStatus.PUBLISHED, Solution.owner_id != member.id)
        .order_by(col(Solution.id))
        .limit(2)
    ).all()
    for solution in used:
        assert solution.id is not None
        reviews.do_record_usage(
            session,
            user_id=member.id,
            solution_id=solution.id,
            source="demo-order",
            reference="demo",
        )
    if used:
        # Written through the review service, so its grants are the real rule's.
        rewarded.do_write_review(session, demo_actor(member), used[0].slug, dict(DEMO_REVIEW))
