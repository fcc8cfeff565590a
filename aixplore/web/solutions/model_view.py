"""A solution's 3D model: the viewer on its page and the publisher's upload panel."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.models3d import services as models3d
from aixplore.domain.models3d.checks import MAX_BYTES, MAX_TEXTURE_SIDE, MAX_TRIANGLES
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor
from components3d.model_viewer import model_viewer

MODEL_ACCEPT: dict[str, Sequence[str]] = {
    "model/gltf-binary": [".glb"],
    "model/gltf+json": [".gltf"],
}
DESCRIPTION_FIELD_MAX = 600


def _slug(state: rx.State) -> str:
    return str(state.router.page.params.get("slug", "") or "")[:80]


class SolutionModelState(rx.State):
    """The model shown on a solution's page (empty when it has none ready)."""

    model: dict[str, Any] = {}

    @rx.var
    def has_model(self) -> bool:
        """Whether a ready model is there to show."""
        return bool(self.model.get("src"))

    @rx.event
    async def load(self):
        """Read the page's model; a draft's only for those who manage it."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = models3d.get_model(db, actor, _slug(self))
        except DomainError:
            shown = None
        self.model = shown.model_dump() if shown else {}


def model_section(name: Any) -> rx.Component:
    """The viewer with its heading, only on pages whose solution has a ready model."""
    model = SolutionModelState.model
    return rx.cond(
        SolutionModelState.has_model,
        rx.el.section(
            rx.heading("3D model", size="4", as_="h2", margin_bottom="0.5em"),
            model_viewer(
                src=model["src"].to(str),
                src_light=model["src_light"].to(str),
                poster=model["poster_url"].to(str),
                description=model["description"].to(str),
                name=name,
                height="380px",
            ),
            aria_label="3D model",
            style={"width": "100%"},
        ),
    )


class ModelUploadState(rx.State):
    """The publisher's model panel on /publish/<slug>; every handler re-checks the actor."""

    model: dict[str, Any] = {}
    description: str = ""
    error: str = ""
    busy: bool = False

    @rx.var
    def has_model(self) -> bool:
        """Whether the listing has a model in any state."""
        return bool(self.model.get("status"))

    async def _refresh(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            shown = models3d.get_model_for_publisher(db, actor, _slug(self))
        self.model = shown.model_dump() if shown else {}
        if shown:
            self.description = shown.description

    @rx.event
    async def load(self):
        """Read the listing's model (owner or admin only; others see an empty panel)."""
        self.model, self.description, self.error, self.busy = {}, "", "", False
        if not _slug(self):
            return
        try:
            await self._refresh()
        except DomainError:
            self.model = {}

    @rx.event
    def set_description(self, value: Any):
        """Keep the typed description (checked when it is saved)."""
        self.description = value[:DESCRIPTION_FIELD_MAX] if isinstance(value, str) else ""

    @rx.event
    async def refresh(self):
        """Show where the model's processing stands."""
        try:
            await self._refresh()
        except DomainError as exc:
            return answer_error(exc, next_path=f"/publish/{_slug(self)}")
        return None

    @rx.event
    async def upload_model(self, files: list[rx.UploadFile]):
        """Check an uploaded glTF/GLB, store it and queue its compression."""
        self.error = ""
        slug = _slug(self)
        actor = await current_actor(self)
        try:
            if not isinstance(files, list) or len(files) != 1:
                raise ValidationFailed("Choose one .glb or .gltf file.")
            # Authorize before reading the bytes, so strangers cannot make the server work.
            with session_scope() as db:
                description = models3d.check_upload_model(db, actor, slug, self.description)
            upload = files[0]
            name = getattr(upload, "filename", None) or getattr(upload, "name", "") or ""
            data = await upload.read(MAX_BYTES + 1)
            self.busy = True
            yield
            stored = await asyncio.to_thread(models3d.store_model, data, name)
            with session_scope() as db:
                shown = models3d.do_attach_model(db, actor, slug, stored, description)
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            for event in answer_error(exc, next_path=f"/publish/{slug}"):
                yield event
            return
        self.model, self.busy = shown.model_dump(), False
        yield toast_ok("Model accepted: it is being compressed and shows on the page shortly.")

    @rx.event
    async def save_description(self):
        """Save the model's text alternative."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = models3d.do_set_model_description(db, actor, _slug(self), self.description)
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=f"/publish/{_slug(self)}")
        self.model, self.error = shown.model_dump(), ""
        return toast_ok("Description saved.")

    @rx.event
    async def remove_model(self):
        """Take the model off the listing."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                models3d.do_remove_model(db, actor, _slug(self))
        except DomainError as exc:
            return answer_error(exc, next_path=f"/publish/{_slug(self)}")
        self.model = {}
        return toast_ok("3D model removed.")


def _status_line() -> rx.Component:
    model = ModelUploadState.model
    return rx.cond(
        ModelUploadState.has_model,
        rx.vstack(
            rx.text(
                model["file_name"].to(str),
                " · ",
                model["triangles"].to(str),
                " triangles · ",
                rx.match(
                    model["status"].to(str),
                    ("ready", "shown on the page"),
                    ("failed", "failed: " + model["error"].to(str)),
                    "being compressed",
                ),
                size="1",
                id="model-status",
            ),
            rx.hstack(
                rx.button(
                    "Check again", size="1", variant="soft", on_click=ModelUploadState.refresh
                ),
                rx.button(
                    "Remove model",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=ModelUploadState.remove_model,
                ),
                spacing="2",
            ),
            spacing="1",
        ),
    )


def model_manager() -> rx.Component:
    """Upload a glTF/GLB model with its description (the text alternative)."""
    return rx.vstack(
        rx.heading("3D model", size="3", as_="h2"),
        rx.text(
            f"A self-contained .glb or .gltf, up to {MAX_BYTES // 1_000_000} MB, "
            f"{MAX_TRIANGLES:,} triangles and {MAX_TEXTURE_SIDE} px textures.",
            size="1",
            color=rx.color("gray", 11),
        ),
        _status_line(),
        rx.el.label(
            rx.text("What the model shows (for people who cannot see it)", size="1"),
            rx.text_area(
                value=ModelUploadState.description,
                on_change=ModelUploadState.set_description,
                max_length=DESCRIPTION_FIELD_MAX,
                rows="3",
                name="model_description",
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(
            ModelUploadState.has_model,
            rx.button(
                "Save description",
                size="1",
                variant="soft",
                on_click=ModelUploadState.save_description,
            ),
        ),
        rx.upload.root(
            rx.vstack(
                rx.icon("box", size=20),
                rx.text("Drop a .glb or .gltf or click", size="1", text_align="center"),
                align="center",
                spacing="1",
            ),
            id="model",
            max_files=1,
            accept=MODEL_ACCEPT,
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="10px",
            padding="1em",
            width="100%",
        ),
        rx.button(
            rx.cond(ModelUploadState.busy, "Checking the model...", "Upload model"),
            variant="soft",
            width="100%",
            disabled=ModelUploadState.busy,
            on_click=ModelUploadState.upload_model(rx.upload_files(upload_id="model")),
        ),
        rx.cond(
            ModelUploadState.error != "",
            rx.text(ModelUploadState.error, size="1", color=rx.color("red", 11), role="alert"),
        ),
        spacing="2",
        width="100%",
    )
