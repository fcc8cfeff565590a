"""Joining and leaving groups: at once, by request or by invitation; roles and bans.

Owners and moderators answer requests, invite and ban; only the owner names moderators.
Every moderating service checks the actor's role in the group acted on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.groups.access import (
    MODERATING,
    check_moderator,
    get_group,
    group_by_id,
    public_view,
    role_of,
    visible_group,
)
from aixplore.domain.groups.models import (
    CommunityGroup,
    GroupBan,
    GroupInvitation,
    GroupJoinRequest,
    GroupMember,
    GroupPublic,
    GroupRole,
    GroupVisibility,
)
from aixplore.domain.notifications.services import notify
from aixplore.domain.social.handles import resolve_handle
from aixplore.domain.social.timeline import remove_group

# Called as (session, group id, user id, joined) in the unit of work where someone joins or
# leaves a group: the group's chat follows its members (``domain/messaging/group_chat``).
_member_hooks: list[Callable[[Session, int, int, bool], None]] = []


def on_member_change(hook: Callable[[Session, int, int, bool], None]) -> None:
    """Have ``hook`` called whenever someone joins or leaves a group."""
    if hook not in _member_hooks:
        _member_hooks.append(hook)


def checked_text(value: Any, label: str, low: int, high: int) -> str:
    """``value`` stripped, if it is text of ``low`` to ``high`` characters."""
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise ValidationFailed(f"Enter {label} of {low} to {high} characters.")
    return value.strip()


def add_member(session: Session, group: CommunityGroup, user_id: int, role: GroupRole) -> None:
    """Make ``user_id`` a member with ``role``; their request and invitation end."""
    gid = group.id or 0
    session.add(GroupMember(group_id=gid, user_id=user_id, role=role))
    session.execute(
        delete(GroupJoinRequest).where(
            col(GroupJoinRequest.group_id) == gid, col(GroupJoinRequest.user_id) == user_id
        )
    )
    session.execute(
        delete(GroupInvitation).where(
            col(GroupInvitation.group_id) == gid, col(GroupInvitation.user_id) == user_id
        )
    )
    session.execute(
        update(CommunityGroup)
        .where(col(CommunityGroup.id) == gid)
        .values(member_count=CommunityGroup.member_count + 1)
    )
    session.flush()
    for hook in _member_hooks:
        hook(session, gid, user_id, True)
    session.refresh(group)


def remove_member(session: Session, group: CommunityGroup, user_id: int) -> bool:
    """End ``user_id``'s membership (False if they were not a member)."""
    gid = group.id or 0
    gone = session.execute(
        delete(GroupMember).where(
            col(GroupMember.group_id) == gid, col(GroupMember.user_id) == user_id
        )
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        return False
    session.execute(
        update(CommunityGroup)
        .where(col(CommunityGroup.id) == gid)
        .values(member_count=CommunityGroup.member_count - 1)
    )
    remove_group(session, user_id, gid)
    session.flush()
    for hook in _member_hooks:
        hook(session, gid, user_id, False)
    session.refresh(group)
    return True


def _tell_moderators(session: Session, group: CommunityGroup, title: str) -> None:
    for uid in session.exec(
        select(GroupMember.user_id).where(
            GroupMember.group_id == group.id, col(GroupMember.role).in_(MODERATING)
        )
    ):
        notify(session, uid, "group", title, link=f"/groups/{group.slug}")


def is_banned(session: Session, group: CommunityGroup, user_id: int) -> bool:
    """Whether ``user_id`` is banned from the group."""
    return session.get(GroupBan, (group.id, user_id)) is not None


def do_join(session: Session, actor: Actor | None, slug: Any, message: Any = "") -> GroupPublic:
    """Join a public group, ask to join a private one, or accept an invitation to any."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    gid = group.id or 0
    if role_of(session, gid, actor.user_id) is not None:
        return public_view(session, group, actor)
    if is_banned(session, group, actor.user_id):
        raise PermissionDenied("You are banned from this group.")
    invited = session.get(GroupInvitation, (gid, actor.user_id)) is not None
    if group.visibility == GroupVisibility.PUBLIC or invited:
        add_member(session, group, actor.user_id, GroupRole.MEMBER)
    elif group.visibility == GroupVisibility.PRIVATE:
        note = "" if message in (None, "") else checked_text(message, "a message", 1, 300)
        if session.get(GroupJoinRequest, (gid, actor.user_id)) is None:
            session.add(GroupJoinRequest(group_id=gid, user_id=actor.user_id, message=note))
            session.flush()
            _tell_moderators(session, group, f"{actor.display_name} asks to join {group.name}")
    else:
        raise PermissionDenied("This group is joined by invitation only.")
    return public_view(session, group, actor)


def do_answer_request(
    session: Session, actor: Actor | None, slug: Any, user_id: Any, approve: Any
) -> GroupPublic:
    """Approve or decline someone's request to join (this group's moderators only)."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    check_moderator(session, actor, group.id or 0)
    if not isinstance(approve, bool) or not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed("Say whose request, and whether to approve it.")
    request = session.get(GroupJoinRequest, (group.id, user_id))
    if request is None:
        raise NotFound("There is no such request.")
    session.delete(request)
    session.flush()
    if approve:
        add_member(session, group, user_id, GroupRole.MEMBER)
    verdict = "approved" if approve else "declined"
    notify(
        session,
        user_id,
        "group",
        f"Your request to join {group.name} was {verdict}",
        link=f"/groups/{group.slug}"
        if approve or group.visibility != GroupVisibility.SECRET
        else "",
    )
    return public_view(session, group, actor)


def do_invite(session: Session, actor: Actor | None, slug: Any, handle: Any) -> None:
    """Invite the person ``handle`` names (this group's moderators only); they are told."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    check_moderator(session, actor, group.id or 0)
    profile, _old = resolve_handle(session, handle)
    if role_of(session, group.id or 0, profile.user_id) is not None:
        raise Conflict(f"@{profile.handle} is already a member.")
    if is_banned(session, group, profile.user_id):
        raise Conflict(f"@{profile.handle} is banned from this group.")
    if session.get(GroupInvitation, (group.id, profile.user_id)) is None:
        session.add(
            GroupInvitation(
                group_id=group.id or 0, user_id=profile.user_id, inviter_id=actor.user_id
            )
        )
        session.flush()
        notify(
            session,
            profile.user_id,
            "group",
            f"{actor.display_name} invited you to join {group.name}",
            link=f"/groups/{group.slug}",
        )


def do_decline_invitation(session: Session, actor: Actor | None, slug: Any) -> None:
    """Decline an invitation (none: no change)."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    session.execute(
        delete(GroupInvitation).where(
            col(GroupInvitation.group_id) == group.id, col(GroupInvitation.user_id) == actor.user_id
        )
    )


def do_leave(session: Session, actor: Actor | None, slug: Any) -> GroupPublic:
    """Leave a group (its owner must hand it over first)."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    if role_of(session, group.id or 0, actor.user_id) == GroupRole.OWNER:
        raise Conflict("An owner cannot leave their group; make someone else owner first.")
    remove_member(session, group, actor.user_id)
    return (
        get_group(session, actor, slug)
        if group.visibility != GroupVisibility.SECRET
        else public_view(session, group, actor)
    )


def do_set_role(session: Session, actor: Actor | None, slug: Any, user_id: Any, role: Any) -> None:
    """Make a member a moderator or a plain member again (the owner, or an admin, only)."""
    actor = require_actor(actor)
    group = visible_group(session, actor, slug)
    if not (actor.is_platform_admin or group.owner_id == actor.user_id):
        raise PermissionDenied("Only the group's owner may change roles.")
    try:
        wanted = GroupRole(role)
    except ValueError:
        raise ValidationFailed("Choose moderator or member.") from None
    if wanted == GroupRole.OWNER or not isinstance(user_id, int) or user_id == group.owner_id:
        raise ValidationFailed("Choose moderator or member for someone other than the owner.")
    member = session.get(GroupMember, (group.id, user_id))
    if member is None:
        raise NotFound("That person is not a member.")
    member.role = wanted
    session.add(member)
    session.flush()


def ban_from_group(
    session: Session, actor: Actor | None, group_id: Any, user_id: Any, reason: Any
) -> None:
    """Ban someone from a group: their membership, request and invitation end.

    For the moderation inbox as well as the group page. This group's moderators only; the
    owner cannot be banned, and only the owner (or an admin) bans a moderator.
    """
    actor = require_actor(actor)
    if not isinstance(group_id, int) or not isinstance(user_id, int):
        raise ValidationFailed("Say which group and whom.")
    group = group_by_id(session, group_id)
    check_moderator(session, actor, group_id)
    why = checked_text(reason, "a reason", 3, 300)
    target = role_of(session, group_id, user_id)
    if user_id == group.owner_id or user_id == actor.user_id:
        raise PermissionDenied("The owner cannot be banned, and nobody bans themselves.")
    if target == GroupRole.MODERATOR and not (
        actor.is_platform_admin or actor.user_id == group.owner_id
    ):
        raise PermissionDenied("Only the owner may ban a moderator.")
    ban_member(session, group, user_id, actor.user_id, why)


def ban_member(
    session: Session, group: CommunityGroup, user_id: int, by: int | None, why: str
) -> None:
    """Carry out a ban already allowed: membership, request and invitation end; they are told."""
    remove_member(session, group, user_id)
    for table in (GroupJoinRequest, GroupInvitation):
        session.execute(
            delete(table).where(col(table.group_id) == group.id, col(table.user_id) == user_id)
        )
    if not is_banned(session, group, user_id):
        session.add(GroupBan(group_id=group.id or 0, user_id=user_id, banned_by_id=by, reason=why))
    session.flush()
    notify(session, user_id, "group", f"You were banned from {group.name}", body=why)


def lift_ban(session: Session, actor: Actor | None, group_id: Any, user_id: Any) -> None:
    """Lift a ban (this group's moderators only); they may join again as anyone may."""
    actor = require_actor(actor)
    if not isinstance(group_id, int) or not isinstance(user_id, int):
        raise ValidationFailed("Say which group and whom.")
    group_by_id(session, group_id)
    check_moderator(session, actor, group_id)
    session.execute(
        delete(GroupBan).where(col(GroupBan.group_id) == group_id, col(GroupBan.user_id) == user_id)
    )
