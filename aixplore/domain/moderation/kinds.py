"""The kinds reportable now: solutions, reviews, profiles and events.

Hiding uses each feature's own state where it has one (a hidden review, an archived solution,
a cancelled event), so every page and list that already leaves those out leaves a hidden
target out too; a profile has no such state, so its hold (``ModerationHold``) is what the
profile's visibility check reads.
"""

from __future__ import annotations

from sqlmodel import Session

from aixplore.domain.accounts.models import User
from aixplore.domain.events.models import Event, EventStatus
from aixplore.domain.moderation import community as _community  # noqa: F401 - forum posts
from aixplore.domain.moderation.registry import Target, TargetKind, register
from aixplore.domain.reviews.models import Review, ReviewStatus
from aixplore.domain.reviews.services import lock_solution, recompute_aggregates
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.solutions.models import Solution, SolutionStatus

SNIPPET_MAX = 600


def _short(text: str) -> str:
    return text if len(text) <= SNIPPET_MAX else text[: SNIPPET_MAX - 1] + "…"


# ---- Reviews ----


def _review(session: Session, review_id: int) -> Target | None:
    review = session.get(Review, review_id)
    solution = session.get(Solution, review.solution_id) if review else None
    if review is None or solution is None:
        return None
    return Target(
        owner_id=review.author_id,
        title=f"{review.rating}★ {review.title} (on {solution.name})",
        snippet=_short(review.body),
        link=f"/solutions/{solution.slug}",
        public_subject=f"A review of {solution.name}",
    )


def _set_review(session: Session, review_id: int, status: ReviewStatus) -> str:
    review = session.get(Review, review_id)
    assert review is not None
    solution = lock_solution(session, review.solution_id)
    previous, review.status = review.status.value, status
    session.add(review)
    session.flush()
    recompute_aggregates(session, solution)
    return previous


def _delete_review(session: Session, review_id: int) -> None:
    review = session.get(Review, review_id)
    assert review is not None
    solution = lock_solution(session, review.solution_id)
    session.delete(review)
    session.flush()
    recompute_aggregates(session, solution)


# ---- Solutions ----


def _solution(session: Session, solution_id: int) -> Target | None:
    solution = session.get(Solution, solution_id)
    if solution is None:
        return None
    return Target(
        owner_id=solution.owner_id,
        title=solution.name,
        snippet=_short(f"{solution.tagline}\n\n{solution.description_md}"),
        link=f"/solutions/{solution.slug}",
        public_subject=f"The solution {solution.name}",
    )


# ---- Events ----


def _event(session: Session, event_id: int) -> Target | None:
    event = session.get(Event, event_id)
    if event is None:
        return None
    return Target(
        owner_id=event.organizer_id,
        title=event.title,
        snippet=_short(event.description_md),
        link=f"/events/{event_id}",
        public_subject="An event of a members-only group"
        if event.members_only
        else f"The event {event.title}",
        group_id=event.group_id,  # a group's event: its moderators act on it too
    )


def _set_status(session: Session, model: type[Solution] | type[Event], row_id: int, status) -> str:
    """Set a solution's or an event's status; returns the one it had."""
    row = session.get(model, row_id)
    assert row is not None
    previous, row.status = row.status.value, status
    session.add(row)
    session.flush()
    return previous


# ---- Profiles (the target id is the user's id) ----


def _profile(session: Session, user_id: int) -> Target | None:
    user = session.get(User, user_id)
    if user is None:
        return None
    profile = ensure_profile(session, user_id)
    return Target(
        owner_id=user_id,
        title=f"@{profile.handle} ({user.display_name})",
        snippet=_short("\n".join(filter(None, [user.bio, profile.location, profile.links]))),
        link=f"/u/{profile.handle}",
        public_subject="A profile",
    )


def _scrub_profile(session: Session, user_id: int) -> None:
    """Delete what a profile shows (bio, links, location, avatar); the account stays."""
    user = session.get(User, user_id)
    assert user is not None
    profile = ensure_profile(session, user_id)
    user.bio = ""
    profile.links = profile.location = profile.avatar_path = ""
    session.add(user)
    session.add(profile)
    session.flush()


def register_kinds() -> None:
    """Register the kinds that exist now (idempotent)."""
    for kind in KINDS:
        register(kind)


KINDS = (
    TargetKind(
        name="review",
        label="review",
        resolve=_review,
        hide=lambda s, i: _set_review(s, i, ReviewStatus.HIDDEN),
        restore=lambda s, i, _prev: _set_review(s, i, ReviewStatus.VISIBLE),
        delete=_delete_review,
    ),
    TargetKind(
        name="solution",
        label="solution",
        resolve=_solution,
        hide=lambda s, i: _set_status(s, Solution, i, SolutionStatus.ARCHIVED),
        restore=lambda s, i, prev: _set_status(s, Solution, i, SolutionStatus(prev or "published")),
        delete=lambda s, i: _set_status(s, Solution, i, SolutionStatus.ARCHIVED),
    ),
    TargetKind(
        name="event",
        label="event",
        resolve=_event,
        hide=lambda s, i: _set_status(s, Event, i, EventStatus.CANCELLED),
        restore=lambda s, i, prev: _set_status(s, Event, i, EventStatus(prev or "scheduled")),
        delete=lambda s, i: _set_status(s, Event, i, EventStatus.CANCELLED),
    ),
    TargetKind(
        name="profile",
        label="profile",
        resolve=_profile,
        hide=lambda s, i: "",
        restore=lambda s, i, _prev: None,
        delete=_scrub_profile,
    ),
)
register_kinds()
