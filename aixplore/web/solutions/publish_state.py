"""Create and edit a listing; publish, archive; upload a logo and screenshots."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.solutions import screenshots as gallery
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.media import MAX_BYTES, SHOT_MAX_BYTES, store_logo, store_screenshot
from aixplore.domain.solutions.models import Pricing
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor

FIELDS = (
    "name",
    "tagline",
    "description",
    "category",
    "pricing",
    "tags",
    "website_url",
    "repository_url",
    "demo_url",
    "version",
)
EMPTY: dict[str, str] = {
    "name": "",
    "tagline": "",
    "description": "",
    "category": "",
    "pricing": "free",
    "tags": "",
    "website_url": "",
    "repository_url": "",
    "demo_url": "",
    "version": "",
}


class PublishState(rx.State):
    """The listing form; the slug in the URL picks the listing to edit."""

    form: dict[str, str] = dict(EMPTY)
    slug: str = ""
    status: str = ""
    logo_url: str = ""
    screenshots: list[dict[str, Any]] = []
    error: str = ""
    categories: list[list[str]] = []
    pricing_options: list[list[str]] = [[p.value, solutions.PRICING_LABELS[p]] for p in Pricing]
    ready: bool = False

    @rx.var
    def editing(self) -> bool:
        """Whether an existing listing is being edited."""
        return self.slug != ""

    @rx.event
    async def load(self):
        """Open a blank form, or the listing named in the URL (owner or admin only)."""
        self.error, self.ready = "", False
        actor = await current_actor(self)
        slug = str(self.router.page.params.get("slug", "") or "")[:80]
        with session_scope() as db:
            self.categories = [[c.slug, c.name] for c in solutions.list_categories(db)]
            if not slug:
                self.form, self.slug, self.status, self.logo_url = dict(EMPTY), "", "", ""
                self.screenshots = []
                self.ready = True
                return None
            try:
                detail = solutions.get_solution(db, actor, slug)
                if actor is None or (
                    actor.user_id != detail.owner_id and not actor.is_platform_admin
                ):
                    raise ValidationFailed("Only the publisher can edit this listing.")
            except DomainError as exc:
                return [
                    *answer_error(exc, next_path=f"/publish/{slug}"),
                    rx.redirect(f"/solutions/{slug}"),
                ]
        self.slug, self.status, self.logo_url = detail.slug, detail.status.value, detail.logo_url
        self.screenshots = [shot.model_dump() for shot in detail.screenshots]
        self.form = {
            "name": detail.name,
            "tagline": detail.tagline,
            "description": detail.description_md,
            "category": detail.category_slug,
            "pricing": detail.pricing.value,
            "tags": ", ".join(detail.tags),
            "website_url": detail.website_url,
            "repository_url": detail.repository_url,
            "demo_url": detail.demo_url,
            "version": detail.version,
        }
        self.ready = True
        return None

    @rx.event
    async def save(self, form_data: dict):
        """Create the draft or save changes."""
        self.error = ""
        data = pick(form_data, *FIELDS)
        if isinstance(data, dict):
            tags = data.get("tags", "")
            data["tags"] = (
                [t.strip() for t in tags.split(",") if t.strip()] if isinstance(tags, str) else tags
            )
            self.form = {
                k: str(v) if not isinstance(v, list) else ", ".join(v) for k, v in data.items()
            }
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                if self.slug:
                    detail = solutions.do_update_solution(db, actor, self.slug, data)
                else:
                    detail = solutions.do_create_solution(db, actor, data)
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/publish")
        created = not self.slug
        self.slug, self.status = detail.slug, detail.status.value
        if created:
            return [
                toast_ok("Draft saved. Publish it when it is ready."),
                rx.redirect(f"/publish/{detail.slug}"),
            ]
        return toast_ok("Changes saved.")

    @rx.event
    async def set_status(self, status: str):
        """Publish, archive or unpublish."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                detail = solutions.do_set_status(db, actor, self.slug, status)
        except DomainError as exc:
            return answer_error(exc, next_path=f"/publish/{self.slug}")
        self.status = detail.status.value
        labels = {
            "published": "Published: it is now in the catalog.",
            "archived": "Archived.",
            "draft": "Moved back to draft.",
        }
        return toast_ok(labels.get(self.status, "Saved."))

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        """Store an uploaded logo after checking it is a small, real image."""
        actor = await current_actor(self)
        if not self.slug:
            return answer_error(DomainError("Save the draft before adding a logo."))
        if not isinstance(files, list) or len(files) != 1:
            return answer_error(DomainError("Choose one image."))
        data = await files[0].read(MAX_BYTES + 1)
        try:
            path = store_logo(data)
            with session_scope() as db:
                solutions.do_set_logo(db, actor, self.slug, path)
        except DomainError as exc:
            return answer_error(exc, next_path=f"/publish/{self.slug}")
        self.logo_url = solutions.logo_url(path)
        return toast_ok("Logo updated.")

    # ---- Screenshots ----

    async def _gallery(self, change: Any, done: str):
        """Run ``change(db, actor)`` on the gallery, then show it as stored."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                change(db, actor)
                self.screenshots = [s.model_dump() for s in gallery.list_for(db, self._id(db))]
        except DomainError as exc:
            return answer_error(exc, next_path=f"/publish/{self.slug}")
        return toast_ok(done) if done else None

    def _id(self, db: Any) -> int:
        return solutions.get_solution_id(db, self.slug)

    @rx.event
    async def upload_screenshots(self, files: list[rx.UploadFile]):
        """Store each uploaded screenshot after checking it is a real image within limits."""
        if not self.slug:
            return answer_error(DomainError("Save the draft before adding screenshots."))
        if not isinstance(files, list) or not 1 <= len(files) <= gallery.MAX_SCREENSHOTS:
            return answer_error(
                DomainError(f"Choose between 1 and {gallery.MAX_SCREENSHOTS} images.")
            )
        stored = []
        for upload in files:
            try:
                stored.append(store_screenshot(await upload.read(SHOT_MAX_BYTES + 1)))
            except DomainError as exc:
                name = str(getattr(upload, "name", "") or "a file")[:80]
                return answer_error(ValidationFailed(f"{name}: {exc}"))
        slug = self.slug
        added = len(stored)
        return await self._gallery(
            lambda db, actor: [gallery.do_add_screenshot(db, actor, slug, s) for s in stored],
            f"{added} screenshot{'s' if added != 1 else ''} added.",
        )

    @rx.event
    async def set_caption(self, shot_id: Any, caption: Any):
        """Save a screenshot's caption when its field loses focus."""
        slug = self.slug
        return await self._gallery(
            lambda db, actor: gallery.do_set_caption(db, actor, slug, shot_id, caption),
            "",
        )

    @rx.event
    async def move_screenshot(self, shot_id: Any, offset: Any):
        """Move a screenshot one place earlier or later."""
        slug = self.slug
        return await self._gallery(
            lambda db, actor: gallery.do_move_screenshot(db, actor, slug, shot_id, offset), ""
        )

    @rx.event
    async def remove_screenshot(self, shot_id: Any):
        """Take a screenshot out of the gallery."""
        slug = self.slug
        return await self._gallery(
            lambda db, actor: gallery.do_remove_screenshot(db, actor, slug, shot_id),
            "Screenshot removed.",
        )
