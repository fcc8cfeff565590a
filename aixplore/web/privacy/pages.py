"""The /settings/privacy page: download all my data."""

from __future__ import annotations

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.gdpr import services as gdpr
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.layout import page
from aixplore.web.session import current_actor


class PrivacyState(rx.State):
    """The service re-checks the caller."""

    requested: bool = False

    @rx.event
    def load(self):
        """Open the page."""
        self.requested = False

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


def privacy_page() -> rx.Component:
    """Personal data."""
    return page(
        "Your data",
        rx.vstack(
            rx.heading("Your data", size="7", as_="h1"),
            rx.card(
                rx.vstack(
                    rx.heading("Download all my data", size="4", as_="h2"),
                    rx.text(
                        "We put everything we hold about you (account, sessions, listings, "
                        "reviews, events, keys, webhooks, audit entries...) in a ZIP of JSON "
                        "files and mail you a link that works for 24 hours.",
                        size="2",
                    ),
                    rx.button(
                        "Request my data",
                        on_click=PrivacyState.request_export,
                        disabled=PrivacyState.requested,
                    ),
                    rx.cond(
                        PrivacyState.requested,
                        rx.text("Requested. Check your mailbox in a few minutes.", role="status"),
                    ),
                    spacing="3",
                    align="start",
                ),
                size="3",
                width="100%",
            ),
            spacing="5",
            width="100%",
            max_width="760px",
        ),
    )
