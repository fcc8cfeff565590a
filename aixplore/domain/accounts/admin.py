"""Platform administration: the user list, roles, suspension, and operator-made accounts.

Every function takes the acting user and refuses anyone but a platform admin (the CLI's
account creation has no actor: it runs with shell access to the server).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.security import hash_password
from aixplore.core.time import utcnow
from aixplore.domain.accounts.forms import parse_input
from aixplore.domain.accounts.models import Actor, PlatformRole, SignUpInput, User, UserPublic
from aixplore.domain.accounts.sessions import revoke_all
from aixplore.domain.accounts.users import (
    get_user,
    get_user_by_email,
    normalize_email,
    require_platform_admin,
    security_event,
)
from aixplore.domain.audit_log.services import record as audit

ADMIN_PAGE_SIZE = 25


def list_users(
    session: Session, actor: Actor | None, *, query: Any = "", page: Any = 1
) -> tuple[list[UserPublic], int]:
    """Users matching ``query`` (email or name), a page at a time; platform admins only."""
    require_platform_admin(actor, "list_users")
    if not isinstance(query, str) or len(query) > 100:
        raise ValidationFailed("Search for at most 100 characters.")
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= 100_000:
        raise ValidationFailed("Invalid page.")
    stmt = select(User)
    count_stmt = select(func.count()).select_from(User)
    if query.strip():
        like = f"%{query.strip().lower()}%"
        cond = or_(col(User.email).like(like), func.lower(col(User.display_name)).like(like))
        stmt = stmt.where(cond)
        count_stmt = count_stmt.where(cond)
    total = int(session.exec(count_stmt).one())
    rows = session.exec(
        stmt.order_by(col(User.id)).offset((page - 1) * ADMIN_PAGE_SIZE).limit(ADMIN_PAGE_SIZE)
    ).all()
    return [UserPublic.of(u) for u in rows], total


def do_change_role(session: Session, actor: Actor | None, user_id: Any, role: Any) -> UserPublic:
    """Set a user's platform role; admins cannot demote themselves (no lock-out)."""
    actor = require_platform_admin(actor, "change_role")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed("Unknown user.")
    try:
        new_role = PlatformRole(role)
    except ValueError as exc:
        raise ValidationFailed("Unknown role.") from exc
    if user_id == actor.user_id and new_role != PlatformRole.PLATFORM_ADMIN:
        raise Conflict("You cannot remove your own admin role.")
    user = get_user(session, user_id)
    old_role = user.role
    user.role = new_role
    session.add(user)
    security_event("role_changed", user_id=user_id, role=new_role.value, by=actor.user_id)
    audit(
        session,
        actor.user_id,
        "admin.role_changed",
        target=f"user:{user_id}",
        detail={"from": old_role.value, "to": new_role.value},
    )
    return UserPublic.of(user)


def do_set_suspended(
    session: Session, actor: Actor | None, user_id: Any, suspended: Any
) -> UserPublic:
    """Suspend (ending every session at once) or reinstate a user."""
    actor = require_platform_admin(actor, "set_suspended")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(suspended, bool):
        raise ValidationFailed("Invalid request.")
    if user_id == actor.user_id:
        raise Conflict("You cannot suspend yourself.")
    user = get_user(session, user_id)
    if suspended:
        user.suspended_at = user.suspended_at or utcnow()
        revoke_all(session, user_id)
    else:
        user.suspended_at = None
    session.add(user)
    security_event("suspension_changed", user_id=user_id, suspended=suspended, by=actor.user_id)
    audit(
        session,
        actor.user_id,
        "admin.user_suspended" if suspended else "admin.user_reinstated",
        target=f"user:{user_id}",
    )
    return UserPublic.of(user)


def do_create_admin(
    session: Session, *, email: str, password: str, display_name: str
) -> UserPublic:
    """Create a verified platform admin, or promote an existing account (the CLI's path)."""
    form: SignUpInput = parse_input(
        SignUpInput, {"email": email, "display_name": display_name, "password": password}
    )
    user = get_user_by_email(session, str(form.email))
    if user is None:
        user = User(email=normalize_email(str(form.email)), display_name=form.display_name)
    user.password_hash = hash_password(form.password)
    user.password_changed_at = utcnow()
    user.role = PlatformRole.PLATFORM_ADMIN
    user.email_verified_at = user.email_verified_at or utcnow()
    user.suspended_at = None
    session.add(user)
    session.flush()
    return UserPublic.of(user)


def do_create_verified_member(
    session: Session, *, email: str, password: str, display_name: str
) -> UserPublic:
    """Create a verified member unless the email exists (demo data and tests)."""
    existing = get_user_by_email(session, email)
    if existing is not None:
        return UserPublic.of(existing)
    form: SignUpInput = parse_input(
        SignUpInput, {"email": email, "display_name": display_name, "password": password}
    )
    user = User(
        email=normalize_email(str(form.email)),
        display_name=form.display_name,
        password_hash=hash_password(form.password),
        email_verified_at=utcnow(),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return UserPublic.of(user)
