"""The home feed: fan-out on write, fan-in for large accounts, paging, "N new", mutes."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import NotAuthenticated, ValidationFailed
from aixplore.core.redis import get_redis
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social import feed, graph, timeline
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import TimelineEntry
from aixplore.domain.solutions import services as solutions
from tests.factories import make_solution
from tests.unit.domain.social.support import person

REVIEW = {"rating": 4, "title": "Solid summaries", "body": "Short, faithful and quick to run."}


def _follow(follower, followee) -> None:
    with session_scope() as db:
        graph.do_follow(db, follower, ensure_profile(db, followee.user_id).handle)


def _fan_out_all(**kw) -> int:
    with session_scope() as db:
        ids = db.exec(select(FeedItem.id).where(col(FeedItem.fanned_out_at).is_(None))).all()
    added = 0
    for item_id in ids:
        with session_scope() as db:
            added += feed.do_fan_out(db, item_id or 0, **kw)
    return added


def _titles(reader, **kw) -> list[str]:
    with session_scope() as db:
        return [f"{e.verb} {e.title}" for e in feed.read_feed(db, reader, **kw).items]


def _entries() -> int:
    with session_scope() as db:
        return db.exec(select(func.count()).select_from(TimelineEntry)).one()


def test_followed_peoples_new_solutions_and_reviews_reach_the_feed_once() -> None:
    reader, author, stranger = person("Reader"), person("Author"), person("Stranger")
    _follow(reader, author)
    make_solution(author.email, name="Summarizer Pro")
    make_solution(stranger.email, name="Not Followed")
    slug = make_solution(stranger.email, name="Reviewed Thing").slug
    with session_scope() as db:
        reviews.do_write_review(db, author, slug, REVIEW)
    assert _fan_out_all() == 2
    assert _titles(reader) == ["reviewed Reviewed Thing", "published Summarizer Pro"]
    # Running the fan-out again, or the same item at once, adds nothing (one row per pair).
    with session_scope() as db:
        ids = db.exec(select(FeedItem.id)).all()
    for item_id in ids:
        with session_scope() as db:
            db.get(FeedItem, item_id).fanned_out_at = None  # type: ignore[union-attr]
        with session_scope() as db:
            feed.do_fan_out(db, item_id or 0)
    assert _entries() == 2
    assert _titles(stranger) == []


def test_an_unpublished_solution_and_a_muted_or_unfollowed_author_leave_the_feed() -> None:
    reader, author = person("Reader"), person("Author")
    _follow(reader, author)
    slug = make_solution(author.email, name="Summarizer Pro").slug
    _fan_out_all()
    with session_scope() as db:
        solutions.do_set_status(db, author, slug, "archived")
    assert _titles(reader) == []
    with session_scope() as db:
        solutions.do_set_status(db, author, slug, "published")
    assert _titles(reader) == ["published Summarizer Pro"]
    with session_scope() as db:
        graph.do_set_muted(db, reader, "author", True)
    assert _titles(reader) == []
    with session_scope() as db:
        graph.do_set_muted(db, reader, "author", False)
        graph.do_unfollow(db, reader, "author")
    assert _titles(reader) == [] and _entries() == 0


def test_a_new_follow_brings_recent_items_and_a_block_takes_them_away() -> None:
    reader, author = person("Reader"), person("Author")
    make_solution(author.email, name="Earlier Work")
    _fan_out_all()
    _follow(reader, author)
    assert _titles(reader) == ["published Earlier Work"]
    with session_scope() as db:
        graph.do_block(db, author, "reader")
    assert _titles(reader) == []


def test_large_accounts_are_read_at_read_time_instead_of_fanned_out() -> None:
    star, fan, other_fan, small = (
        person("Star"),
        person("Fan"),
        person("Other Fan"),
        person("Small"),
    )
    _follow(fan, star)
    _follow(other_fan, star)
    _follow(fan, small)
    make_solution(star.email, name="Big Launch")
    make_solution(small.email, name="Small Launch")
    # Above one follower an author is fanned in: the star's item writes no timeline rows.
    assert _fan_out_all(fan_in_above=1) == 1
    assert _titles(fan, fan_in_above=1) == ["published Small Launch", "published Big Launch"]
    assert _titles(other_fan, fan_in_above=1) == ["published Big Launch"]
    with session_scope() as db:
        graph.do_set_muted(db, fan, "star", True)
    assert _titles(fan, fan_in_above=1) == ["published Small Launch"]


def test_pages_follow_a_cursor_and_new_items_are_counted_without_moving_the_page() -> None:
    reader, author = person("Reader"), person("Author")
    _follow(reader, author)
    for n in range(5):
        make_solution(author.email, name=f"Tool number {n}")
    _fan_out_all()
    with session_scope() as db:
        first = feed.read_feed(db, reader, limit=2)
        second = feed.read_feed(db, reader, before=first.next_before, limit=2)
        third = feed.read_feed(db, reader, before=second.next_before, limit=2)
        newest = first.items[0].id
    assert [e.title for e in first.items + second.items + third.items] == [
        f"Tool number {n}" for n in (4, 3, 2, 1, 0)
    ]
    assert third.next_before is None
    make_solution(author.email, name="Fresh one")
    _fan_out_all()
    with session_scope() as db:
        assert feed.count_new(db, reader, newest) == 1
        again = feed.read_feed(db, reader, before=first.next_before, limit=2)
    assert again.items == second.items


def test_a_timeline_is_rebuilt_when_redis_lost_it() -> None:
    reader, author = person("Reader"), person("Author")
    _follow(reader, author)
    make_solution(author.email, name="Summarizer Pro")
    _fan_out_all()
    assert _titles(reader) == ["published Summarizer Pro"]
    client = get_redis()
    if client is not None:  # with Redis the set exists now and holds the item
        assert client.zscore(timeline.key(reader.user_id), "m") == -1
        client.delete(timeline.key(reader.user_id))
    assert _titles(reader) == ["published Summarizer Pro"]
    make_solution(author.email, name="Second Tool")
    _fan_out_all()
    assert _titles(reader) == ["published Second Tool", "published Summarizer Pro"]


def test_reading_needs_a_session_and_a_sane_cursor() -> None:
    reader = person()
    with session_scope() as db:
        with pytest.raises(NotAuthenticated):
            feed.read_feed(db, None)
        for bad in ("1", -1, True, 2**70):
            with pytest.raises(ValidationFailed, match="does not exist"):
                feed.read_feed(db, reader, before=bad)
        with pytest.raises(ValidationFailed, match="1 to 50"):
            feed.read_feed(db, reader, limit=500)
