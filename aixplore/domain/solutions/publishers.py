"""A publisher's public profile: who they are, their about text and their track record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions.models import Solution, SolutionStatus


class PublisherProfile(BaseModel):
    """What a publisher's page shows above their listings."""

    id: int
    name: str
    about: str
    verified: bool
    member_since: datetime
    published: int
    reviews: int
    rating_avg: float  # over every visible review of their published listings; 0 when none


def get_publisher_profile(session: Session, publisher_id: Any) -> PublisherProfile:
    """A publisher's profile and figures, counting only published listings (as visitors see).

    The average is of the reviews themselves (a listing with 40 reviews weighs 40 times one
    with a single review), taken from the listings' star counts in one query.
    """
    if not isinstance(publisher_id, int) or isinstance(publisher_id, bool):
        raise NotFound("No such publisher.")
    user = session.get(User, publisher_id)
    if user is None or user.id is None:
        raise NotFound("No such publisher.")
    points = (
        col(Solution.rating_1)
        + 2 * col(Solution.rating_2)
        + 3 * col(Solution.rating_3)
        + 4 * col(Solution.rating_4)
        + 5 * col(Solution.rating_5)
    )
    published, reviews, total = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(Solution.rating_count), 0),
            func.coalesce(func.sum(points), 0),
        ).where(Solution.owner_id == user.id, Solution.status == SolutionStatus.PUBLISHED)
    ).one()
    return PublisherProfile(
        id=user.id,
        name=user.display_name,
        about=user.bio,
        verified=user.verified_publisher_at is not None,
        member_since=user.created_at,
        published=int(published),
        reviews=int(reviews),
        rating_avg=round(int(total) / int(reviews), 2) if reviews else 0.0,
    )
