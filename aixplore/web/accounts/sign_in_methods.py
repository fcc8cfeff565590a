""" "Continue with Google/GitHub" on the sign-in and sign-up pages, and "Sign-in methods" in
settings (/settings/sign-in): the password and the providers linked to the account.

The buttons are plain links to ``/api/auth/<provider>/start`` (browser navigations, where
HttpOnly cookies can be set); they show only for providers configured on the server. A
failed round trip comes back with ``auth_error``/``provider`` in the URL: only fixed
messages are shown for them. Every handler re-checks the viewer in the service it calls.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import get_settings
from aixplore.domain.social_login import flows, methods
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import SessionState, current_actor

PAGE = "/settings/sign-in"


def _start_href(provider: str, next_path: str) -> str:
    return f"/api/auth/{provider}/start?{urlencode({'next': next_path})}"


class SocialButtonsState(rx.State):
    """Which providers the sign-in and sign-up pages offer, and why a round trip failed."""

    google_href: str = ""
    github_href: str = ""
    error: str = ""

    @rx.event
    def load(self) -> None:
        """Offer the configured providers; read a failure code from the URL."""
        query = self.router.url.query_parameters
        next_path = query.get("next", "/profile")
        if not isinstance(next_path, str) or not next_path.startswith("/"):
            next_path = "/profile"
        offered = get_settings().social_providers
        self.google_href = _start_href("google", next_path) if "google" in offered else ""
        self.github_href = _start_href("github", next_path) if "github" in offered else ""
        self.error = flows.outcome_message(query.get("auth_error"), query.get("provider"))


def _provider_button(label: str, href: Any) -> rx.Component:
    # A document navigation, not the client-side router's (Reflex renders every <a> as React
    # Router's Link): the start route sets an HttpOnly cookie and redirects to the provider.
    return rx.cond(
        href != "",
        rx.button(
            rx.el.a(label, href=href, reload_document=True),
            as_child=True,
            size="3",
            variant="outline",
            width="100%",
        ),
    )


def social_buttons() -> rx.Component:
    """The "Continue with ..." buttons (none when no provider is configured)."""
    s = SocialButtonsState
    return rx.vstack(
        kit.form_error(s.error),
        _provider_button("Continue with Google", s.google_href),
        _provider_button("Continue with GitHub", s.github_href),
        rx.cond(
            (s.google_href != "") | (s.github_href != ""),
            rx.text(
                "or with your email",
                size="2",
                color=rx.color("gray", 11),
                align="center",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


class SignInMethodsState(rx.State):
    """My password and providers; linking asks for the password (when the account has one)."""

    methods: list[dict[str, Any]] = []
    has_password: bool = False
    linking: str = ""  # the provider whose "Link" was pressed
    linking_label: str = ""
    error: str = ""
    notice: str = ""

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with read_scope() as db:
            rows = methods.list_methods(db, actor)
        self.methods = [
            {
                "key": m.key,
                "label": m.label,
                "linked": m.linked,
                "detail": m.detail,
                "provider": m.key != "password",
                "can_link": m.offered and not m.linked and m.key != "password",
            }
            for m in rows
        ]
        self.has_password = any(m.key == "password" and m.linked for m in rows)

    @rx.event
    async def load(self):
        """Read my sign-in methods; say how a link round trip ended."""
        query = self.router.url.query_parameters
        self.linking, self.linking_label = "", ""
        self.error = flows.outcome_message(query.get("auth_error"), query.get("provider"))
        linked = flows.parse_provider(query.get("linked"))
        self.notice = f"{linked.label} is linked: it can now sign you in." if linked else ""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        return None

    @rx.event
    async def choose(self, provider: str):
        """Start linking ``provider``: ask for the password first when there is one."""
        found = flows.parse_provider(provider)
        if found is None or found.value not in get_settings().social_providers:
            return rx.toast.error("That sign-in provider is not offered here.")
        if self.has_password:
            self.linking, self.linking_label, self.error = found.value, found.label, ""
            return None
        return await self._start(found.value, None)

    @rx.event
    def cancel(self) -> None:
        """Close the password form."""
        self.linking, self.linking_label = "", ""

    @rx.event
    async def link(self, form_data: dict):
        """Check the password and go to the provider."""
        password = form_data.get("password") if isinstance(form_data, dict) else None
        return await self._start(self.linking, password)

    async def _start(self, provider: str, password: Any):
        actor = await current_actor(self)
        session = await self.get_state(SessionState)
        ip, user_agent = session._client()
        try:
            with session_scope() as db:
                state = methods.do_start_link(
                    db, actor, provider, password, ip=ip, user_agent=user_agent
                )
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=PAGE)
        self.linking, self.error = "", ""
        # A full navigation: the start route sets the browser cookie and goes to the provider.
        target = f"/api/auth/{provider}/start?{urlencode({'state': state})}"
        return rx.call_script(f"window.location.assign({json.dumps(target)})")

    @rx.event
    async def unlink(self, provider: str):
        """Remove a provider while another way to sign in remains."""
        actor = await current_actor(self)
        session = await self.get_state(SessionState)
        ip, user_agent = session._client()
        try:
            with session_scope() as db:
                methods.do_unlink(db, actor, provider, ip=ip, user_agent=user_agent)
            if session._actor() is None:  # this very session came through that provider
                session.auth_token = ""
                return [toast_ok("Removed. Sign in again."), rx.redirect(f"/login?next={PAGE}")]
            await self._reload()
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path=PAGE)
        self.error, self.notice = "", ""
        return toast_ok("Removed: it no longer signs you in.")


def _method_row(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    s = SignInMethodsState
    key = item["key"].to(str)
    label = item["label"].to(str)
    side = rx.cond(
        item["provider"].to(bool) & item["linked"].to(bool),
        kit.action("Remove", s.unlink(key), tone="danger", aria_label="Remove " + label),
        rx.cond(
            item["can_link"].to(bool),
            kit.action("Link", s.choose(key), aria_label="Link " + label),
        ),
    )
    return kit.list_item(
        kit.item_text(
            kit.badges(
                rx.text(label, size="2", weight="medium"),
                kit.flag_badge(item["linked"], ("Signs you in", "green")),
            ),
            item["detail"],
        ),
        side,
    )


def _password_form() -> rx.Component:
    s = SignInMethodsState
    return rx.cond(
        s.linking != "",
        rx.callout(
            kit.form(
                rx.text("Confirm your AiXplore password to link ", s.linking_label, ".", size="2"),
                kit.password_field("Your password", "password"),
                on_submit=s.link,
                submit=kit.actions(
                    kit.submit_button("Continue to " + s.linking_label),
                    kit.action("Cancel", s.cancel, size="2", color_scheme="gray", type="button"),
                ),
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


def sign_in_methods_section() -> rx.Component:
    """The body of /settings/sign-in."""
    s = SignInMethodsState
    return kit.section(
        "Ways to sign in",
        kit.note(
            "Each way opens this account. Linking a provider needs your password; the last "
            "way to sign in cannot be removed."
        ),
        kit.form_notice(s.notice),
        kit.form_error(s.error),
        _password_form(),
        kit.item_list(s.methods, _method_row),
    )
