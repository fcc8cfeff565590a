"""Going live: the followers' notifications come from a job, once per stream, crash or not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.time import utcnow
from aixplore.domain.notifications.models import Notification
from aixplore.domain.social import graph
from aixplore.domain.streams import ingest
from aixplore.domain.streams.models import Stream
from aixplore.jobs import streams as stream_jobs
from aixplore.jobs.queue import huey
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person
from tests.unit.domain.streams.support import key_parts, schedule


def _told(stream_id: int) -> list[int]:
    with read_scope() as db:
        rows = db.exec(
            select(Notification.user_id).where(
                Notification.kind == "stream", Notification.link == f"/live/{stream_id}"
            )
        ).all()
    return sorted(rows)


def _queued(stream_id: int) -> int:
    return sum(
        1
        for task in huey.pending()
        if task.name.endswith("notify_going_live") and tuple(task.args) == (stream_id,)
    )


def test_the_callback_queues_the_job_and_tells_nobody_itself() -> None:
    ada, fan = person("Ada"), person("Fan")
    run(graph.do_follow, fan, handle(ada))
    sid = schedule(ada)
    name, secret = key_parts(ada)
    before = _queued(sid)  # the queue outlives the tests' databases: ids repeat
    run(ingest.on_publish, name, secret)
    assert _told(sid) == []  # nginx's callback answered without writing a notification
    assert _queued(sid) == before + 1
    assert stream_jobs.notify_going_live.call_local(sid) == 1
    assert stream_jobs.notify_going_live.call_local(sid) == 0  # a retry after success
    assert _told(sid) == [fan.user_id]


def test_a_job_that_dies_midway_leaves_nothing_and_its_retry_tells_each_once() -> None:
    ada, fans = person("Ada"), [person(f"Fan {n}") for n in range(3)]
    for fan in fans:
        run(graph.do_follow, fan, handle(ada))
    sid = schedule(ada)
    name, secret = key_parts(ada)
    run(ingest.on_publish, name, secret)

    class Killed(Exception):
        pass

    with pytest.raises(Killed), session_scope() as db:  # the worker dies before its commit
        assert ingest.do_notify_going_live(db, sid) == 3
        raise Killed
    assert _told(sid) == []
    assert stream_jobs.notify_going_live.call_local(sid) == 3
    assert stream_jobs.notify_going_live.call_local(sid) == 0
    assert _told(sid) == sorted(f.user_id for f in fans)


def test_the_sweep_finds_streams_whose_job_was_never_queued() -> None:
    ada, bob, fan = person("Ada"), person("Bob"), person("Fan")
    run(graph.do_follow, fan, handle(ada))
    lost, ended = schedule(ada), schedule(bob)
    for who in (ada, bob):
        name, secret = key_parts(who)
        run(ingest.on_publish, name, secret)
    long_ago = utcnow() - ingest.SWEEP_AFTER - timedelta(seconds=5)
    with session_scope() as db:
        db.execute(
            update(Stream).where(col(Stream.id).in_([lost, ended])).values(went_live_at=long_ago)
        )
        db.execute(update(Stream).where(col(Stream.id) == ended).values(status="ended"))
    with read_scope() as db:
        due = ingest.list_unnotified(db)
    assert lost in due and ended not in due
    # An ended stream's late job marks it and tells nobody ("going live" would mislead).
    assert run(ingest.do_notify_going_live, ended) == 0
    assert run(ingest.do_notify_going_live, lost) == 1
    with read_scope() as db:
        assert lost not in ingest.list_unnotified(db)
    assert _told(lost) == [fan.user_id] and _told(ended) == []
