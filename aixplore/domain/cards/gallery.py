"""A member's gallery: the cards on their walls, the featured wall, and who may see it.

A member's own view holds the cards of the solutions they publish, of the solutions they saved
(bookmarks) and of those in their collections. The shared view (``/gallery/<handle>``) holds
only what is public anyway: the solutions they publish and those in their public collections;
bookmarks and private collections never leave their owner. The featured wall is the platform's
pick, the same for everyone: the best-rated, most-reviewed published solutions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.cards.services import CardFace, card_for, list_gallery_cards
from aixplore.domain.cards.traders import TraderShowcase, gallery_traders
from aixplore.domain.discovery.models import Bookmark, Collection, CollectionItem
from aixplore.domain.social.handles import ensure_profile, resolve_handle
from aixplore.domain.social.people import check_can_view
from aixplore.domain.solutions.models import Solution, SolutionStatus

# The most cards a gallery hangs (the room grows with them; the benchmark draws 200).
GALLERY_MAX = 240
FEATURED_COUNT = 8


@dataclass(frozen=True)
class Gallery:
    """One member's gallery as a viewer may see it."""

    owner_id: int
    handle: str
    owner_name: str
    is_owner: bool
    cards: list[CardFace]
    featured: list[CardFace]
    # Hung first: the owner's own trader card and (own view) the leaders they copy.
    traders: list[TraderShowcase] = field(default_factory=list)

    @property
    def share_path(self) -> str:
        """The gallery's public address."""
        return f"/gallery/{self.handle}"


def card_dict(card: CardFace) -> dict[str, Any]:
    """A card as the 3D room's props want it (plain JSON)."""
    return {
        "id": card.id,
        "slug": card.slug,
        "name": card.name,
        "subtitle": card.subtitle,
        "rating": card.rating,
        "rating_text": f"{card.rating:.1f}",
        "reviews": card.review_count,
        "foil": card.foil.value,
        "rarity": card.rarity,
        "kind": "solution",
        "facts": f"★ {card.rating:.1f} · {card.review_count} reviews",
        "href": f"/solutions/{card.slug}",
        "card_href": f"/cards/{card.slug}",
    }


def _member_cards(
    session: Session, user_id: int, *, private_too: bool, limit: int = GALLERY_MAX
) -> list[CardFace]:
    """The published solutions on ``user_id``'s walls, rarest-looking first, at most GALLERY_MAX."""
    public_lists = select(CollectionItem.solution_id).join(
        Collection, col(Collection.id) == col(CollectionItem.collection_id)
    )
    mine: ColumnElement[bool] = col(Collection.owner_id) == user_id
    if not private_too:
        mine = mine & col(Collection.is_public).is_(True)
    sources = [
        col(Solution.owner_id) == user_id,
        col(Solution.id).in_(public_lists.where(mine)),
    ]
    if private_too:
        sources.append(
            col(Solution.id).in_(select(Bookmark.solution_id).where(Bookmark.user_id == user_id))
        )
    rows = session.exec(
        select(Solution)
        .where(Solution.status == SolutionStatus.PUBLISHED, or_(*sources))
        .order_by(
            col(Solution.rating_avg).desc(), col(Solution.rating_count).desc(), col(Solution.id)
        )
        .limit(limit)
    ).all()
    return [card_for(s) for s in rows]


def featured_cards(session: Session) -> list[CardFace]:
    """The featured wall: the platform's picks (best rated, most reviewed), the same for all."""
    return list_gallery_cards(session, limit=FEATURED_COUNT)


def get_gallery(session: Session, viewer: Actor | None, handle: Any = None) -> Gallery:
    """The gallery ``handle`` names (the viewer's own without one), as ``viewer`` may see it.

    Raises NotFound for an unknown, suspended or blocked-from owner (or no handle and no
    viewer) and PermissionDenied where the owner's profile privacy shuts the viewer out.
    """
    if handle is None or handle == "":
        if viewer is None:
            raise NotFound("Sign in to see your gallery.")
        profile = ensure_profile(session, viewer.user_id)
    else:
        profile, _old = resolve_handle(session, handle)
    owner = session.get(User, profile.user_id)
    is_owner = viewer is not None and viewer.user_id == profile.user_id
    if owner is None or (
        owner.suspended_at is not None
        and not (viewer and viewer.is_platform_admin)
        and not is_owner
    ):
        raise NotFound("No such gallery.")
    check_can_view(session, viewer, profile)
    traders = gallery_traders(session, profile.user_id, private_too=is_owner)
    return Gallery(
        owner_id=profile.user_id,
        handle=profile.handle,
        owner_name=owner.display_name,
        is_owner=is_owner,
        cards=_member_cards(
            session, profile.user_id, private_too=is_owner, limit=GALLERY_MAX - len(traders)
        ),
        featured=featured_cards(session),
        traders=traders,
    )
