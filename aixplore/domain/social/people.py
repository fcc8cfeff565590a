"""People as lists show them, and who may see whose profile."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.events.reading import initials
from aixplore.domain.holds.models import is_held
from aixplore.domain.relations.services import connected, follows, has_blocked
from aixplore.domain.social.handles import ensure_profiles
from aixplore.domain.social.models import (
    SECTIONS,
    PersonCard,
    Profile,
    ProfileVisibility,
    SectionVisibility,
)

SECTION_NAMES = {
    "activity": "activity",
    "network": "followers and following",
    "connections": "connections",
}
SECTION_REFUSALS = {
    SectionVisibility.MEMBERS: "to signed-in members only",
    SectionVisibility.FOLLOWERS: "to their followers only",
    SectionVisibility.CONNECTIONS: "to their connections only",
    SectionVisibility.ONLY_ME: "to no one",
}


def avatar_url(profile: Profile) -> str:
    """The public URL of an uploaded avatar, or empty for the generated one."""
    return f"/media/{profile.avatar_path}" if profile.avatar_path else ""


def person_cards(session: Session, user_ids: Iterable[int]) -> dict[int, PersonCard]:
    """Cards for the users that exist among ``user_ids``: one statement reads profiles with
    names; anyone without a profile yet gets one made (``ensure_profiles``)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Profile, User.display_name)
        .join(User, col(User.id) == col(Profile.user_id))
        .where(col(Profile.user_id).in_(ids))
    ).all()
    found = {profile.user_id: (profile, name) for profile, name in rows}
    missing = [uid for uid in ids if uid not in found]
    if missing:
        made = ensure_profiles(session, missing)
        names = dict(
            session.exec(select(User.id, User.display_name).where(col(User.id).in_(made))).all()
        )
        found |= {uid: (profile, names.get(uid, "")) for uid, profile in made.items()}
    return {
        uid: PersonCard(
            id=uid,
            handle=profile.handle,
            name=name,
            initials=initials(name),
            avatar_url=avatar_url(profile),
        )
        for uid, (profile, name) in found.items()
    }


def check_can_view(session: Session, viewer: Actor | None, profile: Profile) -> None:
    """Refuse a viewer the profile's owner shut out (by block or by their privacy choice)."""
    if viewer is not None and (viewer.user_id == profile.user_id or viewer.is_platform_admin):
        return
    if viewer is not None and has_blocked(session, profile.user_id, viewer.user_id):
        raise NotFound("This profile is not available to you.")
    if is_held(session, "profile", profile.user_id):
        raise NotFound("This profile was hidden by the moderators.")
    if profile.visibility == ProfileVisibility.MEMBERS and viewer is None:
        raise PermissionDenied(
            "This profile is visible to signed-in members only. Sign in to see it."
        )
    if profile.visibility == ProfileVisibility.FOLLOWERS and (
        viewer is None or not follows(session, viewer.user_id, profile.user_id)
    ):
        raise PermissionDenied("This profile is visible to its followers only.")


def _section_open(
    session: Session, viewer: Actor | None, profile: Profile, level: SectionVisibility
) -> bool:
    if level == SectionVisibility.PUBLIC:
        return True
    if viewer is None:
        return False
    if viewer.user_id == profile.user_id or viewer.is_platform_admin:
        return True
    if level == SectionVisibility.MEMBERS:
        return True
    if level == SectionVisibility.FOLLOWERS:
        return follows(session, viewer.user_id, profile.user_id)
    if level == SectionVisibility.CONNECTIONS:
        return connected(session, viewer.user_id, profile.user_id)
    return False


def sections_open(session: Session, viewer: Actor | None, profile: Profile) -> dict[str, bool]:
    """Which of the profile's sections ``viewer`` may see (the profile itself already checked)."""
    return {
        name: _section_open(session, viewer, profile, getattr(profile, column))
        for name, column in SECTIONS.items()
    }


def check_can_view_section(
    session: Session, viewer: Actor | None, profile: Profile, section: str
) -> None:
    """Refuse a viewer the profile, or the one section of it, its owner shut them out of."""
    check_can_view(session, viewer, profile)
    level: SectionVisibility = getattr(profile, SECTIONS[section])
    if not _section_open(session, viewer, profile, level):
        raise PermissionDenied(
            f"@{profile.handle} shows their {SECTION_NAMES[section]} {SECTION_REFUSALS[level]}."
        )
