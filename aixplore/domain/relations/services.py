"""Checks other features make before one person reaches another."""

from __future__ import annotations

from sqlalchemy import delete, or_
from sqlmodel import Session, col

from aixplore.core.errors import PermissionDenied
from aixplore.domain.accounts.models import Actor
from aixplore.domain.relations.models import Block, Connection, ConnectionStatus, Follow


def has_blocked(session: Session, blocker_id: int, blocked_id: int) -> bool:
    """Whether ``blocker_id`` blocked ``blocked_id``."""
    return session.get(Block, (blocker_id, blocked_id)) is not None


def follows(session: Session, follower_id: int, followee_id: int) -> bool:
    """Whether ``follower_id`` follows ``followee_id``."""
    return session.get(Follow, (follower_id, followee_id)) is not None


def check_may_reply(session: Session, actor: Actor, to_user_id: int | None) -> None:
    """Refuse a reply to someone who blocked the actor (reviews now; forum posts later)."""
    if to_user_id is not None and has_blocked(session, to_user_id, actor.user_id):
        raise PermissionDenied("You cannot reply to this person: they have blocked you.")


def connection_between(session: Session, a: int, b: int) -> Connection | None:
    """The connection row between two people, whichever of them asked."""
    return session.get(Connection, (a, b)) or session.get(Connection, (b, a))


def connected(session: Session, a: int, b: int) -> bool:
    """Whether two people are connected (an accepted connection)."""
    row = connection_between(session, a, b)
    return row is not None and row.status == ConnectionStatus.ACCEPTED


def end_connection(session: Session, a: int, b: int) -> bool:
    """End any connection or request between two people; whether there was one."""
    ended = session.execute(
        delete(Connection).where(
            or_(
                (col(Connection.requester_id) == a) & (col(Connection.addressee_id) == b),
                (col(Connection.requester_id) == b) & (col(Connection.addressee_id) == a),
            )
        )
    )
    return bool(ended.rowcount)  # type: ignore[attr-defined]
