"""The load campaign's people and mix: which journeys, their steps, who and what they use.

The mix and the steps are described in :mod:`tests.support.load_campaign`.
"""

from __future__ import annotations

from dataclasses import dataclass

MIX: dict[str, float] = {
    "browse": 0.40,
    "search": 0.25,
    "rest": 0.15,
    "review": 0.08,
    "rsvp": 0.07,
    "order": 0.05,
}
STEPS: dict[str, tuple[str, ...]] = {
    "browse": ("home", "catalog", "solution page", "categories"),
    "search": ("results", "submit", "new results"),
    "rest": ("GET /solutions?q", "GET /solutions/{slug}", "GET /orders"),
    "review": ("solution page", "write review"),
    "rsvp": ("event page", "rsvp", "cancel rsvp"),
    "order": ("order wizard", "my orders"),
}
MEAN_STEPS = sum(share * len(STEPS[name]) for name, share in MIX.items())
WORDS = ("summary", "image", "speech", "code", "translation", "ocr", "agent", "chat", "video")
# A step still unanswered after this long failed (what a person waits, at most, for a page).
STEP_TIMEOUT = 10.0
# The plan's targets for every step.


@dataclass
class Population:
    """Who and what the traffic uses: signed-in members, API keys, solutions and events."""

    sessions: list[str]
    api_keys: list[str]
    slugs: list[str]
    event_ids: list[int]


def make_population(members: int, keys: int) -> Population:
    """Members with open sessions and a draft order each, API keys, and who to visit.

    Needs published solutions; adds one upcoming event when there is none. Each member signs
    in from an address of their own, as people do (the per-address sign-in limit holds).
    """
    from datetime import UTC, datetime, timedelta

    from sqlmodel import col, select

    from aixplore.core.db import session_scope
    from aixplore.domain.apikeys import services as apikeys
    from aixplore.domain.events import services as events
    from aixplore.domain.events.models import Event, EventStatus
    from aixplore.domain.orders import services as orders
    from aixplore.domain.solutions.models import Solution, SolutionStatus
    from tests.factories import actor_for, make_member, sign_in

    emails = [make_member(name=f"Load Member {n}").email for n in range(members)]
    sessions = [sign_in(e, ip=f"198.18.{n // 250}.{n % 250 + 1}") for n, e in enumerate(emails)]
    with session_scope() as db:
        for token in sessions:
            orders.do_create_draft(db, actor_for(token))
        now = datetime.now(UTC)
        upcoming = list(
            db.exec(
                select(Event.id).where(Event.status == EventStatus.SCHEDULED, Event.starts_at > now)
            ).all()
        )
        if not upcoming:
            day = (now + timedelta(days=10)).date().isoformat()
            made = events.do_create_event(
                db,
                actor_for(sessions[0]),
                {
                    "title": "Load campaign meetup",
                    "description": "Talks and demos.",
                    "starts_at": f"{day}T18:30",
                    "ends_at": f"{day}T20:00",
                    "timezone": "UTC",
                    "online_url": "https://meet.example.com/load",
                    "location": "",
                    "capacity": 50,
                },
            )
            upcoming = [made.id]
        slugs = list(
            db.exec(
                select(Solution.slug)
                .where(Solution.status == SolutionStatus.PUBLISHED)
                .order_by(col(Solution.id))
                .limit(200)
            ).all()
        )
        key = {"name": "load", "scopes": ["solutions:read", "orders:read"], "expires_in_days": 7}
        api_keys = [
            apikeys.do_create_key(db, actor_for(sessions[n % members]), key)[1] for n in range(keys)
        ]
    return Population(sessions, api_keys, [s for s in slugs if s], [i for i in upcoming if i])
