"""Round trips of the hot reads: a home feed page and a forum thread page.

Under load each statement waits for the database's turn on a CPU, so these pages are held to
a statement budget (counted, not timed; ``bench/feed.py`` and ``bench/forums.py`` time them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from aixplore.core.db import get_engine, session_scope
from aixplore.domain.forums import reading
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social import feed, graph
from aixplore.domain.social.handles import ensure_profile
from tests.factories import make_solution
from tests.unit.domain.forums.support import admin, category, person, reply, start

REVIEW = {"rating": 4, "title": "Solid summaries", "body": "Short, faithful and quick to run."}


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's own; PostgreSQL's rides along
            seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_home_feed_page_takes_four_statements() -> None:
    reader, author, star, maker = person("Reader"), person("Author"), person("Star"), person("M")
    with session_scope() as db:
        for followee in (author, star):
            graph.do_follow(db, reader, ensure_profile(db, followee.user_id).handle)
    make_solution(author.email, name="Summarizer Pro")
    slug = make_solution(maker.email, name="Reviewed Thing").slug
    with session_scope() as db:
        reviews.do_write_review(db, star, slug, REVIEW)
    with session_scope() as db:
        for item in feed.list_unfanned(db, older_than_seconds=-60):
            feed.do_fan_out(db, item)
    with session_scope() as db:
        feed.read_feed(db, reader)  # builds the Redis set where there is one
    with _statements() as seen, session_scope() as db:
        page = feed.read_feed(db, reader, fan_in_above=1)
    assert [e.title for e in page.items] == ["Reviewed Thing", "Summarizer Pro"]
    # The timeline (none with Redis), the fan-in authors' items, the items with their
    # authors, then one per kind shown (solutions, reviews).
    assert len(seen) <= 5, seen


def test_a_thread_page_read_again_takes_nine_statements() -> None:
    boss, author, reader = admin(), person("Author"), person("Reader")
    where = category(boss)
    thread_id = start(author, where, "Which model?", "Opening words here.")
    reply(author, thread_id, "A first answer with more words.")
    with session_scope() as db:
        reading.read_thread(db, reader, thread_id)
    with _statements() as seen, session_scope() as db:
        page = reading.read_thread(db, reader, thread_id)
    assert [p.number for p in page.posts] == [1, 2]
    # Thread, category, posts, authors, reactions, the read position, the reader's standing
    # and its counters, and the bookmark with the notification level.
    assert len(seen) <= 9, seen
