"""My saved things (bookmarks, collections, saved searches) and public collection pages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.core.replica import catalog_read
from aixplore.domain.discovery import services as discovery
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor


class SavedState(rx.State):
    """The /saved page."""

    bookmarks: list[dict[str, Any]] = []
    collections: list[dict[str, Any]] = []
    searches: list[dict[str, Any]] = []

    async def _reload(self) -> None:
        actor = await current_actor(self)
        bookmarks, collections, searches = catalog_read(
            lambda db: (
                discovery.list_bookmarks(db, actor),
                discovery.list_my_collections(db, actor),
                discovery.list_saved_searches(db, actor),
            ),
            actor.user_id if actor else None,
        )
        self.bookmarks = [c.model_dump(mode="json") for c in bookmarks]
        self.collections = [c.model_dump() for c in collections]
        self.searches = [s.model_dump(mode="json") for s in searches]

    @rx.event
    async def load(self):
        """Read my saved things."""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/saved")
        return None

    @rx.event
    async def create_collection(self, form_data: dict):
        """Start a collection."""
        data = pick(form_data, "name", "description", "is_public")
        if isinstance(data, dict):
            data["is_public"] = data.get("is_public") in (True, "on", "true")
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                discovery.do_create_collection(db, actor, data)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/saved")
        return toast_ok("Collection created.")

    @rx.event
    async def set_public(self, collection_id: int, public: bool):
        """Share a collection, or make it private again."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                current = next((c for c in self.collections if c["id"] == collection_id), None)
                if current is None:
                    raise DomainError("No such collection.")
                discovery.do_update_collection(
                    db,
                    actor,
                    collection_id,
                    {
                        "name": current["name"],
                        "description": current["description"],
                        "is_public": bool(public),
                    },
                )
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/saved")
        return toast_ok("Collection is public." if public else "Collection is private.")

    @rx.event
    async def delete_collection(self, collection_id: int):
        """Delete a collection."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                discovery.do_delete_collection(db, actor, collection_id)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/saved")
        return toast_ok("Collection deleted.")

    @rx.event
    async def delete_search(self, saved_id: int):
        """Stop a saved search and its mails."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                discovery.do_delete_saved_search(db, actor, saved_id)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/saved")
        return toast_ok("Saved search removed.")


class CollectionState(rx.State):
    """A collection's page."""

    found: bool = True
    info: dict[str, Any] = {}
    cards: list[dict[str, Any]] = []

    @rx.event
    async def load(self) -> None:
        """Read the collection named in the URL (public ones, or my own)."""
        actor = await current_actor(self)
        raw = str(self.router.page.params.get("collection_id", ""))
        if not raw.isdigit() or len(raw) > 12:
            self.found = False
            return
        try:
            info, cards = catalog_read(
                lambda db: discovery.get_collection(db, actor, int(raw)),
                actor.user_id if actor else None,
            )
        except DomainError:
            self.found = False
            return
        self.found, self.info = True, info.model_dump()
        self.cards = [c.model_dump(mode="json") for c in cards]
