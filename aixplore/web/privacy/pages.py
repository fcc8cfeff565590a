"""The /settings/privacy page: download all my data."""

from __future__ import annotations

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.gdpr import erasure
from aixplore.domain.gdpr import services as gdpr
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.layout import settings_template
from aixplore.web.session import current_actor


class PrivacyState(rx.State):
    """The service re-checks the caller."""

    requested: bool = False
    erase_on: str = ""
    error: str = ""

    async def _reload(self) -> None:
        actor = await current_actor(self)
        if actor is None:
            self.erase_on = ""
            return
        with read_scope() as db:
            pending = erasure.pending_request(db, actor.user_id)
            self.erase_on = "" if pending is None else f"{pending.execute_after:%Y-%m-%d}"

    @rx.event
    async def load(self):
        """Open the page."""
        self.requested, self.error = False, ""
        await self._reload()

    @rx.event
    async def request_erasure(self, form_data: dict):
        """Schedule my account's erasure (password required)."""
        self.error = ""
        actor = await current_actor(self)
        data = {
            "password": form_data.get("password", "") if isinstance(form_data, dict) else None,
            "keep_reviews": isinstance(form_data, dict) and form_data.get("keep_reviews") == "on",
        }
        try:
            with session_scope() as db:
                erasure.do_request_erasure(db, actor, data, ip=self.router.session.client_ip or "")
            await self._reload()
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/settings/privacy")
        return toast_ok("Your account is scheduled for erasure.")

    @rx.event
    async def cancel_erasure(self):
        """Call the erasure off."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                erasure.do_cancel_erasure(db, actor, ip=self.router.session.client_ip or "")
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/privacy")
        return toast_ok("Erasure cancelled.")

    @rx.event
    async def request_export(self):
        """Queue an export of my data; the link comes by mail."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                gdpr.do_request_export(db, actor, ip=self.router.session.client_ip or "")
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/privacy")
        self.requested = True
        return toast_ok("Export requested: we will mail you a download link.")


def _export_section() -> rx.Component:
    return kit.section(
        "Download all my data",
        rx.text(
            "We put everything we hold about you (account, sessions, listings, reviews, events, "
            "keys, webhooks, audit entries...) in a ZIP of JSON files and mail you a link that "
            "works for 24 hours.",
            size="2",
        ),
        rx.box(
            rx.button(
                "Request my data",
                on_click=PrivacyState.request_export,
                disabled=PrivacyState.requested,
            )
        ),
        rx.cond(
            PrivacyState.requested,
            rx.text("Requested. Check your mailbox in a few minutes.", role="status"),
        ),
    )


def _erasure_section() -> rx.Component:
    scheduled = rx.vstack(
        rx.text(
            "Your account will be erased on ",
            PrivacyState.erase_on,
            ".",
            role="status",
            weight="medium",
        ),
        kit.action("Cancel the erasure", PrivacyState.cancel_erasure, size="2"),
        spacing="2",
        align="start",
    )
    request = kit.form(
        rx.text(
            "Your account and data are erased after a grace period (you can cancel until "
            "then). Listings, keys, webhooks, bookmarks and RSVPs go; security records stay.",
            size="2",
        ),
        kit.form_error(PrivacyState.error),
        kit.password_field("Password", "password"),
        kit.checkbox("Keep my reviews, shown as by a deleted user", "keep_reviews", size="3"),
        on_submit=PrivacyState.request_erasure,
        submit=rx.button("Erase my account", color_scheme="red", type="submit"),
        reset=True,
    )
    return kit.section("Erase my account", rx.cond(PrivacyState.erase_on != "", scheduled, request))


@settings_template("Your data", "/settings/privacy")
def privacy_page() -> rx.Component:
    """Personal data."""
    return rx.vstack(
        kit.page_header("Your data"),
        _export_section(),
        _erasure_section(),
        spacing="5",
        width="100%",
    )
