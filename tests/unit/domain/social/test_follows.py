"""Follows, blocks and mutes: counts, notifications, what a block ends, suggestions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, PermissionDenied, ValidationFailed
from aixplore.domain.discovery import services as discovery
from aixplore.domain.notifications.models import Notification
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import Review
from aixplore.domain.social import graph
from aixplore.domain.social.handles import ensure_profile
from tests.factories import make_solution
from tests.unit.domain.social.support import person


def _handle(actor) -> str:
    with session_scope() as db:
        return ensure_profile(db, actor.user_id).handle


def _do(action, actor, other, *args):
    with session_scope() as db:
        return action(db, actor, _handle(other), *args)


def _people(handle: str, which: str, viewer=None):
    with session_scope() as db:
        page, _next = graph.list_people(db, viewer, handle, which)
    return [p.handle for p in page]


def _counts(actor) -> tuple[int, int]:
    with session_scope() as db:
        profile = ensure_profile(db, actor.user_id)
        return profile.follower_count, profile.following_count


def test_follow_counts_lists_and_notifies_once_per_follow() -> None:
    ada, bob = person("Ada"), person("Bob")
    assert _do(graph.do_follow, bob, ada).following
    assert _do(graph.do_follow, bob, ada).following  # again: no change
    assert _counts(ada) == (1, 0) and _counts(bob) == (0, 1)
    assert _people(_handle(ada), "followers") == ["bob"]
    assert _people(_handle(bob), "following") == ["ada"]
    with session_scope() as db:
        [note] = db.exec(select(Notification).where(Notification.user_id == ada.user_id)).all()
    assert (note.kind, note.link) == ("follow", "/u/bob") and "Bob" in note.title
    assert not _do(graph.do_unfollow, bob, ada).following
    assert _counts(ada) == (0, 0) and _people("ada", "followers") == []
    with pytest.raises(ValidationFailed, match="That is you"):
        _do(graph.do_follow, ada, ada)


def test_a_block_ends_follows_both_ways_and_refuses_follows_and_replies() -> None:
    ada, troll = person("Ada"), person("Troll")
    _do(graph.do_follow, ada, troll)
    _do(graph.do_follow, troll, ada)
    shown = _do(graph.do_block, ada, troll)
    assert shown.blocked and not shown.following and not shown.follows_me
    assert _counts(ada) == (0, 0) and _counts(troll) == (0, 0)
    with pytest.raises(PermissionDenied, match="they have blocked you"):
        _do(graph.do_follow, troll, ada)
    with pytest.raises(Conflict, match="Unblock them first"):
        _do(graph.do_follow, ada, troll)
    # The troll publishes; Ada's review of it cannot be answered by the troll.
    slug = make_solution(troll.email).slug
    with session_scope() as db:
        reviews.do_write_review(
            db,
            ada,
            slug,
            {
                "rating": 2,
                "title": "Meh at best",
                "body": "Not much to it, sadly; it missed the point.",
            },
        )
        review_id = db.exec(select(Review.id)).one()
    with pytest.raises(PermissionDenied, match="cannot reply"), session_scope() as db:
        reviews.do_reply(db, troll, review_id, "You are wrong.")
    assert not _do(graph.do_unblock, ada, troll).blocked
    assert _do(graph.do_follow, troll, ada).following


def test_mute_is_separate_from_follow() -> None:
    ada, bob = person("Ada"), person("Bob")
    _do(graph.do_follow, ada, bob)
    shown = _do(graph.do_set_muted, ada, bob, True)
    assert shown.muted and shown.following
    assert not _do(graph.do_set_muted, ada, bob, False).muted
    with pytest.raises(ValidationFailed, match="mute or unmute"):
        _do(graph.do_set_muted, ada, bob, "yes")


def test_suggestions_come_from_people_i_follow_and_what_i_bookmarked() -> None:
    me, friend, star, publisher, blocked = (
        person("Me"),
        person("Friend"),
        person("Star"),
        person("Publisher"),
        person("Blocked One"),
    )
    _do(graph.do_follow, me, friend)
    _do(graph.do_follow, friend, star)
    _do(graph.do_follow, friend, blocked)
    _do(graph.do_block, me, blocked)
    slug = make_solution(publisher.email).slug
    with session_scope() as db:
        discovery.do_toggle_bookmark(db, me, slug)
        picks = graph.suggestions(db, me)
    assert [(p.handle, p.reason) for p in picks] == [
        ("star", "Followed by 1 person you follow"),
        ("publisher", "Publishes something you bookmarked"),
    ]


def test_nobody_acts_without_signing_in_and_bad_names_are_not_found() -> None:
    ada = person("Ada")
    with session_scope() as db:
        with pytest.raises(Exception, match="Sign in"):
            graph.do_follow(db, None, _handle(ada))
        for bad in (None, 5, "", "x" * 200, "no_such_person"):
            with pytest.raises(Exception, match="No such person"):
                graph.do_follow(db, ada, bad)
