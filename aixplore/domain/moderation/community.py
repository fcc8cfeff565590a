"""Forum posts and groups as reportable kinds, and groups' moderators in the moderation inbox.

A post in a group's category belongs to that group: the group's owner and moderators see its
reports and act on it (hide, restore, delete, ban its author from the group), and nobody
else but platform admins. Someone who may not read a post (a private group's, say) cannot
report it either: to them it does not exist.
"""

from __future__ import annotations

from sqlmodel import Session

from aixplore.core.errors import Conflict, DomainError
from aixplore.domain.accounts.models import Actor
from aixplore.domain.forums.actions import erase, set_hidden
from aixplore.domain.forums.models import ForumCategory, ForumPost, ForumThread
from aixplore.domain.forums.posting import post_for
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup, GroupRole, GroupVisibility
from aixplore.domain.moderation.registry import (
    Target,
    TargetKind,
    register,
    register_any_group_moderator,
    register_group_moderators,
)

SNIPPET_MAX = 600
HIDDEN_NOTE = "Hidden by the moderators pending review."
DELETED_NOTE = "Removed by the moderators."
BANNED_NOTE = "Banned by the group's moderators after a report."


def _rows(session: Session, post_id: int) -> tuple[ForumPost, ForumThread, ForumCategory] | None:
    post = session.get(ForumPost, post_id)
    thread = session.get(ForumThread, post.thread_id) if post else None
    category = session.get(ForumCategory, thread.category_id) if thread else None
    if post is None or thread is None or category is None:
        return None
    return post, thread, category


def _public_subject(session: Session, thread: ForumThread, category: ForumCategory) -> str:
    """What the public log says: a members-only group's names stay out of it."""
    if category.group_id is None:
        return f"A post in “{thread.title}”"
    group = groups.group_by_id(session, category.group_id)
    if group.visibility == GroupVisibility.PUBLIC:
        return f"A post in the group {group.name}"
    return "A post in a members-only group"


def _post(session: Session, post_id: int) -> Target | None:
    rows = _rows(session, post_id)
    if rows is None:
        return None
    post, thread, category = rows
    body = post.body_md or "(deleted)"
    return Target(
        owner_id=post.author_id,
        title=f"Post #{post.number} in “{thread.title}”",
        snippet=body if len(body) <= SNIPPET_MAX else body[: SNIPPET_MAX - 1] + "…",
        link=f"/forums/t/{thread.id}#post-{post.number}",
        public_subject=_public_subject(session, thread, category),
        group_id=category.group_id,
    )


def _set_hidden(session: Session, post_id: int, hidden: bool) -> str:
    rows = _rows(session, post_id)
    assert rows is not None
    set_hidden(session, rows[0], HIDDEN_NOTE if hidden else None)
    return ""


def _delete(session: Session, post_id: int) -> None:
    rows = _rows(session, post_id)
    assert rows is not None
    erase(session, rows[0], rows[1], DELETED_NOTE)


def _ban(session: Session, group_id: int, user_id: int) -> None:
    """Ban a post's author from the post's group (not its owner or moderators)."""
    group = groups.group_by_id(session, group_id)
    if user_id == group.owner_id or groups.role_of(session, group_id, user_id) in (
        GroupRole.OWNER,
        GroupRole.MODERATOR,
    ):
        raise Conflict(
            "The author runs this group: its owner removes moderators on the group's page."
        )
    groups.ban_member(session, group, user_id, None, BANNED_NOTE)


def _may_see(session: Session, actor: Actor, post_id: int) -> bool:
    try:
        post_for(session, actor, post_id)
    except DomainError:
        return False
    return True


def moderates(session: Session, user_id: int, group_id: int) -> bool:
    """Whether the user is the group's owner or one of its moderators."""
    return groups.role_of(session, group_id, user_id) in groups.MODERATING


def moderates_some(session: Session, user_id: int) -> bool:
    """Whether the user owns or moderates any group."""
    return groups.moderates_any(session, user_id)


def _group(session: Session, group_id: int) -> Target | None:
    group = session.get(CommunityGroup, group_id)
    if group is None:
        return None
    about = group.description or "(no description)"
    return Target(
        owner_id=group.owner_id,
        title=f"The group {group.name} (/groups/{group.slug})",
        snippet=about if len(about) <= SNIPPET_MAX else about[: SNIPPET_MAX - 1] + "…",
        link=f"/groups/{group.slug}",
        public_subject="A secret group"
        if group.visibility == GroupVisibility.SECRET
        else f"The group {group.name}",
        group_id=None,  # the platform's moderators decide: the group's own are the subject
    )


def _may_see_group(session: Session, actor: Actor, group_id: int) -> bool:
    group = session.get(CommunityGroup, group_id)
    try:
        groups.get_group(session, actor, group.slug if group else "")
    except DomainError:
        return False
    return True


FORUM_POST = TargetKind(
    name="forum_post",
    label="post",
    resolve=_post,
    hide=lambda s, i: _set_hidden(s, i, True),
    restore=lambda s, i, _prev: _set_hidden(s, i, False),
    delete=_delete,
    ban_from_group=_ban,
    may_see=_may_see,
)


GROUP = TargetKind(
    name=groups.HELD,
    label="group",
    resolve=_group,
    # The hold itself hides it (``groups.services`` reads it): no state of its own to keep.
    hide=lambda s, i: "",
    restore=lambda s, i, _prev: None,
    # Deleted: hidden for good, its members and threads kept for the record.
    delete=lambda s, i: None,
    may_see=_may_see_group,
)


def register_kinds() -> None:
    """Register forum posts, groups and groups' moderators (idempotent)."""
    register(FORUM_POST)
    register(GROUP)
    register_group_moderators(moderates)
    register_any_group_moderator(moderates_some)


register_kinds()
