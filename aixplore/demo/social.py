"""The demo community: follows, forum threads, groups and a conversation, and a live feed.

Seeded after the catalog and the demo traders, through the services as the demo people:

- follows: the demo member follows the three other demo members, the most skilled trader and six
  forum regulars; some of them follow back and follow each other;
- the forum (``forums.py``): four categories, about 25 threads with replies, reactions
  and accepted answers, the member's own question among them;
- groups: a public one, a private one (members by invitation, one request waiting), a
  trading group and another public one, each with members; three have a thread;
- a direct conversation between the member and Grace.

The feed is fanned out by a job after each commit; the seed runs that same domain function
(``social.feed.do_fan_out``) inline on the items it recorded, so the member's ``/feed`` is
full without a worker. Each part is known by its name or title, so a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.demo import forums
from aixplore.demo.catalog import demo_actor
from aixplore.demo.content import community_vocabulary
from aixplore.demo.plan import reviewer_names
from aixplore.demo.trading import trader_emails
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.forums.categories import group_category
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as messaging
from aixplore.domain.messaging.models import Message
from aixplore.domain.relations.services import follows
from aixplore.domain.social.feed import do_fan_out
from aixplore.domain.social.graph import do_follow
from aixplore.domain.social.handles import ensure_profile

SEED = 20261212
REGULARS = 18  # demo reviewers who write in the forum (after the traders)


@dataclass
class SocialReport:
    """What the community seed added."""

    follows: int = 0
    categories: int = 0
    threads: int = 0
    replies: int = 0
    groups: int = 0
    messages: int = 0
    fanned_out: int = 0

    def __str__(self) -> str:
        return (
            f"{self.follows} follows, {self.categories} forum categories, {self.threads} threads "
            f"with {self.replies} replies, {self.groups} groups, {self.messages} messages, "
            f"{self.fanned_out} feed rows"
        )


def _users(session: Session, emails: list[str]) -> list[User]:
    found = {u.email: u for u in session.exec(select(User).where(col(User.email).in_(emails)))}
    return [found[e] for e in emails if e in found]


def _handle(session: Session, actor: Actor) -> str:
    return ensure_profile(session, actor.user_id).handle


def _follows(
    session: Session,
    member: Actor,
    friends: list[Actor],
    traders: list[Actor],
    regulars: list[Actor],
) -> int:
    """Who follows whom (the new follows only); returns how many were added."""
    plan: list[tuple[Actor, list[Actor]]] = [
        (member, [*friends, *traders[:1], *regulars[:6]]),
        *[(friend, [member, *friends]) for friend in friends[:2]],
        *[(r, [friends[i % len(friends)]]) for i, r in enumerate(regulars)],
        *[(t, traders[:1]) for t in traders[1:]],
    ]
    added = 0
    for who, whom in plan:
        for other in whom:
            if other.user_id == who.user_id or follows(session, who.user_id, other.user_id):
                continue
            do_follow(session, who, _handle(session, other))
            added += 1
    return added


def _groups(
    session: Session,
    member: Actor,
    friends: list[Actor],
    traders: list[Actor],
    regulars: list[Actor],
    words: dict,
) -> int:
    """Create the demo groups that are missing, with members and a thread; returns how many."""
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not security
    cast: dict[str, tuple[Actor, list[Actor]]] = {
        "builders": (friends[0], [member, *friends[1:], *regulars[:8]]),
        "health": (friends[-1], [member, *regulars[8:13]]),
        "trading": (traders[0], [*traders[1:], member, friends[1 % len(friends)]]),
        "open": (friends[1 % len(friends)], [*regulars[4:10]]),
    }
    added = 0
    for row in words["groups"]:
        if session.exec(
            select(CommunityGroup.id).where(CommunityGroup.name == row["name"])
        ).first():
            continue
        owner, members = cast[row["key"]]
        made = groups.do_create_group(
            session, owner, row["name"], row["description"], row["visibility"], row["kind"]
        )
        for person in members:
            if row["visibility"] != "public":
                groups.do_invite(session, owner, made.slug, _handle(session, person))
            groups.do_join(session, person, made.slug)
        if row["visibility"] == "private":
            asking = regulars[-1]
            groups.do_join(session, asking, made.slug, "I run the imaging team at a clinic.")
        thread = words["group_threads"].get(row["key"])
        if thread is not None:
            category = group_category(session, groups.group_by_id(session, made.id))
            writers = rng.sample(members, len(thread["replies"]))
            thread_id, _ = forums.write_thread(
                session,
                category.slug,
                owner,
                thread["title"],
                thread["body"],
                list(zip(writers, thread["replies"], strict=True)),
            )
            forums.date_back(session, thread_id, utcnow() - timedelta(days=2, hours=3), rng)
        added += 1
    return added


def _conversation(session: Session, member: Actor, friend: Actor, words: dict) -> int:
    """The member's direct conversation with ``friend``, once; returns messages sent."""
    conversation = messaging.do_start_direct(session, friend, _handle(session, member))
    sent = session.exec(
        select(func.count()).select_from(Message).where(Message.conversation_id == conversation)
    ).one()
    if sent:
        return 0
    people = [member, friend]
    for speaker, body in words["conversation"]:
        messages.do_send(session, people[speaker], conversation, body)
    return len(words["conversation"])


def fan_out_since(session: Session, after_id: int) -> int:
    """Run the feed's fan-out (the job's own function) on items recorded after ``after_id``."""
    ids = session.exec(
        select(FeedItem.id)
        .where(col(FeedItem.id) > after_id, col(FeedItem.fanned_out_at).is_(None))
        .order_by(col(FeedItem.id))
    ).all()
    return sum(do_fan_out(session, int(i or 0)) for i in ids)


def seed_demo_social(
    session: Session, *, admin_email: str, member_email: str, friend_emails: list[str]
) -> SocialReport:
    """Seed the demo community (needs the demo catalog, its reviewers and the demo traders)."""
    words = community_vocabulary()
    report = SocialReport()
    admin_user = _users(session, [admin_email])
    member_user = _users(session, [member_email])
    if not admin_user or not member_user:
        return report
    admin = replace(demo_actor(admin_user[0]), role=PlatformRole.PLATFORM_ADMIN)
    member = demo_actor(member_user[0])
    friends = [demo_actor(u) for u in _users(session, friend_emails)]
    traders = [demo_actor(u) for u in _users(session, trader_emails())]
    skip = len(trader_emails())
    regular_emails = [e for _n, e in reviewer_names()[skip : skip + REGULARS]]
    regulars = [demo_actor(u) for u in _users(session, regular_emails)]
    if len(friends) < 2 or len(traders) < 3 or len(regulars) < 14:
        return report
    newest = session.exec(select(func.max(FeedItem.id))).one() or 0
    report.follows = _follows(session, member, friends, traders, regulars)
    report.categories = forums.ensure_categories(session, admin, words)
    report.threads, report.replies = forums.seed_forum_threads(
        session, [*friends, *regulars], member, friends[0], utcnow(), words
    )
    report.groups = _groups(session, member, friends, traders, regulars, words)
    report.messages = _conversation(session, member, friends[0], words)
    report.fanned_out = fan_out_since(session, newest)
    return report
