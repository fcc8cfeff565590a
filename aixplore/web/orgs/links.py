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
from aixplore.web.components import field, form_error
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
    return rx.el.li(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(item["org"], " · ", item["protocol"], size="2", weight="medium"),
                    rx.cond(
                        item["current"],
                        rx.fragment(),
                        rx.badge("Needs linking again", color_scheme="orange"),
                    ),
                    wrap="wrap",
                    align="center",
                ),
                rx.text(
                    "Identity ",
                    item["subject"],
                    " · linked ",
                    item["since"],
                    size="1",
                    color=rx.color("gray", 11),
                    style={"overflow_wrap": "anywhere"},
                ),
                spacing="1",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.button(
                "Remove link",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=IdentityLinksState.remove(item["id"].to(int)),
                aria_label="Remove the link to " + item["org"].to(str),
            ),
            justify="between",
            align="center",
            spacing="3",
            width="100%",
        ),
        list_style="none",
        padding_y="8px",
        border_bottom="1px solid var(--gray-5)",
    )


def identity_links_card() -> rx.Component:
    """The "Linked sign-ins" section of the security page."""
    return rx.card(
        rx.vstack(
            rx.heading("Linked sign-ins", size="4", as_="h2"),
            rx.text(
                "Organizations' identity providers that may sign you in because you linked "
                "them with your password.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                IdentityLinksState.links,
                rx.el.ul(
                    rx.foreach(IdentityLinksState.links, _link_row),
                    padding="0",
                    margin="0",
                    width="100%",
                ),
                rx.text("None.", size="2"),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
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
            rx.form(
                rx.vstack(
                    rx.text(
                        f"Changing single sign-on or domains needs the owner, or your password "
                        f"confirmed in the last {reauth.REAUTH_MINUTES} minutes. The owner is "
                        "told of every change.",
                        size="2",
                    ),
                    form_error(error),
                    field(
                        "Your password",
                        "password",
                        type_="password",
                        autocomplete="current-password",
                        max_length=256,
                    ),
                    rx.button("Confirm password", type="submit"),
                    spacing="2",
                    align="start",
                    width="100%",
                ),
                on_submit=handler,
                reset_on_submit=True,
                width="100%",
            ),
            icon="lock",
            color_scheme="amber",
            width="100%",
        ),
    )
