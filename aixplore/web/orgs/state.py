"""Organization pages' states: thin handlers; the services authorize every call."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, NotFound
from aixplore.domain.accounts import reauth
from aixplore.domain.oauth import authorize as oauth_policy
from aixplore.domain.orgs import domains, invitations
from aixplore.domain.orgs import services as orgs
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    raise NotFound("No such organization.")


def route_org_id(state: rx.State) -> int | None:
    """The organization of an ``/orgs/[org_id]/...`` page; None on a personal page.

    Read from the route on every call (never from a state var a client could have left).
    """
    raw = state.router.page.params.get("org_id")
    return None if raw is None or raw == "" else _int(raw)


class OrgsState(rx.State):
    """/orgs: my organizations (the switcher), my invitations, and a new organization."""

    items: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []
    error: str = ""

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            mine = orgs.list_my_orgs(db, actor)
            invited = invitations.list_my_invitations(db, actor)
        self.items = [
            {"id": o.id, "name": o.name, "slug": o.slug, "role": o.role.value} for o in mine
        ]
        self.invitations = [{"id": i.id, "org": i.org_name, "role": i.role.value} for i in invited]

    @rx.event
    async def load(self):
        """Open the page."""
        self.error = ""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/orgs")
        return None

    @rx.event
    async def create(self, form_data: dict):
        """Create an organization owned by the viewer."""
        self.error = ""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                org = orgs.do_create_org(db, actor, pick(form_data, "name", "slug"))
        except DomainError as exc:
            self.error = exc.message
            return None
        return [toast_ok(f"{org.name} is created."), rx.redirect(f"/orgs/{org.id}")]

    @rx.event
    async def answer(self, invitation_id: int, accept: bool):
        """Accept or decline an invitation."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                invitations.do_answer_invitation(db, actor, invitation_id, accept)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/orgs")
        return toast_ok("Invitation accepted." if accept else "Invitation declined.")


class InvitationState(rx.State):
    """/orgs/invitation?token=...: the mailed link."""

    org_name: str = ""
    role: str = ""
    error: str = ""
    done: str = ""

    def _token(self) -> str:
        return str(self.router.url.query_parameters.get("token", ""))[:200]

    @rx.event
    async def load(self):
        """Show who invites the viewer."""
        self.error, self.done = "", ""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                inv = invitations.get_invitation_by_token(db, actor, self._token())
        except DomainError as exc:
            self.org_name, self.error = "", exc.message
            return answer_error(exc, next_path="/orgs") if exc.code == "not_authenticated" else None
        self.org_name, self.role = inv.org_name, inv.role.value
        return None

    @rx.event
    async def answer(self, accept: bool):
        """Join or decline."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                if accept is True:
                    org = invitations.do_accept_invitation(db, actor, self._token())
                else:
                    invitations.do_decline_invitation(db, actor, self._token())
        except DomainError as exc:
            self.error = exc.message
            return None
        if accept is True:
            return rx.redirect(f"/orgs/{org.id}")
        self.done = "You declined the invitation."
        return None


class OrgState(rx.State):
    """/orgs/[org_id]: members, invitations, settings and domains."""

    org: dict[str, Any] = {}
    members: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    claimed: list[dict[str, Any]] = []
    is_admin: bool = False
    is_owner: bool = False
    needs_reauth: bool = False  # domain changes need the owner or a fresh password
    reauth_error: str = ""
    viewer_id: int = 0
    error: str = ""

    def _org_id(self) -> int:
        return _int(self.router.page.params.get("org_id", ""))

    async def _reload(self) -> None:
        actor = await current_actor(self)
        org_id = self._org_id()
        with session_scope() as db:
            org = orgs.get_org(db, actor, org_id)
            members = orgs.list_members(db, actor, org_id)
            admin = org.role.value in ("owner", "admin")
            pending = invitations.list_invitations(db, actor, org_id) if admin else []
            claimed = domains.list_domains(db, actor, org_id) if admin else []
            fresh = actor is not None and admin and reauth.is_fresh(db, actor)
        self.viewer_id = actor.user_id if actor else 0
        self.is_admin, self.is_owner = admin, org.role.value == "owner"
        self.needs_reauth = admin and not self.is_owner and not fresh
        self.org = org.model_dump(mode="json")
        self.members = [
            {
                "id": m.user_id,
                "name": m.display_name,
                "email": m.email,
                "role": m.role.value,
                "source": m.source,
                "suspended": m.suspended,
            }
            for m in members
        ]
        self.pending = [{"id": i.id, "email": i.email, "role": i.role.value} for i in pending]
        self.claimed = [d.model_dump() for d in claimed]

    async def _run(self, action, done: str):
        actor = await current_actor(self)
        self.error = ""
        try:
            with session_scope() as db:
                action(db, actor, self._org_id())
            await self._reload()
        except DomainError as exc:
            if exc.code == "invalid" or exc.code == "conflict":
                self.error = exc.message
            return answer_error(exc, next_path="/orgs")
        return toast_ok(done)

    @rx.event
    async def load(self):
        """Open the page (members only)."""
        self.error = ""
        try:
            await self._reload()
        except DomainError as exc:
            self.org, self.members = {}, []
            return answer_error(exc, next_path="/orgs")
        return None

    @rx.event
    async def invite(self, form_data: dict):
        """Mail an invitation."""
        data = pick(form_data, "email", "role")
        return await self._run(
            lambda db, a, o: invitations.do_invite(db, a, o, data), "Invitation sent."
        )

    @rx.event
    async def revoke(self, invitation_id: int):
        """Withdraw an invitation."""
        return await self._run(
            lambda db, a, o: invitations.do_revoke_invitation(db, a, o, invitation_id),
            "Invitation withdrawn.",
        )

    @rx.event
    async def set_role(self, user_id: int, role: str):
        """Make someone admin or member."""
        return await self._run(
            lambda db, a, o: orgs.do_change_role(db, a, o, user_id, role), "Role changed."
        )

    @rx.event
    async def remove(self, user_id: int):
        """Remove a member (or leave)."""
        leaving = user_id == self.viewer_id
        result = await self._run(
            lambda db, a, o: orgs.do_remove_member(db, a, o, user_id),
            "You left." if leaving else "Member removed.",
        )
        return [result, rx.redirect("/orgs")] if leaving and not self.error else result

    @rx.event
    async def transfer(self, user_id: int):
        """Hand over ownership."""
        return await self._run(
            lambda db, a, o: orgs.do_transfer_ownership(db, a, o, user_id), "Ownership transferred."
        )

    @rx.event
    async def end_sessions(self, user_id: int):
        """Sign a member out everywhere."""
        return await self._run(
            lambda db, a, o: orgs.do_end_member_sessions(db, a, o, user_id),
            "All of their sessions ended.",
        )

    @rx.event
    async def suspend(self, user_id: int, suspended: bool):
        """Suspend a member (their sessions end at once) or reinstate them."""
        return await self._run(
            lambda db, a, o: orgs.do_suspend_member(db, a, o, user_id, suspended),
            "Member suspended: their sessions ended." if suspended else "Member reinstated.",
        )

    @rx.event
    async def save_settings(self, form_data: dict):
        """Name, enforce SSO and the re-auth period."""
        if not isinstance(form_data, dict):
            return answer_error(DomainError("The form could not be read."))
        hours = str(form_data.get("reauth_hours", "0") or "0")
        data = {
            "name": form_data.get("name", ""),
            "enforce_sso": form_data.get("enforce_sso") in ("on", True, "true"),
            "reauth_hours": int(hours) if hours.isdigit() and len(hours) < 6 else -1,
        }
        apps_allowed = form_data.get("third_party_apps") in ("on", True, "true")

        def save(db: Any, actor: Any, org_id: int) -> None:
            orgs.do_update_org_settings(db, actor, org_id, data)
            if apps_allowed != self.org.get("third_party_apps_allowed", True):
                oauth_policy.do_set_apps_policy(db, actor, org_id, apps_allowed)

        return await self._run(save, "Settings saved.")

    @rx.event
    async def reauthenticate(self, form_data: dict):
        """Confirm the admin's password for a few minutes of domain changes."""
        from aixplore.web.orgs.links import confirm_password

        self.reauth_error = await confirm_password(self, form_data)
        if self.reauth_error:
            return None
        return await self._run(lambda db, a, o: None, "Password confirmed.")

    @rx.event
    async def claim(self, form_data: dict):
        """Claim an email domain."""
        data = pick(form_data, "domain")
        return await self._run(
            lambda db, a, o: domains.do_claim_domain(db, a, o, data),
            "Domain claimed: publish the TXT record, then verify.",
        )

    @rx.event
    async def verify(self, domain_id: int):
        """Look for the TXT record."""
        return await self._run(
            lambda db, a, o: domains.do_verify_domain(db, a, o, domain_id), "Domain verified."
        )

    @rx.event
    async def unclaim(self, domain_id: int):
        """Give up a domain."""
        return await self._run(
            lambda db, a, o: domains.do_remove_domain(db, a, o, domain_id), "Domain removed."
        )
