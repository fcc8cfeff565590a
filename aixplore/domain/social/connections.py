"""Connections: mutual contacts asked for, accepted, declined and removed.

A connection is one row per pair (whoever asked). Asking someone who already asked you
accepts their request; a block ends any connection or request between the two and refuses
new requests both ways (``graph.do_block``). Everyone is named by handle; the actor comes
only from the caller's checked session.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.notifications.services import notify
from aixplore.domain.relations.models import Connection, ConnectionStatus
from aixplore.domain.relations.services import connection_between, end_connection, has_blocked
from aixplore.domain.social.graph import other_person, page_cursor, page_size, relationship
from aixplore.domain.social.handles import ensure_profile, resolve_handle
from aixplore.domain.social.models import PersonCard, Relationship
from aixplore.domain.social.people import check_can_view_section, person_cards

CONNECTIONS_MAX = 5000


def _tell(session: Session, actor: Actor, to_user_id: int, title: str) -> None:
    mine = ensure_profile(session, actor.user_id)
    notify(
        session,
        to_user_id,
        "connection",
        f"{actor.display_name} (@{mine.handle}) {title}",
        link=f"/u/{mine.handle}",
    )


def do_request_connection(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Ask ``handle`` to connect (their own open request to the actor: accept it)."""
    actor = require_actor(actor)
    target = other_person(session, actor, handle)
    if has_blocked(session, target.user_id, actor.user_id):
        raise PermissionDenied(f"You cannot connect with @{target.handle}: they have blocked you.")
    if has_blocked(session, actor.user_id, target.user_id):
        raise Conflict(f"You blocked @{target.handle}. Unblock them first to connect.")
    row = connection_between(session, actor.user_id, target.user_id)
    if row is not None and row.requester_id == target.user_id:
        return do_accept_connection(session, actor, handle)
    if row is None:
        mine = session.exec(
            select(Connection.requester_id)
            .where(col(Connection.requester_id) == actor.user_id)
            .limit(CONNECTIONS_MAX)
        ).all()
        if len(mine) >= CONNECTIONS_MAX:
            raise Conflict(f"You can ask at most {CONNECTIONS_MAX:,} people to connect.")
        session.add(Connection(requester_id=actor.user_id, addressee_id=target.user_id))
        session.flush()
        _tell(session, actor, target.user_id, "asked to connect with you")
    return relationship(session, actor, target.user_id)


def _request_to_me(session: Session, actor: Actor, handle: Any) -> Connection:
    profile, _old = resolve_handle(session, handle)
    row = session.get(Connection, (profile.user_id, actor.user_id))
    if row is None or row.status != ConnectionStatus.PENDING:
        raise NotFound(f"@{profile.handle} has not asked to connect with you.")
    return row


def do_accept_connection(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Accept the open request ``handle`` sent the actor."""
    actor = require_actor(actor)
    row = _request_to_me(session, actor, handle)
    row.status, row.accepted_at = ConnectionStatus.ACCEPTED, utcnow()
    session.add(row)
    session.flush()
    _tell(session, actor, row.requester_id, "accepted your connection request")
    return relationship(session, actor, row.requester_id)


def do_decline_connection(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """Decline the open request ``handle`` sent the actor (they are not told)."""
    actor = require_actor(actor)
    row = _request_to_me(session, actor, handle)
    session.delete(row)
    session.flush()
    return relationship(session, actor, row.requester_id)


def do_remove_connection(session: Session, actor: Actor | None, handle: Any) -> Relationship:
    """End the connection with ``handle``, or withdraw the actor's request (none: no change)."""
    actor = require_actor(actor)
    target = other_person(session, actor, handle)
    end_connection(session, actor.user_id, target.user_id)
    return relationship(session, actor, target.user_id)


def list_connections(
    session: Session, viewer: Actor | None, handle: Any, *, before: Any = None, limit: Any = 30
) -> tuple[list[PersonCard], int | None]:
    """A profile's connections as its viewer may see them, by user id descending."""
    profile, _old = resolve_handle(session, handle)
    check_can_view_section(session, viewer, profile, "connections")
    cursor, size = page_cursor(before), page_size(limit)
    me = profile.user_id
    accepted = col(Connection.status) == ConnectionStatus.ACCEPTED
    theirs = [
        int(i)
        for i in session.exec(
            select(Connection.addressee_id).where(Connection.requester_id == me, accepted)
        ).all()
    ] + [
        int(i)
        for i in session.exec(
            select(Connection.requester_id).where(Connection.addressee_id == me, accepted)
        ).all()
    ]
    ids = sorted((i for i in theirs if cursor is None or i < cursor), reverse=True)
    cards = person_cards(session, ids[:size])
    page = [cards[i] for i in ids[:size] if i in cards]
    return page, (ids[size - 1] if len(ids) > size else None)


def list_connection_requests(session: Session, actor: Actor | None) -> list[PersonCard]:
    """Who asked the actor to connect and waits for an answer, oldest first (100 at most)."""
    actor = require_actor(actor)
    ids = session.exec(
        select(Connection.requester_id)
        .where(
            Connection.addressee_id == actor.user_id,
            col(Connection.status) == ConnectionStatus.PENDING,
        )
        .order_by(col(Connection.created_at))
        .limit(100)
    ).all()
    cards = person_cards(session, ids)
    return [cards[i] for i in ids if i in cards]
