"""Platform admin: the user list with search, role changes and suspension."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, NotAuthenticated, PermissionDenied
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.solutions import services as solutions
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor


class AdminUsersState(rx.State):
    """Every handler re-checks that the caller is a platform admin in the service layer."""

    users: list[dict[str, Any]] = []
    query: str = ""
    page: int = 1
    total: int = 0
    allowed: bool = False

    @rx.var
    def pages(self) -> int:
        """How many pages the search has."""
        return max(1, -(-self.total // account_admin.ADMIN_PAGE_SIZE))

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            rows, total = account_admin.list_users(db, actor, query=self.query, page=self.page)
        self.total = total
        self.users = [
            {
                "id": u.id,
                "email": u.email,
                "name": u.display_name,
                "role": u.role.value,
                "verified": u.email_verified,
                "suspended": u.suspended,
                "publisher": u.verified_publisher,
                "joined": u.created_at.strftime("%Y-%m-%d"),
                # The viewer's own row offers no demotion or suspension (the services refuse
                # both anyway); for the page only, never as proof of who is asking.
                "you": actor is not None and u.id == actor.user_id,
            }
            for u in rows
        ]
        self.allowed = True

    async def _answer(self, exc: DomainError) -> list:
        # Only a caller who may not administer loses the page; a refused action (say, a
        # self-suspension) is a toast over the list, which stays.
        if isinstance(exc, NotAuthenticated | PermissionDenied):
            self.allowed = False
            self.users = []
        return answer_error(exc, next_path="/admin")

    @rx.event
    async def load(self):
        """Open the page (admins only)."""
        self.query, self.page = "", 1
        try:
            await self._reload()
        except DomainError as exc:
            return await self._answer(exc)
        return None

    @rx.event
    async def search(self, form_data: dict):
        """Search users by email or name."""
        query = form_data.get("query", "") if isinstance(form_data, dict) else None
        if not isinstance(query, str):
            return answer_error(DomainError("Invalid search."))
        self.query, self.page = query[:100], 1
        try:
            await self._reload()
        except DomainError as exc:
            return await self._answer(exc)
        return None

    @rx.event
    async def go_to_page(self, page: int):
        """Show another page of results."""
        if not isinstance(page, int) or isinstance(page, bool):
            return answer_error(DomainError("Invalid page."))
        self.page = min(max(page, 1), self.pages)
        try:
            await self._reload()
        except DomainError as exc:
            return await self._answer(exc)
        return None

    @rx.event
    async def set_role(self, user_id: int, role: str):
        """Change a user's platform role."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                user = account_admin.do_change_role(db, actor, user_id, role)
            await self._reload()
        except DomainError as exc:
            return await self._answer(exc)
        return toast_ok(
            f"{user.display_name} is now {'an admin' if role == 'platform_admin' else 'a member'}."
        )

    @rx.event
    async def set_publisher_verified(self, user_id: int, verified: bool):
        """Give or take the verified publisher badge."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                solutions.do_set_publisher_verified(db, actor, user_id, verified)
            await self._reload()
        except DomainError as exc:
            return await self._answer(exc)
        return toast_ok("Publisher verified." if verified else "Publisher badge removed.")

    @rx.event
    async def set_suspended(self, user_id: int, suspended: bool):
        """Suspend (sessions end at once) or reinstate a user."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                user = account_admin.do_set_suspended(db, actor, user_id, suspended)
            await self._reload()
        except DomainError as exc:
            return await self._answer(exc)
        return toast_ok(f"{user.display_name} is {'suspended' if suspended else 'reinstated'}.")
