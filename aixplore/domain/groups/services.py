"""Groups: create, see, join (at once, by request or by invitation), roles, leave and ban.

Visibility: a public group is read by anyone and joined at once; a private group is seen by
anyone (name and description) but read by members only, who join by a request a moderator
answers; a secret group is invisible (NotFound) to everyone but its members, invitees and
platform admins, and joined only by invitation. Owners and moderators answer requests,
invite and ban; only the owner names moderators. A moderator's rights end at their own group:
every moderating service checks the actor's role in the group acted on. A group the platform's
moderators hid (a report of the group itself) leaves every listing and is NotFound to all but
its own moderators and platform admins until restored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, literal, update
from sqlalchemy import select as select_columns
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from aixplore.core import ratelimit
from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.groups.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NAME_MIN,
    SLUG_MAX,
    CommunityGroup,
    GroupBan,
    GroupInvitation,
    GroupJoinRequest,
    GroupKind,
    GroupMember,
    GroupPublic,
    GroupRole,
    GroupVisibility,
    MemberPublic,
)
from aixplore.domain.holds.models import ModerationHold, is_held
from aixplore.domain.notifications.services import notify
from aixplore.domain.social.handles import resolve_handle
from aixplore.domain.social.people import person_cards
from aixplore.domain.social.timeline import register_audience, remove_group

CREATE_LIMIT = "5/day"
HELD = "group"  # the moderation kind whose hold hides a whole group
MODERATING = (GroupRole.OWNER, GroupRole.MODERATOR)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
# Called as (session, group id, user id, joined) in the unit of work where someone joins or
# leaves a group: the group's chat follows its members (``domain/messaging/group_chat``).
_member_hooks: list[Callable[[Session, int, int, bool], None]] = []


def on_member_change(hook: Callable[[Session, int, int, bool], None]) -> None:
    """Have ``hook`` called whenever someone joins or leaves a group."""
    if hook not in _member_hooks:
        _member_hooks.append(hook)


def _text(value: Any, label: str, low: int, high: int) -> str:
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise ValidationFailed(f"Enter {label} of {low} to {high} characters.")
    return value.strip()


def _slug_for(session: Session, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[: SLUG_MAX - 6] or "group"
    slug, n = base if len(base) >= 2 else f"group-{base}", 1
    while session.exec(select(CommunityGroup.id).where(CommunityGroup.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug


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


def _visible(session: Session, viewer: Actor | None, slug: Any) -> CommunityGroup:
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


def _public(session: Session, group: CommunityGroup, viewer: Actor | None) -> GroupPublic:
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
    return _public(session, _visible(session, viewer, slug), viewer)


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
    return [_public(session, g, viewer) for g in rows]


def member_group_ids(session: Session, user_id: int) -> list[int]:
    """The ids of the groups ``user_id`` belongs to."""
    return list(session.exec(select(GroupMember.group_id).where(GroupMember.user_id == user_id)))


def member_ids(session: Session, group_id: int) -> list[int]:
    """The user ids of a group's members."""
    return list(session.exec(select(GroupMember.user_id).where(GroupMember.group_id == group_id)))


def _add_member(session: Session, group: CommunityGroup, user_id: int, role: GroupRole) -> None:
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


def _remove_member(session: Session, group: CommunityGroup, user_id: int) -> bool:
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


def do_create_group(
    session: Session,
    actor: Actor | None,
    name: Any,
    description: Any,
    visibility: Any,
    kind: Any = "community",
) -> GroupPublic:
    """Create a group; its creator is its owner (at most ``CREATE_LIMIT`` per person)."""
    actor = require_actor(actor)
    clean = _text(name, "a group name", NAME_MIN, NAME_MAX)
    about = (
        "" if description in (None, "") else _text(description, "a description", 1, DESCRIPTION_MAX)
    )
    try:
        seen, sort = GroupVisibility(visibility), GroupKind(kind)
    except ValueError:
        raise ValidationFailed("Choose public, private or secret, and a group kind.") from None
    ratelimit.hit(
        CREATE_LIMIT, "group-create", str(actor.user_id), message="You made many groups today."
    )
    group = CommunityGroup(
        slug=_slug_for(session, clean),
        name=clean,
        description=about,
        visibility=seen,
        kind=sort,
        owner_id=actor.user_id,
    )
    session.add(group)
    session.flush()
    _add_member(session, group, actor.user_id, GroupRole.OWNER)
    return _public(session, group, actor)


def _tell_moderators(session: Session, group: CommunityGroup, title: str) -> None:
    for uid in session.exec(
        select(GroupMember.user_id).where(
            GroupMember.group_id == group.id, col(GroupMember.role).in_(MODERATING)
        )
    ):
        notify(session, uid, "group", title, link=f"/groups/{group.slug}")


def _banned(session: Session, group: CommunityGroup, user_id: int) -> bool:
    return session.get(GroupBan, (group.id, user_id)) is not None


def do_join(session: Session, actor: Actor | None, slug: Any, message: Any = "") -> GroupPublic:
    """Join a public group, ask to join a private one, or accept an invitation to any."""
    actor = require_actor(actor)
    group = _visible(session, actor, slug)
    gid = group.id or 0
    if role_of(session, gid, actor.user_id) is not None:
        return _public(session, group, actor)
    if _banned(session, group, actor.user_id):
        raise PermissionDenied("You are banned from this group.")
    invited = session.get(GroupInvitation, (gid, actor.user_id)) is not None
    if group.visibility == GroupVisibility.PUBLIC or invited:
        _add_member(session, group, actor.user_id, GroupRole.MEMBER)
    elif group.visibility == GroupVisibility.PRIVATE:
        note = "" if message in (None, "") else _text(message, "a message", 1, 300)
        if session.get(GroupJoinRequest, (gid, actor.user_id)) is None:
            session.add(GroupJoinRequest(group_id=gid, user_id=actor.user_id, message=note))
            session.flush()
            _tell_moderators(session, group, f"{actor.display_name} asks to join {group.name}")
    else:
        raise PermissionDenied("This group is joined by invitation only.")
    return _public(session, group, actor)


def do_answer_request(
    session: Session, actor: Actor | None, slug: Any, user_id: Any, approve: Any
) -> GroupPublic:
    """Approve or decline someone's request to join (this group's moderators only)."""
    actor = require_actor(actor)
    group = _visible(session, actor, slug)
    check_moderator(session, actor, group.id or 0)
    if not isinstance(approve, bool) or not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed("Say whose request, and whether to approve it.")
    request = session.get(GroupJoinRequest, (group.id, user_id))
    if request is None:
        raise NotFound("There is no such request.")
    session.delete(request)
    session.flush()
    if approve:
        _add_member(session, group, user_id, GroupRole.MEMBER)
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
    return _public(session, group, actor)


def do_invite(session: Session, actor: Actor | None, slug: Any, handle: Any) -> None:
    """Invite the person ``handle`` names (this group's moderators only); they are told."""
    actor = require_actor(actor)
    group = _visible(session, actor, slug)
    check_moderator(session, actor, group.id or 0)
    profile, _old = resolve_handle(session, handle)
    if role_of(session, group.id or 0, profile.user_id) is not None:
        raise Conflict(f"@{profile.handle} is already a member.")
    if _banned(session, group, profile.user_id):
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
    group = _visible(session, actor, slug)
    session.execute(
        delete(GroupInvitation).where(
            col(GroupInvitation.group_id) == group.id, col(GroupInvitation.user_id) == actor.user_id
        )
    )


def do_leave(session: Session, actor: Actor | None, slug: Any) -> GroupPublic:
    """Leave a group (its owner must hand it over first)."""
    actor = require_actor(actor)
    group = _visible(session, actor, slug)
    if role_of(session, group.id or 0, actor.user_id) == GroupRole.OWNER:
        raise Conflict("An owner cannot leave their group; make someone else owner first.")
    _remove_member(session, group, actor.user_id)
    return (
        get_group(session, actor, slug)
        if group.visibility != GroupVisibility.SECRET
        else _public(session, group, actor)
    )


def do_set_role(session: Session, actor: Actor | None, slug: Any, user_id: Any, role: Any) -> None:
    """Make a member a moderator or a plain member again (the owner, or an admin, only)."""
    actor = require_actor(actor)
    group = _visible(session, actor, slug)
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
    why = _text(reason, "a reason", 3, 300)
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
    _remove_member(session, group, user_id)
    for table in (GroupJoinRequest, GroupInvitation):
        session.execute(
            delete(table).where(col(table.group_id) == group.id, col(table.user_id) == user_id)
        )
    if not _banned(session, group, user_id):
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


def list_members(session: Session, viewer: Actor | None, slug: Any) -> list[MemberPublic]:
    """A group's members, owner and moderators first (readers of the group only)."""
    group = _visible(session, viewer, slug)
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
    group = _visible(session, actor, slug)
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
