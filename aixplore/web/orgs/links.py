"""The identities of organizations' sign-ins linked to the viewer's account (on /settings/security),
and the "confirm your password" form that admins fill in before changing an org's SSO."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts import reauth
from aixplore.domain.orgs import sso_links
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import SessionState, current_actor


class IdentityLinksState(rx.State):
    """My linked IdP identities; the service re-checks the viewer on every call."""

    links: list[dict[str, Any]] = []

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with read_scope() as db:
            rows = sso_links.list_my_links(db, actor)
        self.links = [
            {
                "id": r.id,
                "org": r.org_name,
                "protocol": r.protocol.value.upper(),
                "subject": r.subject,
                "since": r.created_at.strftime("%Y-%m-%d"),
                "current": r.current,
            }
            for r in rows
        ]

    @rx.event
    async def load(self):
        """Read my links."""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/security")
        return None

    @rx.event
    async def remove(self, link_id: int):
        """Remove a link: that organization's sign-in no longer opens my account."""
        actor = await current_actor(self)
        session = await self.get_state(SessionState)
        ip, user_agent = session._client()
        try:
            with session_scope() as db:
                sso_links.do_remove_link(db, actor, link_id, ip=ip, user_agent=user_agent)
            if session._actor() is None:  # this very session came through the link
                session.auth_token = ""
                return [
                    toast_ok("Link removed. The sessions it opened were ended."),
                    rx.redirect("/login?next=/settings/security"),
                ]
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/security")
        return toast_ok("Link removed. The sessions it opened were ended.")


def _link_row(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.list_item(
        kit.item_text(
            kit.badges(
                rx.text(item["org"], " · ", item["protocol"], size="2", weight="medium"),
                kit.flag_badge(~item["current"].to(bool), ("Needs linking again", "orange")),
            ),
            ("Identity ", item["subject"], " · linked ", item["since"]),
        ),
        kit.action(
            "Remove link",
            IdentityLinksState.remove(item["id"].to(int)),
            tone="danger",
            aria_label="Remove the link to " + item["org"].to(str),
        ),
    )


def identity_links_card() -> rx.Component:
    """The "Linked sign-ins" section of the security page."""
    return kit.section(
        "Linked sign-ins",
        kit.note(
            "Organizations' identity providers that may sign you in because you linked "
            "them with your password."
        ),
        kit.when_any(
            IdentityLinksState.links,
            kit.item_list(IdentityLinksState.links, _link_row),
            kit.empty_state("None."),
        ),
    )


async def confirm_password(state: rx.State, form_data: Any) -> str:
    """Confirm the viewer's password for a few minutes of SSO changes; an error or ""."""
    actor = await current_actor(state)
    session = await state.get_state(SessionState)
    ip, user_agent = session._client()
    password = form_data.get("password") if isinstance(form_data, dict) else None
    try:
        with session_scope() as db:
            reauth.do_reauthenticate(db, actor, password, ip=ip, user_agent=user_agent)
    except DomainError as exc:
        return exc.message
    return ""


def reauth_form(handler: Any, error: rx.Var | str, needed: rx.Var | bool) -> rx.Component:
    """Confirm your password (shown to admins who are not the owner)."""
    return rx.cond(
        needed,
        rx.callout(
            kit.form(
                rx.text(
                    f"Changing single sign-on or domains needs the owner, or your password "
                    f"confirmed in the last {reauth.REAUTH_MINUTES} minutes. The owner is "
                    "told of every change.",
                    size="2",
                ),
                kit.form_error(error),
                kit.password_field("Your password", "password"),
                on_submit=handler,
                submit="Confirm password",
                reset=True,
                spacing="2",
                max_width=None,
                width="100%",
            ),
            icon="lock",
            color_scheme="amber",
            width="100%",
        ),
    )
