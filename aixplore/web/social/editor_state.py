"""The profile editor's state (/settings/profile): the form, a live preview, the avatar."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.social import profiles
from aixplore.domain.social.models import ProfilePublic
from aixplore.domain.solutions.media import MAX_BYTES
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import SessionState, current_actor
from aixplore.web.social.profile_state import face

SECTION_FIELDS = ("activity_visibility", "network_visibility", "connections_visibility")
FIELDS = ("display_name", "handle", "bio", "location", "links", "visibility", *SECTION_FIELDS)
VISIBILITY_OPTIONS = [
    ["public", "Everyone (public)"],
    ["members", "Signed-in members"],
    ["followers", "My followers only"],
]
SECTION_OPTIONS = [
    *VISIBILITY_OPTIONS,
    ["connections", "My connections only"],
    ["only_me", "Only me"],
]


class ProfileEditorState(rx.State):
    """The signed-in person's public profile, as they edit it."""

    display_name: str = ""
    handle: str = ""
    bio: str = ""
    location: str = ""
    links: str = ""
    visibility: str = "public"
    activity_visibility: str = "public"
    network_visibility: str = "public"
    connections_visibility: str = "public"
    avatar_url: str = ""
    initials: str = ""
    face: str = "violet"
    preview_html: str = ""
    error: str = ""
    # Bumped on each load so the form's uncontrolled fields take the stored values again.
    version: int = 0

    def _show(self, shown: ProfilePublic) -> None:
        person = shown.person
        self.display_name, self.handle, self.bio = person.name, person.handle, shown.bio
        self.location = shown.location
        self.links = "\n".join(link.url for link in shown.links)
        self.visibility = shown.visibility.value
        sections = shown.section_visibility
        self.activity_visibility = sections["activity"].value
        self.network_visibility = sections["network"].value
        self.connections_visibility = sections["connections"].value
        self.avatar_url, self.initials, self.face = (
            person.avatar_url,
            person.initials,
            face(person.id),
        )
        self.preview_html = shown.bio_html
        self.version += 1

    @rx.event
    async def load(self):
        """Read the signed-in person's profile."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self._show(profiles.get_my_profile(db, actor))
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/profile")
        self.error = ""
        return None

    @rx.event
    def preview(self, field: Any, value: Any):
        """Follow a field as it is typed: the preview shows it as the profile will."""
        if not isinstance(value, str) or field not in ("display_name", "handle", "bio", "location"):
            return
        if field == "bio":
            try:
                self.preview_html = profiles.preview_bio(value)
            except DomainError as exc:
                self.error = exc.message
                return
        setattr(self, field, value[:500])

    @rx.event
    async def save(self, form_data: dict):
        """Save the profile; the handle's old address redirects to the new one."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                shown = profiles.do_edit_profile(db, actor, pick(form_data, *FIELDS))
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/settings/profile")
        self._show(shown)
        self.error = ""
        session = await self.get_state(SessionState)
        session.viewer_name = shown.person.name
        return toast_ok("Profile saved.")

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        """Check, re-encode and store an uploaded avatar."""
        actor = await current_actor(self)
        if not isinstance(files, list) or len(files) != 1:
            return answer_error(DomainError("Choose one image."))
        data = await files[0].read(MAX_BYTES + 1)
        return self._set_avatar(actor, data, "Avatar updated.")

    @rx.event
    async def remove_avatar(self):
        """Go back to the generated avatar."""
        return self._set_avatar(await current_actor(self), b"", "Avatar removed.")

    def _set_avatar(self, actor: Any, data: bytes, done: str):
        try:
            with session_scope() as db:
                shown = profiles.do_set_avatar(db, actor, data)
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/profile")
        self.avatar_url = shown.person.avatar_url
        return toast_ok(done)
