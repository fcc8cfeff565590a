"""State of the card gallery and of a solution page's card."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope
from aixplore.domain.cards import services as cards
from aixplore.web.wallet.state import flip_request


class GalleryState(rx.State):
    """/cards: the published solutions' cards."""

    cards: list[dict[str, Any]] = []
    selected_id: int = 0
    counts: dict[str, int] = {}

    @rx.var
    def selected(self) -> dict[str, Any]:
        """The picked card's details ({} when none)."""
        for card in self.cards:
            if card["id"] == self.selected_id:
                return card
        return {}

    @rx.var
    def label(self) -> str:
        """The gallery's text equivalent."""
        parts = [f"{n} {name.lower()}" for name, n in self.counts.items() if n]
        return f"Gallery of {len(self.cards)} trading cards: " + ", ".join(parts)

    @rx.event
    def load(self):
        """Read the cards (public data: no sign-in needed)."""
        with read_scope() as db:
            faces = cards.list_gallery_cards(db)
        self.cards = [
            {
                "id": f.id,
                "name": f.name,
                "foil": f.foil.value,
                "slug": f.slug,
                "rating": f.rating,
                "reviews": f.review_count,
                "rarity": f.rarity,
            }
            for f in faces
        ]
        self.counts = {
            name: sum(1 for f in faces if f.foil == foil)
            for foil, name in cards.RARITY_NAMES.items()
        }
        if self.selected_id and not self.selected:
            self.selected_id = 0

    @rx.event
    def select(self, payload: dict):
        """The gallery reports a picked card (``{"id": int}``); unknown ids are ignored."""
        card_id = payload.get("id") if isinstance(payload, dict) else None
        known = any(c["id"] == card_id for c in self.cards)
        if isinstance(card_id, int) and not isinstance(card_id, bool) and known:
            self.selected_id = card_id


class SolutionCardState(rx.State):
    """Which side of a solution page's card is up."""

    flipped: bool = False

    @rx.event
    def flip(self, payload: dict):
        """The card asks to show its other side."""
        wanted = flip_request(payload)
        if wanted is not None:
            self.flipped = wanted
