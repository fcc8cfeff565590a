"""Handles: the name in a profile's address (/u/<handle>), unique regardless of case.

Every user has one. The migration gives existing users theirs; users made later get one the
first time anything needs it (:func:`ensure_profiles`), so no sign-up path has to remember.
A handle is derived the same way both times: the display name in lower case with every run
of other characters turned into one underscore; when that is taken, ``<base>_<id>``; when that
is taken too, ``user<id>``, a form nobody may choose, so it is always free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from aixplore.domain.social.models import HANDLE_MAX, HandleRedirect, Profile

HANDLE_MIN = 3
_SHAPE = re.compile(r"^[A-Za-z0-9_]+$")
_GENERATED = re.compile(r"^user[0-9]+$")
# Words that read as the site speaking, or that other pages may want under /u/ one day.
RESERVED = frozenset(
    {
        "admin",
        "administrator",
        "aixplore",
        "api",
        "feed",
        "help",
        "me",
        "moderator",
        "root",
        "settings",
        "staff",
        "support",
        "system",
    }
)


def handle_key(handle: str) -> str:
    """The case-free form that uniqueness and look-ups use."""
    return handle.lower()


def check_handle(value: Any) -> str:
    """Return ``value`` as a handle a person may choose, or refuse with the rule broken."""
    if not isinstance(value, str):
        raise ValidationFailed("Enter a handle.", field="handle")
    value = value.strip().removeprefix("@")
    if not HANDLE_MIN <= len(value) <= HANDLE_MAX:
        raise ValidationFailed(
            f"A handle has {HANDLE_MIN} to {HANDLE_MAX} characters.", field="handle"
        )
    if not _SHAPE.match(value):
        raise ValidationFailed(
            "A handle may hold only letters a-z, digits and underscores.", field="handle"
        )
    key = handle_key(value)
    if key in RESERVED or _GENERATED.match(key) or key.strip("_0123456789") == "":
        raise ValidationFailed("That handle is reserved; choose another.", field="handle")
    return value


def derive_base(display_name: str) -> str:
    """The handle a display name suggests (before any clash is resolved)."""
    base = re.sub(r"[^a-z0-9]+", "_", display_name.lower()).strip("_")[:20].strip("_")
    if len(base) < HANDLE_MIN or base in RESERVED or _GENERATED.match(base):
        return "user"
    return base


def _taken(session: Session, key: str) -> bool:
    in_use = session.exec(select(Profile.user_id).where(Profile.handle_key == key)).first()
    kept = session.get(HandleRedirect, key)
    return in_use is not None or kept is not None


def derive_handle(session: Session, user_id: int, display_name: str) -> str:
    """A free handle for a user, derived from their name (see the module docstring)."""
    base = derive_base(display_name)
    for candidate in (base, f"{base}_{user_id}"):
        if base != "user" and not _taken(session, handle_key(candidate)):
            return candidate
    return f"user{user_id}"


def ensure_profiles(session: Session, user_ids: Iterable[int]) -> dict[int, Profile]:
    """The profiles of ``user_ids`` (those that exist), making any that are missing."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    found = {
        p.user_id: p
        for p in session.exec(select(Profile).where(col(Profile.user_id).in_(wanted))).all()
    }
    missing = [uid for uid in wanted if uid not in found]
    if missing:
        users = session.exec(select(User).where(col(User.id).in_(missing))).all()
        for user in users:
            assert user.id is not None
            found[user.id] = _make_profile(session, user)
    return found


def _make_profile(session: Session, user: User) -> Profile:
    assert user.id is not None
    for handle in (derive_handle(session, user.id, user.display_name), f"user{user.id}"):
        profile = Profile(user_id=user.id, handle=handle, handle_key=handle_key(handle))
        try:
            with session.begin_nested():
                session.add(profile)
            return profile
        except IntegrityError:
            # Another request made this user's profile, or took the derived handle, meanwhile.
            made = session.get(Profile, user.id, populate_existing=True)
            if made is not None:
                return made
    raise Conflict("Your profile could not be set up. Please try again.")


def ensure_profile(session: Session, user_id: int) -> Profile:
    """One user's profile (made on first need); NotFound for a user that does not exist."""
    profile = ensure_profiles(session, [user_id]).get(user_id)
    if profile is None:
        raise NotFound("No such person.")
    return profile


def resolve_handle(session: Session, value: Any) -> tuple[Profile, bool]:
    """The profile a handle names, and whether it is an old handle (the caller redirects)."""
    if not isinstance(value, str) or not 1 <= len(value) <= HANDLE_MAX + 1:
        raise NotFound("No such person.")
    key = handle_key(value.removeprefix("@"))
    profile = session.exec(select(Profile).where(Profile.handle_key == key)).first()
    if profile is not None:
        return profile, False
    kept = session.get(HandleRedirect, key)
    if kept is not None:
        profile = session.get(Profile, kept.user_id)
        if profile is not None:
            return profile, True
    # A user made before their profile was: only their generated handle can name them yet.
    if _GENERATED.match(key):
        user = session.get(User, int(key.removeprefix("user")))
        if user is not None and user.id is not None:
            made = ensure_profile(session, user.id)
            return made, made.handle_key != key
    raise NotFound("No such person.")


def change_handle(session: Session, profile: Profile, wanted: str) -> None:
    """Give ``profile`` the checked handle ``wanted``; the old one redirects to it."""
    old_key, new_key = profile.handle_key, handle_key(wanted)
    if new_key == old_key:
        profile.handle = wanted  # only the case changed
        return
    own_old = session.get(HandleRedirect, new_key)
    if own_old is not None and own_old.user_id == profile.user_id:
        session.delete(own_old)  # taking back one of one's own earlier handles
    elif _taken(session, new_key):
        raise Conflict("That handle is taken; choose another.", field="handle")
    session.add(HandleRedirect(handle_key=old_key, user_id=profile.user_id, created_at=utcnow()))
    profile.handle, profile.handle_key = wanted, new_key
    try:
        with session.begin_nested():
            session.add(profile)
    except IntegrityError as exc:
        raise Conflict("That handle is taken; choose another.", field="handle") from exc
