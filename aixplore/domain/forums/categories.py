"""Forum categories (admin-managed, or a group's own) and who may read, post and moderate.

Platform admins create, rename, reorder and archive platform categories (``/admin/forums``);
an archived category leaves the list and takes no posts, and its threads stay readable.

A category without a group is open to everyone to read and to signed-in people to post in.
A group's category follows its group: readable by whoever may read the group (a secret
group's is NotFound to others), postable by members only, moderated by the group's owner and
moderators; platform admins moderate everything.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.forums.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    SLUG_MAX,
    CategoryAdmin,
    CategoryPublic,
    ForumCategory,
)
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup, GroupVisibility

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Addresses under /forums that are not categories; "g-" starts groups' own categories.
RESERVED = frozenset({"t", "discuss", "search", "new"})


def public(category: ForumCategory) -> CategoryPublic:
    """The shape pages and the API show."""
    return CategoryPublic(
        id=category.id or 0,
        name=category.name,
        slug=category.slug,
        description=category.description,
        color=category.color,
        group_id=category.group_id,
        thread_count=category.thread_count,
    )


def check_can_read(session: Session, viewer: Actor | None, category: ForumCategory) -> None:
    """Refuse a reader the category's group keeps out (a secret group's: NotFound)."""
    if category.group_id is None:
        return
    group = groups.group_by_id(session, category.group_id)
    if groups.can_read(session, group, viewer):
        return
    if group.visibility == GroupVisibility.SECRET:
        raise NotFound("No such thread or category.")
    raise PermissionDenied(f"Only members of {group.name} may read its threads. Join it first.")


def check_can_post(session: Session, actor: Actor, category: ForumCategory) -> None:
    """Refuse posting where the actor may not: a group's category needs membership."""
    check_can_read(session, actor, category)
    if category.archived_at is not None:
        raise Conflict("This category is archived: it takes no new threads or replies.")
    if category.group_id is not None and not (
        actor.is_platform_admin or groups.role_of(session, category.group_id, actor.user_id)
    ):
        raise PermissionDenied("Only members of this group may post here. Join it first.")


def can_moderate(session: Session, actor: Actor | None, category: ForumCategory) -> bool:
    """Whether the actor moderates this category (admins; a group's own moderators)."""
    if actor is None:
        return False
    if actor.is_platform_admin:
        return True
    return category.group_id is not None and groups.is_moderator(session, category.group_id, actor)


def check_moderator(session: Session, actor: Actor, category: ForumCategory) -> None:
    """Refuse anyone who does not moderate this category."""
    if not can_moderate(session, actor, category):
        raise PermissionDenied("Only this forum's moderators may do that.")


def category_by_slug(session: Session, viewer: Actor | None, slug: Any) -> ForumCategory:
    """The category ``slug`` names, if the viewer may read it."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise NotFound("No such category.")
    category = session.exec(select(ForumCategory).where(ForumCategory.slug == slug)).first()
    if category is None:
        raise NotFound("No such category.")
    check_can_read(session, viewer, category)
    return category


def list_categories(session: Session) -> list[CategoryPublic]:
    """The platform's categories (groups' categories show on their group pages)."""
    return [public(c) for c in _platform(session) if c.archived_at is None]


def _platform(session: Session) -> list[ForumCategory]:
    """Every platform category (archived ones too) in the order readers see them."""
    return list(
        session.exec(
            select(ForumCategory)
            .where(col(ForumCategory.group_id).is_(None))
            .order_by(col(ForumCategory.position), col(ForumCategory.name), col(ForumCategory.id))
        ).all()
    )


def _check_admin(actor: Actor | None) -> Actor:
    actor = require_actor(actor)
    if not actor.is_platform_admin:
        raise PermissionDenied("Only platform admins manage forum categories.")
    return actor


def _admin_row(category: ForumCategory) -> CategoryAdmin:
    return CategoryAdmin(**public(category).model_dump(), archived=category.archived_at is not None)


def _platform_category(session: Session, category_id: Any) -> ForumCategory:
    valid = isinstance(category_id, int) and not isinstance(category_id, bool)
    category = session.get(ForumCategory, category_id) if valid else None
    if category is None or category.group_id is not None:
        raise NotFound("No such category.")
    return category


def list_for_admin(session: Session, actor: Actor | None) -> list[CategoryAdmin]:
    """Every platform category, archived ones too, in order (platform admins only)."""
    _check_admin(actor)
    return [_admin_row(c) for c in _platform(session)]


def do_move_category(
    session: Session, actor: Actor | None, category_id: Any, direction: Any
) -> list[CategoryAdmin]:
    """Move a platform category one place up or down the list (platform admins only)."""
    _check_admin(actor)
    if direction not in ("up", "down"):
        raise ValidationFailed("Move a category up or down.")
    moved = _platform_category(session, category_id)
    rows = _platform(session)
    at = next(i for i, c in enumerate(rows) if c.id == moved.id)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
    for position, category in enumerate(rows):  # renumbered: ties from older rows go away
        category.position = position
        session.add(category)
    session.flush()
    return [_admin_row(c) for c in rows]


def do_set_archived(
    session: Session, actor: Actor | None, category_id: Any, archived: Any
) -> CategoryAdmin:
    """Archive a platform category (read-only, off the list) or bring it back (admins only)."""
    _check_admin(actor)
    if not isinstance(archived, bool):
        raise ValidationFailed("Say whether to archive the category.")
    category = _platform_category(session, category_id)
    if (category.archived_at is not None) != archived:
        category.archived_at = utcnow() if archived else None
        session.add(category)
        session.flush()
    return _admin_row(category)


def _fields(name: Any, description: Any, color: Any) -> tuple[str, str, str]:
    if not isinstance(name, str) or not 2 <= len(name.strip()) <= NAME_MAX:
        raise ValidationFailed(f"Use 2 to {NAME_MAX} characters for the name.", field="name")
    if not isinstance(description, str) or len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            f"Use at most {DESCRIPTION_MAX} characters for the description.", field="description"
        )
    if not isinstance(color, str) or not _COLOR.match(color):
        raise ValidationFailed("Give the color as #rrggbb.", field="color")
    return " ".join(name.split()), description.strip(), color.lower()


def do_create_category(
    session: Session, actor: Actor | None, name: Any, slug: Any, description: Any, color: Any
) -> CategoryPublic:
    """Add a platform category (platform admins only)."""
    _check_admin(actor)
    clean, about, shade = _fields(name, description, color)
    if not isinstance(slug, str) or not _SLUG.match(slug) or len(slug) > SLUG_MAX:
        raise ValidationFailed("Use lower-case letters, digits and dashes for the slug.")
    if slug in RESERVED or slug.startswith("g-"):
        raise ValidationFailed("That slug is reserved; choose another.")
    if session.exec(select(ForumCategory.id).where(ForumCategory.slug == slug)).first():
        raise Conflict("That slug is taken.")
    last = session.exec(
        select(func.max(ForumCategory.position)).where(col(ForumCategory.group_id).is_(None))
    ).one()
    category = ForumCategory(
        name=clean, slug=slug, description=about, color=shade, position=(last or 0) + 1
    )
    session.add(category)
    session.flush()
    return public(category)


def do_update_category(
    session: Session, actor: Actor | None, category_id: Any, name: Any, description: Any, color: Any
) -> CategoryPublic:
    """Rename, describe or recolor a platform category (platform admins only)."""
    _check_admin(actor)
    category = _platform_category(session, category_id)
    category.name, category.description, category.color = _fields(name, description, color)
    session.add(category)
    session.flush()
    return public(category)


def group_category(session: Session, group: CommunityGroup) -> ForumCategory:
    """The group's own category (made on first need, named after the group)."""
    found = session.exec(select(ForumCategory).where(ForumCategory.group_id == group.id)).first()
    if found is not None:
        return found
    category = ForumCategory(
        name=group.name[:NAME_MAX],
        slug=f"g-{group.slug}"[:SLUG_MAX],
        description=f"Threads of the group {group.name}."[:DESCRIPTION_MAX],
        group_id=group.id,
    )
    session.add(category)
    session.flush()
    return category
