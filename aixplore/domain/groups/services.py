"""Groups: create, see, join (at once, by request or by invitation), roles, leave and ban.

The services of this package in one place: reading and permissions live in ``access``,
joining, roles and bans in ``membership``; creating a group here.

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
from typing import Any

from sqlmodel import Session, select

from aixplore.core import ratelimit
from aixplore.core.errors import ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.groups.access import (
    HELD,
    MODERATING,
    can_read,
    check_moderator,
    get_group,
    group_by_id,
    is_moderator,
    list_groups,
    list_members,
    list_requests,
    member_group_ids,
    member_ids,
    moderates_any,
    public_view,
    role_of,
)
from aixplore.domain.groups.membership import (
    add_member,
    ban_from_group,
    ban_member,
    checked_text,
    do_answer_request,
    do_decline_invitation,
    do_invite,
    do_join,
    do_leave,
    do_set_role,
    lift_ban,
    on_member_change,
)
from aixplore.domain.groups.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NAME_MIN,
    SLUG_MAX,
    CommunityGroup,
    GroupKind,
    GroupPublic,
    GroupRole,
    GroupVisibility,
)

CREATE_LIMIT = "5/day"


def _slug_for(session: Session, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[: SLUG_MAX - 6] or "group"
    slug, n = base if len(base) >= 2 else f"group-{base}", 1
    while session.exec(select(CommunityGroup.id).where(CommunityGroup.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug


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
    clean = checked_text(name, "a group name", NAME_MIN, NAME_MAX)
    about = (
        ""
        if description in (None, "")
        else checked_text(description, "a description", 1, DESCRIPTION_MAX)
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
    add_member(session, group, actor.user_id, GroupRole.OWNER)
    return public_view(session, group, actor)


__all__ = [
    "CREATE_LIMIT",
    "HELD",
    "MODERATING",
    "ban_from_group",
    "ban_member",
    "can_read",
    "check_moderator",
    "do_answer_request",
    "do_create_group",
    "do_decline_invitation",
    "do_invite",
    "do_join",
    "do_leave",
    "do_set_role",
    "get_group",
    "group_by_id",
    "is_moderator",
    "lift_ban",
    "list_groups",
    "list_members",
    "list_requests",
    "member_group_ids",
    "member_ids",
    "moderates_any",
    "on_member_change",
    "role_of",
]
