"""Group pages' states: the list with a form to make a group, and one group's page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.forums import reading
from aixplore.domain.forums.categories import group_category
from aixplore.domain.groups import events as group_events
from aixplore.domain.groups import services as groups
from aixplore.domain.messaging import group_chat
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.forums.state import thread_row
from aixplore.web.session import current_actor

VISIBILITY = {
    "public": "Public: anyone reads and joins",
    "private": "Private: visible, join by request",
    "secret": "Secret: invitation only, hidden from others",
}


def _get(form_data: Any, key: str) -> Any:
    return form_data.get(key) if isinstance(form_data, dict) else None


class GroupsState(rx.State):
    """/groups: every group the viewer may see, and a form to make one."""

    groups: list[dict[str, Any]] = []
    error: str = ""

    @rx.event
    async def load(self):
        """Read the groups."""
        actor = await current_actor(self)
        with session_scope() as db:
            self.groups = [
                {
                    **g.model_dump(mode="json"),
                    "href": f"/groups/{g.slug}",
                    "about": VISIBILITY[g.visibility.value],
                }
                for g in groups.list_groups(db, actor)
            ]

    @rx.event
    async def create(self, form_data: Any):
        """Make a group from the form; its maker owns it."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                made = groups.do_create_group(
                    db,
                    actor,
                    _get(form_data, "name"),
                    _get(form_data, "description"),
                    _get(form_data, "visibility"),
                    _get(form_data, "kind"),
                )
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/groups")
        self.error = ""
        return rx.redirect(f"/groups/{made.slug}")


class GroupPageState(rx.State):
    """/groups/<slug>: what the group is, its threads (for readers), members and requests."""

    found: bool = True
    refusal: str = ""
    slug: str = ""
    group: dict[str, Any] = {}
    readable: bool = False
    moderator: bool = False
    signed_in: bool = False
    threads: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []

    @rx.event
    async def load(self):
        """Read the group the address names."""
        self.slug = str(self.router.page.params.get("slug", ""))[:60]
        return await self._read()

    async def _read(self):
        actor = await current_actor(self)
        self.signed_in = actor is not None
        try:
            with session_scope() as db:
                shown = groups.get_group(db, actor, self.slug)
                group = groups.group_by_id(db, shown.id)
                category = group_category(db, group)
                self.readable = groups.can_read(db, group, actor)
                self.moderator = groups.is_moderator(db, shown.id, actor)
                self.group = {
                    **shown.model_dump(mode="json"),
                    "about": VISIBILITY[shown.visibility.value],
                    "forum": f"/forums/{category.slug}",
                }
                self.threads, self.members, self.requests, self.events = [], [], [], []
                if self.readable:
                    rows, _more = reading.list_threads(db, actor, category.slug)
                    self.threads = [thread_row(t) for t in rows]
                    self.events = [
                        {"title": e.title, "href": f"/events/{e.id}", "when": e.when_local}
                        for e in group_events.list_group_events(db, actor, self.slug)
                    ]
                    self.members = [
                        m.model_dump(mode="json") for m in groups.list_members(db, actor, self.slug)
                    ]
                if self.moderator:
                    self.requests = [
                        r.model_dump(mode="json")
                        for r in groups.list_requests(db, actor, self.slug)
                    ]
        except DomainError as exc:
            self.found, self.refusal, self.group = False, exc.message, {}
            return None
        self.found = True
        return None

    async def _act(self, change: Any, done: str, *args: Any):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                change(db, actor, *args)
        except DomainError as exc:
            return answer_error(exc, next_path=f"/groups/{self.slug}")
        await self._read()
        return toast_ok(done)

    @rx.event
    async def join(self, form_data: Any = None):
        """Join (public), ask to join (private) or accept an invitation."""
        message = _get(form_data, "message") if form_data else ""
        return await self._act(groups.do_join, "Done.", self.slug, message or "")

    @rx.event
    async def open_chat(self):
        """Open the group's chat (its members only; made the first time)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                chat = group_chat.do_open_group_chat(db, actor, self.slug)
        except DomainError as exc:
            return answer_error(exc, next_path=f"/groups/{self.slug}")
        return rx.redirect(f"/messages/{chat}")

    @rx.event
    async def leave(self):
        """Leave the group."""
        return await self._act(groups.do_leave, "You left the group.", self.slug)

    @rx.event
    async def decline_invitation(self):
        """Decline the invitation."""
        return await self._act(groups.do_decline_invitation, "Invitation declined.", self.slug)

    @rx.event
    async def answer(self, user_id: Any, approve: Any):
        """Approve or decline a request to join (moderators)."""
        return await self._act(
            groups.do_answer_request, "Request answered.", self.slug, user_id, approve
        )

    @rx.event
    async def invite(self, form_data: Any):
        """Invite someone by handle (moderators)."""
        handle = str(_get(form_data, "handle") or "").lstrip("@")
        return await self._act(
            groups.do_invite, f"Invitation sent to @{handle[:30]}.", self.slug, handle
        )
