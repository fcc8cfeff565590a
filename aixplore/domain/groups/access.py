"""Who sees a group, who may read and moderate it, and its member lists.

A secret group is NotFound to everyone but its members, invitees and platform admins; a group
the platform's moderators hid (``HELD``) is NotFound to all but its own moderators and platform
admins until restored. A moderator's rights end at their own group.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import literal
from sqlalchemy import select as select_columns
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.groups.models import (
    CommunityGroup,
    GroupInvitation,
    GroupJoinRequest,
    GroupMember,
    GroupPublic,
    GroupRole,
    GroupVisibility,
    MemberPublic,
)
from aixplore.domain.holds.models import ModerationHold, is_held
from aixplore.domain.social.people import person_cards
from aixplore.domain.social.timeline import register_audience

HELD = "group"  # the moderation kind whose hold hides a whole group
MODERATING = (GroupRole.OWNER, GroupRole.MODERATOR)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def role_of(session: Session, group_id: int, user_id: int | None) -> GroupRole | None:
    """The user's role in the group, or None for a non-member."""
    if user_id is None:
        return None
    member = session.get(GroupMember, (group_id, user_id))
    return member.role if member is not None else None


def can_read(session: Session, group: CommunityGroup, viewer: Actor | None) -> bool:
    """Whether ``viewer`` may read the group's threads (public, a member, or an admin).

    A group the platform's moderators hid (``HELD``) is read by its own moderators and
    platform admins only, until it is restored.
    """
    if is_held(session, HELD, group.id):
        return is_moderator(session, group.id or 0, viewer)
    if group.visibility == GroupVisibility.PUBLIC:
        return True
    if viewer is None:
        return False
    return viewer.is_platform_admin or role_of(session, group.id or 0, viewer.user_id) is not None


def is_moderator(session: Session, group_id: int, actor: Actor | None) -> bool:
    """Whether ``actor`` moderates this group (its owner, a moderator, or a platform admin)."""
    if actor is None:
        return False
    return actor.is_platform_admin or role_of(session, group_id, actor.user_id) in MODERATING


def moderates_any(session: Session, user_id: int) -> bool:
    """Whether the user owns or moderates at least one group."""
    return (
        session.exec(
            select(GroupMember.group_id)
            .where(col(GroupMember.user_id) == user_id, col(GroupMember.role).in_(MODERATING))
            .limit(1)
        ).first()
        is not None
    )


def check_moderator(session: Session, actor: Actor, group_id: int) -> None:
    """Refuse anyone who does not moderate this very group."""
    if not is_moderator(session, group_id, actor):
        raise PermissionDenied("Only this group's moderators may do that.")


def visible_group(session: Session, viewer: Actor | None, slug: Any) -> CommunityGroup:
    """The group ``slug`` names, if ``viewer`` may see it (NotFound otherwise)."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise NotFound("No such group.")
    group = session.exec(select(CommunityGroup).where(CommunityGroup.slug == slug)).first()
    if group is None:
        raise NotFound("No such group.")
    if group.visibility == GroupVisibility.SECRET and not (
        viewer is not None
        and (
            viewer.is_platform_admin
            or role_of(session, group.id or 0, viewer.user_id) is not None
            or session.get(GroupInvitation, (group.id, viewer.user_id)) is not None
        )
    ):
        raise NotFound("No such group.")
    if is_held(session, HELD, group.id) and not is_moderator(session, group.id or 0, viewer):
        raise NotFound("This group was hidden by the moderators.")
    return group


def public_view(session: Session, group: CommunityGroup, viewer: Actor | None) -> GroupPublic:
    """The group as ``viewer`` sees it, with their role, request and invitation."""
    me = viewer.user_id if viewer is not None else None
    gid = group.id or 0
    return GroupPublic(
        id=gid,
        slug=group.slug,
        name=group.name,
        description=group.description,
        visibility=group.visibility,
        kind=group.kind,
        member_count=group.member_count,
        my_role=role_of(session, gid, me),
        requested=me is not None and session.get(GroupJoinRequest, (gid, me)) is not None,
        invited=me is not None and session.get(GroupInvitation, (gid, me)) is not None,
    )


def get_group(session: Session, viewer: Actor | None, slug: Any) -> GroupPublic:
    """A group as ``viewer`` sees it (a secret group: NotFound unless they belong)."""
    return public_view(session, visible_group(session, viewer, slug), viewer)


def group_by_id(session: Session, group_id: int) -> CommunityGroup:
    """The group ``group_id`` (for features that hold its id, such as its forum category)."""
    group = session.get(CommunityGroup, group_id)
    if group is None:
        raise NotFound("No such group.")
    return group


def list_groups(session: Session, viewer: Actor | None) -> list[GroupPublic]:
    """Public and private groups, and the secret groups the viewer belongs to, by size (a
    group the moderators hid: to platform admins only)."""
    query = select(CommunityGroup)
    if viewer is None or not viewer.is_platform_admin:
        held = select(ModerationHold.target_id).where(ModerationHold.target_kind == HELD)
        query = query.where(col(CommunityGroup.id).not_in(held))
        mine = [] if viewer is None else member_group_ids(session, viewer.user_id)
        query = query.where(
            (col(CommunityGroup.visibility) != GroupVisibility.SECRET)
            | col(CommunityGroup.id).in_(mine)
        )
    rows = session.exec(
        query.order_by(col(CommunityGroup.member_count).desc(), col(CommunityGroup.id)).limit(200)
    ).all()
    return [public_view(session, g, viewer) for g in rows]


def member_group_ids(session: Session, user_id: int) -> list[int]:
    """The ids of the groups ``user_id`` belongs to."""
    return list(session.exec(select(GroupMember.group_id).where(GroupMember.user_id == user_id)))


def member_ids(session: Session, group_id: int) -> list[int]:
    """The user ids of a group's members."""
    return list(session.exec(select(GroupMember.user_id).where(GroupMember.group_id == group_id)))


def list_members(session: Session, viewer: Actor | None, slug: Any) -> list[MemberPublic]:
    """A group's members, owner and moderators first (readers of the group only)."""
    group = visible_group(session, viewer, slug)
    if not can_read(session, group, viewer):
        raise PermissionDenied("Only members see who belongs to this group.")
    rows = session.exec(
        select(GroupMember).where(GroupMember.group_id == group.id).limit(500)
    ).all()
    cards = person_cards(session, [m.user_id for m in rows])
    order = {GroupRole.OWNER: 0, GroupRole.MODERATOR: 1, GroupRole.MEMBER: 2}
    found = [
        MemberPublic(
            user_id=m.user_id,
            handle=cards[m.user_id].handle,
            name=cards[m.user_id].name,
            role=m.role,
        )
        for m in rows
        if m.user_id in cards
    ]
    return sorted(found, key=lambda m: (order[m.role], m.handle))


def list_requests(session: Session, actor: Actor | None, slug: Any) -> list[MemberPublic]:
    """People waiting to join (this group's moderators only)."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    check_moderator(session, actor, group.id or 0)
    ids = list(
        session.exec(select(GroupJoinRequest.user_id).where(GroupJoinRequest.group_id == group.id))
    )
    cards = person_cards(session, ids)
    return [
        MemberPublic(user_id=u, handle=c.handle, name=c.name, role=GroupRole.MEMBER)
        for u, c in cards.items()
    ]


def _members_audience(item: FeedItem) -> Select | None:
    """A group item's readers: the group's members (its author aside)."""
    if item.group_id is None:
        return None
    return select_columns(col(GroupMember.user_id), literal(item.id)).where(
        col(GroupMember.group_id) == item.group_id, col(GroupMember.user_id) != item.actor_id
    )


register_audience(_members_audience)
