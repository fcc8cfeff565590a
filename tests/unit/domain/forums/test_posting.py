"""Threads and replies: mentions, quotes, blocks, trust levels, sizes, pace, XSS, edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import (
    Conflict,
    NotAuthenticated,
    PermissionDenied,
    Throttled,
    ValidationFailed,
)
from aixplore.domain.forums import posting, reading, text, trust
from aixplore.domain.forums.models import ForumPost, ForumStanding, ForumThread
from aixplore.domain.social import graph
from tests.unit.domain.forums.support import (
    admin,
    category,
    handle,
    notes,
    person,
    reply,
    start,
    trusted,
)


def _posts() -> int:
    with session_scope() as db:
        return db.exec(select(func.count()).select_from(ForumPost)).one()


def test_a_thread_with_a_mention_and_a_reply_notifies_each_once() -> None:
    boss, ada, bob, cy = admin(), person("Ada"), person("Bob"), person("Carl")
    slug = category(boss)
    thread_id = start(ada, slug, "Which model for summaries?", f"Asking @{handle(bob)} and @nobody")
    assert notes(bob) == [("mention", "Ada (@ada) mentioned you in “Which model for summaries?”")]
    reply(cy, thread_id, "Try the small one first.")
    # The author watches their thread: a reply to it tells them once (as a reply).
    assert notes(ada) == [("reply", "Carl (@carl) replied in “Which model for summaries?”")]
    with session_scope() as db:
        page = reading.read_thread(db, bob, thread_id)
    assert [p.author_handle for p in page.posts] == ["ada", "carl"] and page.can_reply


def test_quoting_a_post_tells_its_author() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss), body="The first words of the thread.")
    quote = text.quote_markdown(thread_id, 1, handle(ada), "The first words of the thread.")
    reply(bob, thread_id, quote + "Agreed.", reply_to=1)
    kinds = [k for k, _t in notes(ada)]
    assert kinds == ["quote"]  # quoted and replied to: told once, as the stronger reason


def test_someone_who_blocked_you_cannot_be_mentioned_replied_to_or_quoted() -> None:
    boss, ada, troll = admin(), person("Ada"), person("Troll")
    slug = category(boss)
    thread_id = start(ada, slug)
    with session_scope() as db:
        graph.do_block(db, ada, handle(troll))
    before = _posts()
    with pytest.raises(PermissionDenied, match="cannot reply to @ada: they have blocked you"):
        reply(troll, thread_id, "Hello there.")
    with pytest.raises(PermissionDenied, match="cannot mention @ada: they have blocked you"):
        start(troll, slug, body="Hey @ada, look at this.")
    assert _posts() == before  # nothing stored half-way
    with session_scope() as db:
        assert db.exec(select(func.count()).select_from(ForumThread)).one() == 1


def test_new_members_may_not_post_links_or_images_until_they_earn_basic_trust() -> None:
    boss, newbie = admin(), person("Newbie")
    slug = category(boss)
    for body in ("See https://spam.example", "[cheap](http://x.example)", "![pic](http://x/y.png)"):
        with pytest.raises(PermissionDenied, match="New members may not post"):
            start(newbie, slug, body=body)
    assert _posts() == 0
    # Reading earns basic trust: 5 threads entered and 30 posts read.
    with session_scope() as db:
        trust.count(db, newbie.user_id, threads_entered=5, posts_read=29)
        assert trust.level_of(db, newbie) == 0
        trust.count(db, newbie.user_id, posts_read=1)
        assert trust.level_of(db, newbie) == 1
    start(newbie, slug, body="See https://useful.example for the docs.")


def test_trust_levels_rise_by_the_documented_rules_only() -> None:
    ada = person("Ada")
    with session_scope() as db:
        trust.count(db, ada.user_id, threads_entered=20, posts_read=100, replies_written=3)
        assert trust.level_of(db, ada) == 1  # no days visited, no reactions: not a member yet
        trust.count(db, ada.user_id, days_visited=15, reactions_received=1, reading_seconds=3600)
        assert trust.level_of(db, ada) == 2
        row = db.get(ForumStanding, ada.user_id)
        assert row is not None and row.trust_level == 2
    with session_scope() as db, pytest.raises(PermissionDenied):
        trust.do_set_trust_level(db, ada, ada.user_id, 4)


def test_oversized_posts_and_flooding_are_refused() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    slug = category(boss)
    with pytest.raises(ValidationFailed, match="at most 20,000 characters"):
        start(ada, slug, body="x" * 20_001)
    thread_id = start(ada, slug)
    reply(ada, thread_id, "second")
    reply(ada, thread_id, "third")
    with pytest.raises(Throttled, match="posting very quickly"):
        reply(ada, thread_id, "fourth within a minute")
    trusted(boss, bob)
    for n in range(6):
        reply(bob, thread_id, f"a trusted member's reply {n}")
    assert _posts() == 9


def test_markup_in_every_text_field_is_inert() -> None:
    boss, ada = admin(), person("Ada")
    trusted(boss, ada)
    slug = category(boss)
    attack = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    thread_id = start(ada, slug, title="<b onmouseover=alert(4)>Title</b>", body=attack)
    n = reply(ada, thread_id, "<iframe src=//evil></iframe> **bold**")
    with session_scope() as db:
        page = reading.read_thread(db, ada, thread_id)
    html = " ".join(p.body_html for p in page.posts)
    for bad in ("<script", "<img", "<iframe", 'href="javascript'):
        assert bad not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # shown as text, not markup
    assert "<strong>bold</strong>" in html and n == 2
    # A title is plain text: kept as typed, shown escaped by the page and the API.
    assert page.title == "<b onmouseover=alert(4)>Title</b>"


def test_edits_keep_earlier_versions_for_readers() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss), body="First version.")
    with session_scope() as db:
        post_id = reading.read_thread(db, ada, thread_id).posts[0].id
        posting.do_edit_post(db, ada, post_id, "Second version.")
    with session_scope() as db, pytest.raises(PermissionDenied, match="only your own"):
        posting.do_edit_post(db, bob, post_id, "Vandalised.")
    with session_scope() as db:
        page = reading.read_thread(db, bob, thread_id)
        versions = reading.list_revisions(db, bob, post_id)
    assert page.posts[0].edited and "Second version." in page.posts[0].body_html
    assert ["First version." in v.body_html for v in versions] == [True]


def test_visitors_read_but_may_not_post_and_bad_ids_are_not_found() -> None:
    boss, ada = admin(), person("Ada")
    thread_id = start(ada, category(boss))
    with session_scope() as db:
        assert reading.read_thread(db, None, thread_id).can_reply is False
    with session_scope() as db, pytest.raises(NotAuthenticated):
        posting.do_reply(db, None, thread_id, "anonymous")
    for bad in (0, -1, "1", True, 2**70, None):
        with session_scope() as db, pytest.raises(Exception, match="No such thread"):
            reading.read_thread(db, ada, bad)


def test_a_long_thread_pages_by_post_number() -> None:
    boss, ada = admin(), person("Ada")
    trusted(boss, ada, level=4)
    thread_id = start(ada, category(boss))
    with session_scope() as db:
        thread = db.get(ForumThread, thread_id)
        assert thread is not None
        for n in range(2, 46):
            db.add(
                ForumPost(
                    thread_id=thread_id,
                    author_id=ada.user_id,
                    number=n,
                    body_md=f"p{n}",
                    body_html=f"<p>p{n}</p>",
                )
            )
        thread.post_count = 45
        db.add(thread)
    with session_scope() as db:
        last = reading.read_thread(db, ada, thread_id, 3)
        beyond = reading.read_thread(db, ada, thread_id, 99)
    assert (last.page, last.pages, [p.number for p in last.posts]) == (3, 3, [41, 42, 43, 44, 45])
    assert beyond.page == 3
    with session_scope() as db:
        standing = trust.standing(db, ada.user_id)
        assert standing.posts_read == 45 and standing.threads_entered == 1


def test_closed_threads_take_no_replies_but_moderators_may() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss))
    from aixplore.domain.forums import actions

    with session_scope() as db, pytest.raises(PermissionDenied, match="moderators"):
        actions.do_set_closed(db, ada, thread_id, True)
    with session_scope() as db:
        actions.do_set_closed(db, boss, thread_id, True)
        actions.do_set_pinned(db, boss, thread_id, True)
    with pytest.raises(Conflict, match="closed"):
        reply(bob, thread_id, "too late")
    reply(boss, thread_id, "A moderator's note.")
