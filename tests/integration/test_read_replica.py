"""Catalog and search reads from a real PostgreSQL streaming replica, with its lag guard.

The replica is a hot standby of the run's own database (``tests/support/pg_replica.py``:
``pg_basebackup -R``, then streaming), started once for this module. Pausing its replay
(``pg_wal_replay_pause()``) makes it visibly stale, which shows where each read went: a
reader who did not write sees the old rows (the replica answered), the writer sees their own
write (the primary answered). ``aixplore_catalog_reads_total`` says the same, with the reason.
The replica is killed last.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from aixplore.api.app import build_api
from aixplore.api.routes import solutions as solution_routes
from aixplore.core import replica as routing
from aixplore.core.db import get_engine, session_scope
from aixplore.core.redis import close_async_redis
from aixplore.core.replica import catalog_read
from aixplore.core.settings import get_settings
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import Actor
from aixplore.domain.discovery import services as discovery
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.search import SearchQuery, search
from aixplore.web.session import current_actor
from tests.factories import actor_for, make_member, make_solution, sign_in
from tests.support.pg_replica import Replica, streaming_replica

pytestmark = pytest.mark.skipif(
    get_engine().dialect.name != "postgresql",
    reason="a streaming replica needs PostgreSQL: run with AIXPLORE_DATABASE_URL=postgresql+psycopg://...",
)
PRIMARY = get_settings().database_url


@pytest.fixture(scope="module")
def standby() -> Iterator[Replica]:
    """The run's database's streaming replica (one per module: a base backup takes seconds)."""
    with streaming_replica(PRIMARY) as started:
        yield started


@pytest.fixture
def replica(standby: Replica, monkeypatch: pytest.MonkeyPatch) -> Iterator[Replica]:
    """The replica, caught up, replaying, and named in the settings; checked every 50 ms."""
    if standby.sql("SELECT pg_is_wal_replay_paused()"):
        standby.sql("SELECT pg_wal_replay_resume()")
    standby.caught_up(PRIMARY)
    settings = get_settings()
    monkeypatch.setattr(settings, "database_replica_url", standby.url)
    monkeypatch.setattr(settings, "replica_check_seconds", 0.05)
    monkeypatch.setattr(settings, "replica_max_lag_seconds", 60.0)
    routing.forget()
    yield standby
    routing.forget()


def routed(read: Callable[[], Any]) -> tuple[Any, tuple[str, str]]:
    """``read()``'s answer, and where ``catalog_read`` sent it (source, reason)."""
    labels = [
        (source, reason)
        for source in ("replica", "primary")
        for reason in ("current", "unset", "behind", "lag", "down", "failed")
    ]

    def counts() -> list[float]:
        return [
            REGISTRY.get_sample_value(
                "aixplore_catalog_reads_total", {"source": source, "reason": reason}
            )
            or 0.0
            for source, reason in labels
        ]

    before = counts()
    answer = read()
    went = [label for label, b, a in zip(labels, before, counts(), strict=True) if a > b]
    assert len(went) == 1, went
    return answer, went[0]


def members() -> tuple[Actor, Actor]:
    """Two signed-in members: Ada (who writes) and Bo (who only reads)."""
    ada = actor_for(sign_in(make_member(name="Ada Writer").email))
    bo = actor_for(sign_in(make_member(name="Bo Reader").email))
    assert ada is not None and bo is not None
    return ada, bo


def collection_name(actor: Actor, collection_id: int) -> str:
    """The collection's name as a catalog read for ``actor`` finds it."""
    info, _cards = catalog_read(
        lambda db: discovery.get_collection(db, actor, collection_id), actor.user_id
    )
    return info.name


class Tab:
    """What ``current_actor`` reads of a browser tab: its session."""

    viewer_id = 0

    def __init__(self, token: str) -> None:
        self.auth_token = token

    async def get_state(self, _cls: type) -> Tab:
        return self

    def _token(self) -> str:
        return self.auth_token

    def _actor(self) -> Actor | None:
        return actor_cache.authenticate(self.auth_token)


def test_reads_go_to_the_replica_and_a_writer_reads_their_own_write(replica: Replica) -> None:
    ada_token = sign_in(make_member(name="Ada Writer").email)
    ada = actor_for(ada_token)
    bo = actor_for(sign_in(make_member(name="Bo Reader").email))
    assert ada is not None and bo is not None
    with session_scope() as db:
        made = discovery.do_create_collection(db, ada, {"name": "Before", "is_public": True})
    replica.caught_up(PRIMARY)
    replica.sql("SELECT pg_wal_replay_pause()")

    async def rename_on_the_page() -> None:
        # As a page's handler does: the session's actor (which the write is noted for).
        try:
            actor = await current_actor(Tab(ada_token))  # type: ignore[arg-type]
            with session_scope() as db:
                data = {"name": "After", "is_public": True}
                discovery.do_update_collection(db, actor, made.id, data)
        finally:
            await close_async_redis()

    asyncio.run(rename_on_the_page())

    assert routed(lambda: collection_name(bo, made.id)) == ("Before", ("replica", "current"))
    assert routed(lambda: collection_name(ada, made.id)) == ("After", ("primary", "behind"))
    replica.sql("SELECT pg_wal_replay_resume()")
    replica.caught_up(PRIMARY)
    assert routed(lambda: collection_name(ada, made.id)) == ("After", ("replica", "current"))
    assert routed(lambda: collection_name(bo, made.id)) == ("After", ("replica", "current"))


def test_a_catalog_change_reads_the_primary_until_the_replica_replays_it(replica: Replica) -> None:
    ada, bo = members()
    slug = make_solution(ada.email, name="Lantern Notes", tagline="Notes by lamplight").slug
    replica.caught_up(PRIMARY)

    def tagline() -> str:
        found = catalog_read(lambda db: search(db, SearchQuery(q="lantern")), bo.user_id)
        return found.items[0].tagline

    # Bo's search fills the worker's copies (cards, counts) from the replica.
    assert routed(tagline) == ("Notes by lamplight", ("replica", "current"))
    replica.sql("SELECT pg_wal_replay_pause()")
    edit = {"name": "Lantern Notes", "tagline": "Notes by starlight", "description": "Notes."}
    edit |= {"category": "text-generation", "pricing": "free", "tags": ["nlp"]}
    with session_scope() as db:  # no acting member: the catalog's own guard must hold
        solutions.do_update_solution(db, ada, slug, edit)

    assert routed(tagline) == ("Notes by starlight", ("primary", "behind"))
    replica.sql("SELECT pg_wal_replay_resume()")
    replica.caught_up(PRIMARY)
    # Read on the replica again, under the new catalog generation: nothing older is kept.
    assert routed(tagline) == ("Notes by starlight", ("replica", "current"))


def test_a_replica_lagging_past_the_bound_sends_reads_to_the_primary(
    replica: Replica, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bo = members()
    with session_scope() as db:
        made = discovery.do_create_collection(db, ada, {"name": "Before", "is_public": True})
    replica.caught_up(PRIMARY)
    monkeypatch.setattr(get_settings(), "replica_max_lag_seconds", 0.3)
    replica.sql("SELECT pg_wal_replay_pause()")
    with session_scope() as db:  # no acting member: only the lag guard can tell
        discovery.do_update_collection(db, ada, made.id, {"name": "After", "is_public": True})
    deadline = time.monotonic() + 10
    while (state := routing.health(replica.url)) is None or state.lag_seconds <= 0.3:
        assert time.monotonic() < deadline, state
        time.sleep(0.05)

    assert routed(lambda: collection_name(bo, made.id)) == ("After", ("primary", "lag"))


def test_the_rest_search_reads_the_replica(replica: Replica) -> None:
    ada, _bo = members()
    make_solution(ada.email, name="Harbor Maps", tagline="Charts of every harbor")
    replica.caught_up(PRIMARY)
    solution_routes.response_cache.clear()
    client = TestClient(build_api())

    response, went = routed(lambda: client.get("/api/v1/solutions", params={"q": "harbor"}))
    assert response.status_code == 200
    assert [item["tagline"] for item in response.json()["items"]] == ["Charts of every harbor"]
    assert went == ("replica", "current")


def test_a_writer_whose_write_ended_a_wal_segment_reads_from_the_caught_up_replica(
    replica: Replica,
) -> None:
    """Right after a WAL segment switch (``archive_timeout``, a base backup) nothing is written
    past the new segment's header; the position kept for the writer must be one a caught-up
    replica reaches (the insert position was 40 bytes past it, so every read of theirs went to
    the primary, and ``caught_up`` here timed out in CI)."""
    ada, _bo = members()
    with session_scope() as db:
        made = discovery.do_create_collection(db, ada, {"name": "Switched", "is_public": True})
    with get_engine().connect() as connection:
        connection.exec_driver_sql("SELECT pg_switch_wal()")
        connection.commit()
    routing._note(ada.user_id, get_engine())  # the writer's position, after the switch
    replica.caught_up(PRIMARY, timeout=10)
    assert routed(lambda: collection_name(ada, made.id)) == ("Switched", ("replica", "current"))


def test_a_killed_replica_leaves_reads_on_the_primary_without_an_error(
    replica: Replica, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bo = members()
    with session_scope() as db:
        made = discovery.do_create_collection(db, ada, {"name": "Kept", "is_public": True})
    replica.caught_up(PRIMARY)
    assert routed(lambda: collection_name(bo, made.id)) == ("Kept", ("replica", "current"))
    # Found up a moment ago: the next read tries it, fails, and the primary answers.
    monkeypatch.setattr(get_settings(), "replica_check_seconds", 60.0)
    replica.kill()

    assert routed(lambda: collection_name(bo, made.id)) == ("Kept", ("primary", "failed"))
    assert routed(lambda: collection_name(bo, made.id)) == ("Kept", ("primary", "down"))
    monkeypatch.setattr(get_settings(), "replica_check_seconds", 0.0001)
    assert routed(lambda: collection_name(bo, made.id)) == ("Kept", ("primary", "down"))
