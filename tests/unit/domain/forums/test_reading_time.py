"""Reading time: the time between one thread page and the next, capped, counts toward trust."""

from __future__ import annotations

from datetime import timedelta

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.forums import reading, trust
from aixplore.domain.forums.models import ForumStanding
from tests.unit.domain.forums.support import admin, category, person, reply, start


def _standing(someone) -> ForumStanding:
    with session_scope() as db:
        row = db.get(ForumStanding, someone.user_id)
        assert row is not None
        return row


def _last_read(someone, ago: timedelta) -> None:
    """Pretend the reader opened their last thread page ``ago``."""
    with session_scope() as db:
        row = db.get(ForumStanding, someone.user_id)
        assert row is not None
        row.last_read_at = utcnow() - ago
        db.add(row)


def test_time_between_thread_pages_counts_up_to_a_cap_and_a_long_gap_not_at_all() -> None:
    boss, writer, ada = admin(), person("Writer"), person("Ada")
    thread_id = start(writer, category(boss), "Long read", "First words.")
    reply(writer, thread_id, "More words.")
    with session_scope() as db:
        reading.read_thread(db, ada, thread_id)
    assert _standing(ada).reading_seconds == 0  # the first page: nothing read before it
    _last_read(ada, timedelta(seconds=45))
    with session_scope() as db:
        reading.read_thread(db, ada, thread_id)
    assert 45 <= _standing(ada).reading_seconds <= 47
    _last_read(ada, timedelta(minutes=4))  # one page is worth at most PAGE_SECONDS
    with session_scope() as db:
        reading.read_thread(db, ada, thread_id)
    assert _standing(ada).reading_seconds <= 47 + trust.PAGE_SECONDS
    before = _standing(ada).reading_seconds
    _last_read(ada, timedelta(hours=3))  # away, not reading: no credit
    with session_scope() as db:
        reading.read_thread(db, ada, thread_id)
    assert _standing(ada).reading_seconds == before


def test_level_two_needs_an_hour_of_reading_besides_the_other_rules() -> None:
    ada = person("Ada")
    with session_scope() as db:
        trust.count(
            db,
            ada.user_id,
            days_visited=15,
            threads_entered=20,
            posts_read=100,
            replies_written=3,
            reactions_received=1,
        )
        assert trust.level_of(db, ada) == 1
        trust.count(db, ada.user_id, reading_seconds=3599)
        assert trust.level_of(db, ada) == 1
        trust.count(db, ada.user_id, reading_seconds=1)
        assert trust.level_of(db, ada) == 2
