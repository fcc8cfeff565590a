"""State of /gallery (the member's own room) and /gallery/<handle> (a shared one)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope
from aixplore.core.errors import DomainError
from aixplore.domain.cards.gallery import card_dict, get_gallery
from aixplore.web.session import acting


def open_request(payload: Any, known: set[int]) -> int | None:
    """The card id a room's open event asks for (0 closes), or None if malformed or unknown."""
    if not isinstance(payload, dict):
        return None
    wanted = payload.get("id")
    if isinstance(wanted, bool) or not isinstance(wanted, int):
        return None
    return wanted if wanted == 0 or wanted in known else None


class GalleryState(rx.State):
    """The cards on a gallery's walls, its featured wall and the card brought close."""

    cards: list[dict[str, Any]] = []
    featured: list[dict[str, Any]] = []
    handle: str = ""
    owner_name: str = ""
    is_owner: bool = False
    share_path: str = ""
    open_id: int = 0
    error: str = ""
    loaded: bool = False

    @rx.var
    def label(self) -> str:
        """The room's text equivalent."""
        whose = "Your" if self.is_owner else f"{self.owner_name}'s"
        return (
            f"{whose} card gallery: {len(self.cards)} cards on the walls, "
            f"{len(self.featured)} on the featured wall"
        )

    @rx.var
    def bare(self) -> bool:
        """Loaded, and no card on the walls."""
        return self.loaded and not self.error and not self.cards

    @rx.var
    def open_card(self) -> dict[str, Any]:
        """The card brought close ({} when none)."""
        for card in [*self.featured, *self.cards]:
            if card["id"] == self.open_id:
                return card
        return {}

    @rx.event
    async def load(self) -> None:
        """Read the gallery the URL names (the viewer's own on /gallery) as the viewer may."""
        handle = self.router.page.params.get("handle") or None
        self.open_id, self.loaded = 0, False
        async with acting(self) as actor:
            try:
                with read_scope() as db:
                    gallery = get_gallery(db, actor, handle)
            except DomainError as error:
                self.cards, self.featured, self.handle, self.owner_name = [], [], "", ""
                self.is_owner, self.share_path = False, ""
                self.error, self.loaded = str(error), True
                return
        # Trader cards first: they hang by the entrance; cases hold the rarest solution cards.
        self.cards = [t.room_dict() for t in gallery.traders] + [
            card_dict(c) for c in gallery.cards
        ]
        self.featured = [card_dict(c) for c in gallery.featured]
        self.handle, self.owner_name = gallery.handle, gallery.owner_name
        self.is_owner, self.share_path = gallery.is_owner, gallery.share_path
        self.error, self.loaded = "", True

    @rx.event
    def open(self, payload: dict) -> None:
        """Bring a card of this gallery close (``{"id": <card id>}``; 0 puts it back)."""
        ids = {c["id"] for c in [*self.cards, *self.featured]}
        wanted = open_request(payload, ids)
        if wanted is not None:
            self.open_id = wanted
