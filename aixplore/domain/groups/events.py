"""A group's events: hosted by its owner and moderators, seen as the group's threads are.

A public group's events are everyone's (in the public lists too); a private or secret
group's are for its members only: left out of every public list, profile and follower
feed, and refused to anyone else by ``events.reading.check_may_see`` through the check this
module registers (a secret group's events do not exist for outsiders).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.events.models import EventDetail, EventPublic
from aixplore.domain.events.reading import list_for_group, register_group_check
from aixplore.domain.events.services import do_create_event
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup, GroupVisibility


def _group(session: Session, viewer: Actor | None, slug: Any) -> CommunityGroup:
    """The group ``slug`` names, if the viewer may see it at all (NotFound otherwise)."""
    return groups.group_by_id(session, groups.get_group(session, viewer, slug).id)


def do_host_event(session: Session, actor: Actor | None, slug: Any, data: Any) -> EventDetail:
    """Create an event hosted by the group (its owner and moderators only)."""
    actor = require_actor(actor)
    group = _group(session, actor, slug)
    groups.check_moderator(session, actor, group.id or 0)
    return do_create_event(
        session,
        actor,
        data,
        group_id=group.id,
        members_only=group.visibility != GroupVisibility.PUBLIC,
    )


def list_group_events(session: Session, viewer: Actor | None, slug: Any) -> list[EventPublic]:
    """The group's upcoming events, soonest first (whoever may read the group's threads)."""
    group = _group(session, viewer, slug)
    if not groups.can_read(session, group, viewer):
        raise PermissionDenied(f"Only members of {group.name} see its events. Join it first.")
    return list_for_group(session, group.id or 0)


def check_event_reader(session: Session, viewer: Actor | None, group_id: int) -> None:
    """Refuse a viewer the group's events: NotFound for a secret group, else a reason."""
    group = groups.group_by_id(session, group_id)
    if groups.can_read(session, group, viewer):
        return
    if group.visibility == GroupVisibility.SECRET:
        raise NotFound("No such event.")
    raise PermissionDenied(f"Only members of {group.name} see its events. Join it first.")


register_group_check(check_event_reader)
