"""People as lists show them, and who may see whose profile."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.events.reading import initials
from aixplore.domain.relations.services import follows, has_blocked
from aixplore.domain.social.handles import ensure_profiles
from aixplore.domain.social.models import PersonCard, Profile, ProfileVisibility


def avatar_url(profile: Profile) -> str:
    """The public URL of an uploaded avatar, or empty for the generated one."""
    return f"/media/{profile.avatar_path}" if profile.avatar_path else ""


def person_cards(session: Session, user_ids: Iterable[int]) -> dict[int, PersonCard]:
    """Cards for the users that exist among ``user_ids``, in one pass."""
    ids = sorted(set(user_ids))
    profiles = ensure_profiles(session, ids)
    names = dict(
        session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    )
    cards = {}
    for uid, profile in profiles.items():
        name = names.get(uid, "")
        cards[uid] = PersonCard(
            id=uid,
            handle=profile.handle,
            name=name,
            initials=initials(name),
            avatar_url=avatar_url(profile),
        )
    return cards


def check_can_view(session: Session, viewer: Actor | None, profile: Profile) -> None:
    """Refuse a viewer the profile's owner shut out (by block or by their privacy choice)."""
    if viewer is not None and (viewer.user_id == profile.user_id or viewer.is_platform_admin):
        return
    if viewer is not None and has_blocked(session, profile.user_id, viewer.user_id):
        raise NotFound("This profile is not available to you.")
    if profile.visibility == ProfileVisibility.MEMBERS and viewer is None:
        raise PermissionDenied(
            "This profile is visible to signed-in members only. Sign in to see it."
        )
    if profile.visibility == ProfileVisibility.FOLLOWERS and (
        viewer is None or not follows(session, viewer.user_id, profile.user_id)
    ):
        raise PermissionDenied("This profile is visible to its followers only.")
