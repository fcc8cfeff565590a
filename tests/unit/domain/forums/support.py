"""Helpers for the forum and group tests: people, an admin, a category, trust levels."""

from __future__ import annotations

from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import Actor
from aixplore.domain.forums import categories, posting, trust
from aixplore.domain.notifications.models import Notification
from aixplore.domain.social.handles import ensure_profile
from tests.factories import actor_for, make_admin, sign_in
from tests.unit.domain.social.support import person

__all__ = ["person"]


def admin() -> Actor:
    """A platform admin, signed in."""
    user = make_admin()
    actor = actor_for(sign_in(user.email, ip="198.51.100.90"))
    assert actor is not None
    return actor


def category(boss: Actor, slug: str = "general") -> str:
    """A platform category; returns its slug."""
    with session_scope() as db:
        categories.do_create_category(db, boss, "General", slug, "Anything goes", "#112233")
    return slug


def trusted(boss: Actor, *people: Actor, level: int = 2) -> None:
    """Raise people's trust level (as an admin may)."""
    with session_scope() as db:
        for someone in people:
            trust.do_set_trust_level(db, boss, someone.user_id, level)


def handle(someone: Actor) -> str:
    """Their handle."""
    with session_scope() as db:
        return ensure_profile(db, someone.user_id).handle


def start(
    author: Actor, slug: str, title: str = "How do I start?", body: str = "Some words here."
) -> int:
    """A new thread's id."""
    with session_scope() as db:
        return posting.do_start_thread(db, author, slug, title, body)


def reply(author: Actor, thread_id: int, body: str, reply_to: int | None = None) -> int:
    """A new reply's number."""
    with session_scope() as db:
        return posting.do_reply(db, author, thread_id, body, reply_to).number


def notes(someone: Actor) -> list[tuple[str, str]]:
    """Their notifications as (kind, title), oldest first."""
    with session_scope() as db:
        rows = db.exec(
            select(Notification)
            .where(Notification.user_id == someone.user_id)
            .order_by(Notification.id)  # type: ignore[arg-type]
        ).all()
        return [(n.kind, n.title) for n in rows]
