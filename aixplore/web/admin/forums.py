"""/admin/forums: the platform's forum categories: create, rename, reorder, archive.

Every handler re-checks in the service layer that the caller is a platform admin; category
ids and fields are checked there too (the page only passes them on).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, NotAuthenticated, PermissionDenied
from aixplore.domain.forums import categories
from aixplore.domain.forums.models import DESCRIPTION_MAX, NAME_MAX, SLUG_MAX
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.layout import admin_template
from aixplore.web.session import current_actor

HERE = "/admin/forums"


def _field(form_data: Any, key: str) -> Any:
    """A submitted field as it came (the service refuses anything but text)."""
    return form_data.get(key) if isinstance(form_data, dict) else None


class AdminForumsState(rx.State):
    """The category list and which one is being edited."""

    rows: list[dict[str, Any]] = []
    allowed: bool = False
    editing: int = 0
    error: str = ""

    def _show(self, rows: list[Any]) -> None:
        self.rows = [{**r.model_dump(), "href": f"/forums/{r.slug}"} for r in rows]
        self.allowed = True

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            self._show(categories.list_for_admin(db, actor))

    def _answer(self, exc: DomainError) -> list:
        # Only a caller who may not administer loses the page; a refused change is a toast.
        if isinstance(exc, NotAuthenticated | PermissionDenied):
            self.allowed, self.rows = False, []
        return answer_error(exc, next_path=HERE)

    @rx.event
    async def load(self):
        """Open the page (platform admins only)."""
        self.editing, self.error = 0, ""
        try:
            await self._reload()
        except DomainError as exc:
            return self._answer(exc)
        return None

    @rx.event
    async def create(self, form_data: dict):
        """Add a category at the end of the list."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                made = categories.do_create_category(
                    db,
                    actor,
                    _field(form_data, "name"),
                    _field(form_data, "slug"),
                    _field(form_data, "description") or "",
                    _field(form_data, "color"),
                )
            await self._reload()
        except DomainError as exc:
            self.error = exc.message
            return self._answer(exc)
        self.error = ""
        return toast_ok(f"Category {made.name} created.")

    @rx.event
    def edit(self, category_id: int):
        """Open one category's edit form (0 closes it)."""
        ids = {r["id"] for r in self.rows}
        self.editing = category_id if isinstance(category_id, int) and category_id in ids else 0

    @rx.event
    async def save(self, form_data: dict):
        """Rename, describe or recolor the category being edited."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                saved = categories.do_update_category(
                    db,
                    actor,
                    self.editing,
                    _field(form_data, "edit_name"),
                    _field(form_data, "edit_description") or "",
                    _field(form_data, "edit_color"),
                )
            await self._reload()
        except DomainError as exc:
            return self._answer(exc)
        self.editing = 0
        return toast_ok(f"Category {saved.name} saved.")

    @rx.event
    async def move(self, category_id: int, direction: str):
        """Move a category one place up or down."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self._show(categories.do_move_category(db, actor, category_id, direction))
        except DomainError as exc:
            return self._answer(exc)
        return None

    @rx.event
    async def set_archived(self, category_id: int, archived: bool):
        """Archive a category or bring it back."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                row = categories.do_set_archived(db, actor, category_id, archived)
            await self._reload()
        except DomainError as exc:
            return self._answer(exc)
        return toast_ok(f"{row.name} {'archived' if row.archived else 'is back on the list'}.")


def _edit_form(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.form(
        # Names of their own: the new-category form below has its fields' ids.
        kit.field("Name", "edit_name", max_length=NAME_MAX, default_value=c["name"]),
        kit.text_area_field(
            "Description",
            "edit_description",
            rows=2,
            max_length=DESCRIPTION_MAX,
            default_value=c["description"],
        ),
        kit.field("Color", "edit_color", max_length=7, hint="#rrggbb", default_value=c["color"]),
        on_submit=AdminForumsState.save,
        submit=kit.actions(
            kit.submit_button("Save category"),
            kit.action("Cancel", AdminForumsState.edit(0), size="2", type="button"),
        ),
    )


def _row(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    S = AdminForumsState
    cid = c["id"].to(int)
    name = c["name"].to(str)
    return kit.tile(
        rx.hstack(
            rx.box(
                width="14px",
                height="14px",
                border_radius="4px",
                background=c["color"].to(str),
                flex_shrink="0",
                aria_hidden="true",
            ),
            rx.link(name, href=c["href"].to(str), weight="medium"),
            kit.flag_badge(c["archived"], ("Archived", "gray")),
            rx.text("/forums/", c["slug"], " · ", c["thread_count"], " threads", size="1"),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(c["description"] != "", rx.text(c["description"], size="2")),
        kit.actions(
            kit.action("Up", S.move(cid, "up"), aria_label="Move " + name + " up"),
            kit.action("Down", S.move(cid, "down"), aria_label="Move " + name + " down"),
            kit.action("Edit", S.edit(cid), aria_label="Edit " + name),
            kit.toggle(
                c["archived"],
                kit.action("Unarchive", S.set_archived(cid, False), tone="positive"),
                kit.action(
                    "Archive",
                    S.set_archived(cid, True),
                    tone="danger",
                    aria_label="Archive " + name,
                ),
            ),
        ),
        rx.cond(S.editing == cid, _edit_form(c)),
        spacing="2",
    )


@admin_template("Forum categories", HERE, AdminForumsState.allowed)
def admin_forums_page() -> rx.Component:
    """The platform's forum categories, in the order readers see them."""
    S = AdminForumsState
    return rx.vstack(
        kit.page_header(
            "Forum categories",
            subtitle="Archived categories leave the list and take no new posts; their threads "
            "stay readable.",
        ),
        kit.when_any(
            S.rows,
            rx.vstack(rx.foreach(S.rows, _row), spacing="3", width="100%"),
            "No categories yet: add the first below.",
        ),
        rx.heading("New category", as_="h2", size="4"),
        kit.form(
            kit.field("Name", "name", max_length=NAME_MAX),
            kit.field(
                "Slug",
                "slug",
                max_length=SLUG_MAX,
                hint="Lower-case letters, digits and dashes: the address /forums/<slug>.",
            ),
            kit.text_area_field("Description", "description", rows=2, max_length=DESCRIPTION_MAX),
            kit.field("Color", "color", max_length=7, hint="#rrggbb", default_value="#3b82f6"),
            on_submit=S.create,
            submit="Create category",
            error=S.error,
            reset=True,
        ),
        spacing="4",
        width="100%",
    )
