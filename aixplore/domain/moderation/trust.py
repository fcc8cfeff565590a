"""Whose flags count toward hiding a target before a moderator looks (one rule, one place).

A member is a trusted flagger when all of these hold:

- their account is at least ``TRUSTED_MIN_DAYS`` days old and its email is verified;
- they have taken part: at least one published solution, visible review or hosted event;
- no moderation action against them (a warning, strike, suspension, hiding or deletion of
  what they wrote) stands from the last ``CLEAN_DAYS`` days.

Platform admins are always trusted. The forums' trust levels (Discourse's, from reading and
being read) replace this function when they land: callers only ask :func:`is_trusted_flagger`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import PlatformRole, User
from aixplore.domain.events.models import Event, EventStatus
from aixplore.domain.moderation.models import ModerationAction
from aixplore.domain.reviews.models import Review, ReviewStatus
from aixplore.domain.solutions.models import Solution, SolutionStatus

TRUSTED_MIN_DAYS = 14
CLEAN_DAYS = 90


def _exists(session: Session, query) -> bool:
    return session.exec(select(func.count()).select_from(query.limit(1).subquery())).one() > 0


def is_trusted_flagger(session: Session, user_id: int) -> bool:
    """Whether ``user_id``'s flags count toward the hiding threshold (rule above)."""
    user = session.get(User, user_id)
    if user is None or user.suspended_at is not None:
        return False
    if user.role == PlatformRole.PLATFORM_ADMIN:
        return True
    now = utcnow()
    if user.email_verified_at is None or user.created_at > now - timedelta(days=TRUSTED_MIN_DAYS):
        return False
    active = (
        _exists(
            session,
            select(Solution.id).where(
                Solution.owner_id == user_id, Solution.status == SolutionStatus.PUBLISHED
            ),
        )
        or _exists(
            session,
            select(Review.id).where(
                Review.author_id == user_id, Review.status == ReviewStatus.VISIBLE
            ),
        )
        or _exists(
            session,
            select(Event.id).where(
                Event.organizer_id == user_id, Event.status == EventStatus.SCHEDULED
            ),
        )
    )
    if not active:
        return False
    return not _exists(
        session,
        select(ModerationAction.id).where(
            ModerationAction.subject_user_id == user_id,
            col(ModerationAction.revoked_at).is_(None),
            col(ModerationAction.created_at) > now - timedelta(days=CLEAN_DAYS),
            col(ModerationAction.action).in_(["hide", "delete", "warn", "strike", "suspend"]),
        ),
    )
