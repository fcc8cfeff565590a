"""State of the card showroom, of a card's page and of a solution page's card."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from aixplore.core.db import read_scope
from aixplore.domain.cards.services import RARITY_NAMES, Foil
from aixplore.domain.cards.showroom import (
    SORT_LABELS,
    CardSort,
    ShowroomQuery,
    category_choices,
    published_card,
    showroom,
)
from aixplore.domain.cards.traders import showroom_traders, trader_count
from aixplore.web.wallet.state import flip_request

SHOWROOM = "/cards"
ALL = "all"  # the selects' "no filter" value (a Radix select item cannot be empty)
TRADERS = "traders"  # ?kind=traders: traders' cards instead of solutions'


def showroom_href(params: dict[str, str]) -> str:
    """The showroom URL for a set of canonical parameters."""
    return f"{SHOWROOM}?{urlencode(params)}" if params else SHOWROOM


class ShowroomState(rx.State):
    """/cards: one page of cards, the filters and the links the URL describes.

    The whole view lives in the URL: every filter is a link or a redirect to the next URL, and
    the page loads what its URL says, so a filtered view can be shared and reloaded.
    """

    cards: list[dict[str, Any]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    rarity: str = ALL
    category: str = ALL
    sort: str = CardSort.RARITY.value
    rarity_links: list[dict[str, Any]] = []
    categories: list[list[str]] = []
    prev_href: str = ""
    next_href: str = ""
    notes: list[str] = []
    error: str = ""
    loaded: bool = False
    # "traders" when the page shows traders' cards (their rarity from the verified record).
    kind: str = ""
    traders: list[dict[str, Any]] = []
    _query: dict[str, Any] = {}

    @rx.var
    def sort_options(self) -> list[list[str]]:
        """Sort choices as (value, label)."""
        return [[s.value, label] for s, label in SORT_LABELS.items()]

    @rx.event
    def load(self) -> None:
        """Read the page of cards the URL asks for (public data: no sign-in needed)."""
        params = dict(self.router.url.query_parameters)
        kind = params.pop("kind", "")
        query, notes = ShowroomQuery.from_params(params)
        if kind not in ("", TRADERS):
            notes.append("Unknown kind of card: showing solutions' cards.")
        self.kind = TRADERS if kind == TRADERS else ""
        with read_scope() as db:
            result = showroom(db, query)
            choices = category_choices(db)
            traders = trader_count(db)
            shown = showroom_traders(db, query.page) if self.kind else None
        query = result.query
        # The view without its page: what the filters change.
        self._query = query.to_params(page=1)
        self.cards = [card.as_dict() for card in result.cards]
        self.total, self.page, self.pages = result.total, result.page, result.pages
        self.rarity = query.rarity.value if query.rarity else ALL
        self.category = query.category or ALL
        self.sort = query.sort.value
        self.categories = [[ALL, "All categories"], *[[slug, name] for slug, name in choices]]
        self.rarity_links = [
            {
                "label": "All rarities",
                "count": sum(result.rarity_counts.values()),
                "href": showroom_href(query.to_params(rarity=None, page=1)),
                "current": query.rarity is None,
            },
            *[
                {
                    "label": RARITY_NAMES[foil],
                    "foil": foil.value,
                    "count": result.rarity_counts[foil],
                    "href": showroom_href(query.to_params(rarity=foil, page=1)),
                    "current": query.rarity == foil,
                }
                for foil in reversed(list(Foil))
            ],
            {
                "label": "Traders",
                "count": traders,
                "href": showroom_href({"kind": TRADERS}),
                "current": bool(self.kind),
            },
        ]
        if self.kind:
            self.rarity_links[0]["current"] = False
        self.prev_href = (
            showroom_href(query.to_params(page=query.page - 1)) if query.page > 1 else ""
        )
        self.next_href = (
            showroom_href(query.to_params(page=query.page + 1)) if query.page < result.pages else ""
        )
        self.notes = [*notes, *result.notes]
        self.traders = []
        if shown is not None:
            cards, self.total, self.page, self.pages = shown
            self.traders = [t.as_dict() for t in cards]
            self.cards = []
            here = {"kind": TRADERS}
            self.prev_href = (
                showroom_href({**here, "page": str(self.page - 1)}) if self.page > 1 else ""
            )
            self.next_href = (
                showroom_href({**here, "page": str(self.page + 1)})
                if self.page < self.pages
                else ""
            )
            self.notes = list(notes)
        self.error, self.loaded = "", True

    def _current(self) -> ShowroomQuery:
        return ShowroomQuery.from_params(self._query or {})[0]

    @rx.event
    def set_sort(self, value: Any):
        """Change the order, back to the first page; an unknown order is refused."""
        if not isinstance(value, str) or value not in CardSort._value2member_map_:
            self.error = "Choose one of the listed orders."
            return None
        return rx.redirect(showroom_href(self._current().to_params(sort=CardSort(value), page=1)))

    @rx.event
    def set_category(self, value: Any):
        """Show one category (or all), back to the first page; an unknown one is refused."""
        known = {slug for slug, _ in self.categories}
        if not isinstance(value, str) or value not in known:
            self.error = "Choose one of the listed categories."
            return None
        category = "" if value == ALL else value
        return rx.redirect(showroom_href(self._current().to_params(category=category, page=1)))


class CardPageState(rx.State):
    """/cards/<slug>: one published solution's card, large, tilting."""

    card: dict[str, Any] = {}
    found: bool = False
    loaded: bool = False

    @rx.event
    def load(self) -> None:
        """Read the card the URL names; an unknown or unpublished one shows "not found"."""
        slug = self.router.page.params.get("slug", "")
        with read_scope() as db:
            card = published_card(db, slug if isinstance(slug, str) else "")
        self.card = card.as_dict() if card else {}
        self.found, self.loaded = card is not None, True


class SolutionCardState(rx.State):
    """Which side of a solution page's card is up."""

    flipped: bool = False

    @rx.event
    def flip(self, payload: dict):
        """The card asks to show its other side."""
        wanted = flip_request(payload)
        if wanted is not None:
            self.flipped = wanted
