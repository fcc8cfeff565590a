"""Connections: request, accept, decline, remove; blocks end them; notifications; lists."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, PermissionDenied
from aixplore.domain.notifications.models import Notification
from aixplore.domain.relations.models import Connection
from aixplore.domain.social import connections, graph
from aixplore.domain.social.handles import ensure_profile
from tests.unit.domain.social.support import person


def _handle(actor) -> str:
    with session_scope() as db:
        return ensure_profile(db, actor.user_id).handle


def _do(action, actor, other):
    with session_scope() as db:
        return action(db, actor, _handle(other))


def _connections(of, viewer=None) -> list[str]:
    with session_scope() as db:
        page, _next = connections.list_connections(db, viewer, _handle(of))
    return [p.handle for p in page]


def _kinds(actor) -> list[tuple[str, str]]:
    with session_scope() as db:
        rows = db.exec(select(Notification).where(Notification.user_id == actor.user_id)).all()
    return [(n.kind, n.title) for n in rows]


def test_a_request_accepted_connects_both_and_notifies_each_step() -> None:
    ada, bob = person("Ada"), person("Bob")
    assert _do(connections.do_request_connection, bob, ada).connection == "requested"
    assert _do(connections.do_request_connection, bob, ada).connection == "requested"  # again
    assert _kinds(ada) == [("connection", "Bob (@bob) asked to connect with you")]
    with session_scope() as db:
        assert [p.handle for p in connections.list_connection_requests(db, ada)] == ["bob"]
    assert _do(connections.do_accept_connection, ada, bob).connection == "connected"
    assert _kinds(bob) == [("connection", "Ada (@ada) accepted your connection request")]
    assert _connections(ada) == ["bob"] and _connections(bob) == ["ada"]
    # Bob cannot accept his own request for Ada.
    carl = person("Carl")
    _do(connections.do_request_connection, bob, carl)
    with pytest.raises(NotFound, match="has not asked to connect with you"):
        _do(connections.do_accept_connection, bob, carl)
    assert _do(connections.do_remove_connection, ada, bob).connection == ""
    assert _connections(ada) == [] and _connections(bob) == []


def test_asking_someone_who_asked_you_accepts_and_declining_tells_no_one() -> None:
    ada, bob, eve = person("Ada"), person("Bob"), person("Eve")
    _do(connections.do_request_connection, bob, ada)
    assert _do(connections.do_request_connection, ada, bob).connection == "connected"
    _do(connections.do_request_connection, eve, ada)
    assert _do(connections.do_decline_connection, ada, eve).connection == ""
    assert _kinds(eve) == []
    with pytest.raises(NotFound):
        _do(connections.do_decline_connection, ada, eve)
    with session_scope() as db:
        assert len(db.exec(select(Connection)).all()) == 1


def test_a_block_ends_the_connection_and_refuses_requests_both_ways() -> None:
    ada, troll = person("Ada"), person("Troll")
    _do(connections.do_request_connection, troll, ada)
    _do(connections.do_accept_connection, ada, troll)
    assert _do(graph.do_block, ada, troll).connection == ""
    with session_scope() as db:
        assert db.exec(select(Connection)).all() == []
    with pytest.raises(PermissionDenied, match="they have blocked you"):
        _do(connections.do_request_connection, troll, ada)
    with pytest.raises(Conflict, match="Unblock them first"):
        _do(connections.do_request_connection, ada, troll)
    # A pending request ends with the block too.
    eve = person("Eve")
    _do(connections.do_request_connection, eve, ada)
    _do(graph.do_block, ada, eve)
    with session_scope() as db:
        assert db.exec(select(Connection)).all() == []
        assert connections.list_connection_requests(db, ada) == []
