"""The catalog page: the whole search lives in the URL, so it is bookmarkable and the back
button works. Every filter is a link to the next URL; the page loads what its URL says."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.core.replica import catalog_read
from aixplore.domain.discovery import services as discovery
from aixplore.domain.solutions.models import Pricing
from aixplore.domain.solutions.search import SORT_LABELS, SearchQuery, SortBy, search
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor
from aixplore.web.tracking import track

CATALOG = "/solutions"


def catalog_href(params: dict[str, str]) -> str:
    """The catalog URL for a set of canonical parameters."""
    return f"{CATALOG}?{urlencode(params)}" if params else CATALOG


def _toggle(values: list[Any], value: Any) -> list[Any]:
    return [v for v in values if v != value] if value in values else [*values, value]


def _partial_note(q: str, exact: int) -> str:
    """What the page says when it shows the closest matches of ``q`` instead of exact ones."""
    if exact == 0:
        return f"No solution matches every word of “{q}”; showing the closest matches."
    held = "Only 1 solution matches" if exact == 1 else f"Only {exact} solutions match"
    return f"{held} every word of “{q}”; showing the closest matches too, those first."


class CatalogState(rx.State):
    """Results, facets and links for the current URL."""

    items: list[dict[str, Any]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    q: str = ""
    sort: str = "relevance"
    corrected_q: str = ""
    # "Did you mean": a query one correction away that finds more, and its URL.
    suggested_q: str = ""
    suggested_href: str = ""
    # Too few solutions hold every word: the closest matches, and what to say about them.
    partial_note: str = ""
    error: str = ""
    facets: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("category", "pricing", "min_rating", "verified", "tags")
    }
    active_filters: list[dict[str, str]] = []
    prev_href: str = ""
    next_href: str = ""
    loaded: bool = False
    _query: dict[str, Any] = {}

    @rx.var
    def sort_options(self) -> list[list[str]]:
        """Sort choices as (value, label)."""
        return [[s.value, SORT_LABELS[s]] for s in SortBy]

    @rx.event
    async def load(self) -> None:
        """Run the search the URL describes."""
        actor = await current_actor(self)  # also keeps the shell's viewer fresh
        self.error, self.corrected_q, self.suggested_q, self.partial_note = "", "", "", ""
        self.suggested_href = ""
        try:
            query = SearchQuery.from_params(dict(self.router.url.query_parameters))
        except ValidationFailed as exc:
            self.error = exc.message
            query = SearchQuery()
        try:
            result = catalog_read(lambda db: search(db, query), actor.user_id if actor else None)
        except DomainError as exc:
            self.error = exc.message
            self.items, self.total = [], 0
            return
        self._query = query.model_dump(mode="json")
        self.items = [c.model_dump(mode="json") for c in result.items]
        self.total, self.pages, self.page = result.total, result.pages, query.page
        self.q, self.sort, self.corrected_q = query.q, query.sort.value, result.corrected_q
        self.suggested_q = result.suggested_q
        if result.suggested_q:
            self.suggested_href = catalog_href(query.to_params(q=result.suggested_q, page=1))
        if result.partial:
            self.partial_note = _partial_note(result.corrected_q or query.q, result.exact_total)
        self.facets = {
            name: [
                {**f.model_dump(), "href": catalog_href(self._toggled(query, name, f.value))}
                for f in values
                if f.count > 0 or f.selected
            ]
            for name, values in result.facets.items()
        }
        self.active_filters = self._active(query)
        self.prev_href = (
            catalog_href(query.to_params(page=query.page - 1)) if query.page > 1 else ""
        )
        self.next_href = (
            catalog_href(query.to_params(page=query.page + 1)) if query.page < result.pages else ""
        )
        self.loaded = True
        if query.q and query.page == 1:
            await track(self, "search", detail=query.q, results=result.total)

    @staticmethod
    def _toggled(query: SearchQuery, facet: str, value: str) -> dict[str, str]:
        if facet == "category":
            return query.to_params(category="" if query.category == value else value, page=1)
        if facet == "pricing":
            return query.to_params(pricing=_toggle(list(query.pricing), Pricing(value)), page=1)
        if facet == "tags":
            return query.to_params(tags=_toggle(list(query.tags), value), page=1)
        if facet == "min_rating":
            n = int(value)
            return query.to_params(min_rating=0 if query.min_rating == n else n, page=1)
        return query.to_params(verified=not query.verified, page=1)

    def _active(self, query: SearchQuery) -> list[dict[str, str]]:
        chips = []
        for values in self.facets.values():
            for f in values:
                if f["selected"]:
                    chips.append({"label": f["label"], "href": f["href"]})
        if query.q:
            chips.insert(
                0, {"label": f"“{query.q}”", "href": catalog_href(query.to_params(q="", page=1))}
            )
        return chips

    def _go(self, **changes: Any):
        query = SearchQuery.model_validate(self._query or {})
        return rx.redirect(catalog_href(query.to_params(**changes)))

    @rx.event
    def submit_search(self, form_data: dict):
        """New words, first page, other filters kept."""
        q = form_data.get("q", "") if isinstance(form_data, dict) else ""
        if not isinstance(q, str) or len(q) > 200:
            self.error = "Search for at most 200 characters."
            return None
        return self._go(q=" ".join(q.split()), page=1)

    @rx.event
    async def save_search(self):
        """Keep this search and get a mail when new solutions match it."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                saved = discovery.do_save_search(
                    db, actor, SearchQuery.model_validate(self._query or {}).to_params()
                )
        except DomainError as exc:
            return answer_error(
                exc,
                next_path=catalog_href(SearchQuery.model_validate(self._query or {}).to_params()),
            )
        return toast_ok(f"Saved {saved.name}. We will mail you when new solutions match.")

    @rx.event
    def set_sort(self, value: str):
        """Change the order, back to the first page."""
        if value not in SortBy._value2member_map_:
            self.error = "Unknown sort."
            return None
        return self._go(sort=SortBy(value), page=1)
