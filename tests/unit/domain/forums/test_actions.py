"""Reactions, bookmarks, answers, levels, moderation, search and "Discuss" threads."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.forums import actions, discuss, levels, reading, search
from aixplore.domain.forums.models import NotificationLevel
from tests.factories import make_solution
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


def _post_id(viewer, thread_id: int, number: int) -> int:
    with session_scope() as db:
        page = reading.read_thread(db, viewer, thread_id)
    return next(p.id for p in page.posts if p.number == number)


def test_reactions_toggle_notify_and_count_toward_trust() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss))
    post_id = _post_id(ada, thread_id, 1)
    with session_scope() as db:
        assert actions.do_toggle_reaction(db, bob, post_id, "heart") is True
    with session_scope() as db:
        [shown] = reading.read_thread(db, bob, thread_id).posts[0].reactions
    assert (shown.reaction, shown.count, shown.mine) == ("heart", 1, True)
    assert [k for k, _t in notes(ada)] == ["reaction"]
    with session_scope() as db:
        assert actions.do_toggle_reaction(db, bob, post_id, "heart") is False
    for bad in ("<script>", "", None, 5):
        with session_scope() as db, pytest.raises(ValidationFailed):
            actions.do_toggle_reaction(db, bob, post_id, bad)


def test_only_the_thread_author_accepts_an_answer() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss))
    reply(bob, thread_id, "Here is the answer.")
    answer = _post_id(ada, thread_id, 2)
    with session_scope() as db, pytest.raises(PermissionDenied, match="thread's author"):
        actions.do_accept_answer(db, bob, answer)
    with session_scope() as db, pytest.raises(ValidationFailed):
        actions.do_accept_answer(db, ada, _post_id(ada, thread_id, 1))
    with session_scope() as db:
        assert actions.do_accept_answer(db, ada, answer) == answer
    with session_scope() as db:
        page = reading.read_thread(db, None, thread_id)
    assert page.accepted_post_id == answer and page.posts[1].accepted


def test_bookmarks_are_each_readers_own() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss))
    with session_scope() as db:
        actions.do_set_bookmark(db, bob, thread_id, True)
        assert [t.id for t in actions.list_bookmarks(db, bob)] == [thread_id]
        assert actions.list_bookmarks(db, ada) == []
        with pytest.raises(ValidationFailed):
            actions.do_set_bookmark(db, bob, thread_id, "yes")


def test_watchers_hear_of_every_post_and_muted_readers_of_nothing() -> None:
    boss, ada, bob, carl = admin(), person("Ada"), person("Bob"), person("Carl")
    slug = category(boss)
    with session_scope() as db:
        levels.do_set_category_level(db, bob, slug, "watching")
    thread_id = start(ada, slug)
    assert [k for k, _t in notes(bob)] == ["forum_post"]
    with session_scope() as db:
        levels.do_set_thread_level(db, bob, thread_id, "muted")
        with pytest.raises(ValidationFailed, match="watching, tracking"):
            levels.do_set_thread_level(db, bob, thread_id, "loud")
    reply(carl, thread_id, f"Over to you @{handle(bob)}.")
    assert [k for k, _t in notes(bob)] == ["forum_post"]  # muted: not even the mention
    # Tracking shows unread counts in the category's list.
    with session_scope() as db:
        levels.do_set_thread_level(db, bob, thread_id, NotificationLevel.TRACKING.value)
        [summary], _more = reading.list_threads(db, bob, slug)
    assert summary.unread == 2 and summary.replies == 1


def test_moderators_hide_restore_and_delete_posts_with_a_reason() -> None:
    boss, ada, bob = admin(), person("Ada"), person("Bob")
    thread_id = start(ada, category(boss), body="Spam spam spam.")
    post_id = _post_id(ada, thread_id, 1)
    with session_scope() as db, pytest.raises(PermissionDenied, match="moderators"):
        actions.hide_post(db, bob, post_id, "not mine to hide")
    with session_scope() as db:
        actions.hide_post(db, boss, post_id, "Looks like spam")
    with session_scope() as db:
        assert reading.read_thread(db, bob, thread_id).posts[0].body_html == ""
        assert "Spam" in reading.read_thread(db, ada, thread_id).posts[0].body_html
        assert search.search_forums(db, bob, "spam") == []
        actions.restore_post(db, boss, post_id)
    with session_scope() as db:
        assert [t.id for t in search.search_forums(db, bob, "spam")] == [thread_id]
        with pytest.raises(ValidationFailed, match="reason"):
            actions.delete_post(db, boss, post_id, "")
        actions.delete_post(db, boss, post_id, "Spam, confirmed")
    with session_scope() as db:
        shown = reading.read_thread(db, ada, thread_id).posts[0]
    assert shown.deleted and shown.body_html == ""


def test_search_finds_stemmed_words_in_titles_and_bodies() -> None:
    boss, ada = admin(), person("Ada")
    trusted(boss, ada)
    slug = category(boss)
    first = start(ada, slug, "Translating invoices", "I translate PDFs every day.")
    second = start(ada, slug, "Other things", "Nothing about that here.")
    reply(ada, second, "Though invoices came up later.")
    with session_scope() as db:
        assert [t.id for t in search.search_forums(db, None, "translation")] == [first]
        found = search.search_forums(db, None, "invoices")
        assert [t.id for t in found] == [first, second]  # the title weighs more
        assert "invoices" in found[1].excerpt
        assert search.search_forums(db, None, 'the "') == []
        with pytest.raises(ValidationFailed):
            search.search_forums(db, None, "x" * 201)


def test_discuss_threads_are_made_once_per_subject_on_first_post() -> None:
    ada, bob = person("Ada"), person("Bob")
    solution = make_solution(ada.email, name="Summarizer Pro")
    with session_scope() as db:
        assert discuss.discussion_of(db, None, "solution", solution.id) is None
        first = discuss.do_discuss(db, bob, "solution", solution.id, "Does it do German?")
    with session_scope() as db:
        again = discuss.do_discuss(db, ada, "solution", solution.id, "It does.")
        assert again == first == discuss.discussion_of(db, None, "solution", solution.id)
        page = reading.read_thread(db, None, first)
    assert page.title == "Summarizer Pro" and len(page.posts) == 2
    for kind, sid in (("solution", 999_999), ("review", solution.id), ("event", 999_999)):
        with session_scope() as db, pytest.raises(NotFound):
            discuss.do_discuss(db, bob, kind, sid, "Hello there.")


def test_only_admins_manage_categories() -> None:
    ada = person("Ada")
    from aixplore.domain.forums import categories

    with session_scope() as db, pytest.raises(PermissionDenied, match="platform admins"):
        categories.do_create_category(db, ada, "Mine", "mine", "", "#000000")
    boss = admin()
    with session_scope() as db, pytest.raises(ValidationFailed, match="#rrggbb"):
        categories.do_create_category(db, boss, "Mine", "mine", "", "red;}")
    for taken in ("t", "discuss", "g-sneaky"):
        with session_scope() as db, pytest.raises(ValidationFailed, match="reserved"):
            categories.do_create_category(db, boss, "Mine", taken, "", "#000000")
