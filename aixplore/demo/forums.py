"""Demo forum: categories, a few dozen threads with replies, reactions and accepted answers.

Everything goes through the forum services as the demo people (trust levels, mentions and
Markdown included). The seed is many people writing over weeks compressed into a second, so
after each post it clears that author's posting-rate window, the one thing a person at a
keyboard would have waited for. Threads are then dated back over the last weeks (threads,
their posts and their feed items), oldest first, so lists and feeds read in a natural order.
A thread is known by its title: a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from aixplore.core import ratelimit
from aixplore.domain.accounts.models import Actor
from aixplore.domain.activity.models import FeedItem, FeedKind
from aixplore.domain.forums import actions, categories, posting
from aixplore.domain.forums.models import ForumCategory, ForumPost, ForumThread
from aixplore.domain.forums.reading import REACTIONS
from aixplore.domain.forums.trust import POST_LIMITS
from aixplore.domain.solutions.models import Solution, SolutionStatus

SEED = 20261211
SOLUTION_THREADS = 2  # threads per solution template, each about another solution
SPREAD = timedelta(days=40)  # the oldest demo thread started this long ago


@dataclass(frozen=True)
class PlannedThread:
    """One thread to write: where, what, and the replies under it."""

    category: str
    title: str
    body: str
    replies: tuple[str, ...]
    answer: int | None  # index of the reply its author accepts
    by_member: bool  # asked by the demo member (the conversation refers to it)


def _plain(row: dict[str, Any], solution: str = "") -> PlannedThread:
    fill = {"solution": solution}
    return PlannedThread(
        category=row["category"],
        title=row["title"].format(**fill),
        body=row["body"].format(**fill),
        replies=tuple(r.format(**fill) for r in row["replies"]),
        answer=row.get("answer"),
        by_member=bool(row.get("by_member")),
    )


def plan_threads(session: Session, words: dict[str, Any]) -> list[PlannedThread]:
    """The platform threads to write: hand-written ones, then some about catalog solutions."""
    planned = [_plain(row) for row in words["threads"]]
    names = list(
        session.exec(
            select(Solution.name)
            .where(Solution.status == SolutionStatus.PUBLISHED)
            .order_by(col(Solution.id))
            .limit(60)
        ).all()
    )
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not security
    templates = words["solution_threads"]
    picks = rng.sample(names, min(len(names), len(templates) * SOLUTION_THREADS))
    for index, name in enumerate(picks):
        planned.append(_plain(templates[index % len(templates)], name))
    # Mix the two kinds over time, the same way on every run.
    rng.shuffle(planned)
    return planned


def ensure_categories(session: Session, admin: Actor, words: dict[str, Any]) -> int:
    """Create the demo's platform categories that are missing; returns how many."""
    added = 0
    for row in words["categories"]:
        exists = session.exec(select(ForumCategory.id).where(ForumCategory.slug == row["slug"]))
        if exists.first() is None:
            categories.do_create_category(
                session, admin, row["name"], row["slug"], row["description"], row["color"]
            )
            added += 1
    return added


def unthrottle(author: Actor) -> None:
    """Clear the author's forum posting windows (the seed writes weeks of posts at once)."""
    for limits in POST_LIMITS.values():
        for limit in limits:
            ratelimit.reset(limit, "forum-post", str(author.user_id))


def thread_exists(session: Session, title: str) -> bool:
    """Whether a thread with this title is there already (the seed's idempotency key)."""
    return (
        session.exec(select(ForumThread.id).where(ForumThread.title == title)).first() is not None
    )


def write_thread(
    session: Session,
    slug: str,
    author: Actor,
    title: str,
    body: str,
    replies: list[tuple[Actor, str]],
) -> tuple[int, list[int]]:
    """Start a thread and reply to it through the forum services; its id and reply ids."""
    thread_id = posting.do_start_thread(session, author, slug, title, body)
    unthrottle(author)
    reply_ids = []
    for index, (who, text) in enumerate(replies):
        # Every other reply answers the one before it, so threads show some nesting.
        to = index + 1 if index % 2 == 1 else None
        post = posting.do_reply(session, who, thread_id, text, reply_to=to)
        unthrottle(who)
        reply_ids.append(post.id or 0)
    return thread_id, reply_ids


def date_back(session: Session, thread_id: int, started: datetime, rng: random.Random) -> None:
    """Move a thread written just now to ``started``, its replies minutes to hours after."""
    thread = session.get_one(ForumThread, thread_id)
    posts = session.exec(
        select(ForumPost).where(ForumPost.thread_id == thread_id).order_by(col(ForumPost.number))
    ).all()
    at = started
    for post in posts:
        post.created_at = at
        session.add(post)
        at += timedelta(minutes=rng.randint(12, 300))
    thread.created_at = started
    thread.last_posted_at = posts[-1].created_at if posts else started
    session.add(thread)
    item = session.exec(
        select(FeedItem).where(
            FeedItem.kind == FeedKind.THREAD_STARTED, FeedItem.subject_id == thread_id
        )
    ).first()
    if item is not None:
        item.created_at = started
        session.add(item)
    session.flush()


def seed_forum_threads(
    session: Session,
    people: list[Actor],
    member: Actor,
    helper: Actor,
    now: datetime,
    words: dict[str, Any],
) -> tuple[int, int]:
    """Write the planned threads that are missing; returns (threads, replies) added.

    The demo member asks the thread marked ``by_member`` and accepts ``helper``'s answer;
    other threads have authors and repliers drawn from ``people``, with a few reactions each.
    """
    rng = random.Random(SEED + 1)  # noqa: S311 - repeatable demo data, not security
    planned = plan_threads(session, words)
    threads = replies = 0
    for index, plan in enumerate(planned):
        author = member if plan.by_member else rng.choice(people)
        others = [p for p in people if p.user_id != author.user_id]
        writers = rng.sample(others, len(plan.replies))
        if plan.by_member and plan.answer is not None:
            if helper in writers:  # keep the repliers distinct: swap the helper into place
                place = writers.index(helper)
                writers[place] = writers[plan.answer]
            writers[plan.answer] = helper
        started = now - SPREAD + (SPREAD - timedelta(days=1)) * index / max(len(planned), 1)
        started = started.replace(second=0, microsecond=0)
        if thread_exists(session, plan.title):
            continue
        thread_id, reply_ids = write_thread(
            session,
            plan.category,
            author,
            plan.title,
            plan.body,
            list(zip(writers, plan.replies, strict=True)),
        )
        # A few reactions on the first reply (each one notifies its author, as in the app).
        for reader in rng.sample(others, rng.randint(1, 3)) if reply_ids else []:
            actions.do_toggle_reaction(session, reader, reply_ids[0], rng.choice(list(REACTIONS)))
        if plan.answer is not None and plan.answer < len(reply_ids):
            actions.do_accept_answer(session, author, reply_ids[plan.answer])
        date_back(session, thread_id, started, rng)
        threads += 1
        replies += len(reply_ids)
    return threads, replies
