"""Terms, privacy policy and contact: what the footer links to, in plain words."""

from __future__ import annotations

import reflex as rx

from aixplore.core.settings import get_settings
from aixplore.web.layout import stacked_page


class ContactState(rx.State):
    """The team's address, read from the running server's settings (not the build's)."""

    contact_email: str = get_settings().contact_email


def _mail() -> rx.Component:
    return rx.link(
        ContactState.contact_email,
        href="mailto:" + ContactState.contact_email,
        underline="always",
    )


def _document(title: str, lead: str, *sections: tuple[str, list[str]]) -> rx.Component:
    return stacked_page(
        title,
        rx.heading(title, as_="h1", size="8"),
        rx.text(lead, size="3", color=rx.color("gray", 11)),
        *[
            rx.vstack(
                rx.heading(heading, as_="h2", size="5"),
                *[rx.text(paragraph) for paragraph in paragraphs],
                spacing="2",
                align="start",
            )
            for heading, paragraphs in sections
        ],
        rx.text("Questions: ", _mail(), "."),
        spacing="5",
        align="start",
        column_width="760px",
    )


def terms_page() -> rx.Component:
    """The terms of use."""
    return _document(
        "Terms of use",
        "The rules for using AiXplore, written to be read.",
        (
            "Your account",
            [
                "You need an account to review, publish, order or hold ECE tokens. Keep your "
                "password to yourself; you are responsible for what is done with your account.",
                "Organizations may require their members to sign in through their own single "
                "sign-on; their administrators then manage those accounts.",
            ],
        ),
        (
            "Publishing and reviewing",
            [
                "Publish only solutions you have the right to offer, and describe them honestly. "
                "Reviews must come from your own experience; reviews marked 'Verified usage' "
                "come from members who used the solution through AiXplore.",
                "Moderators may hide reviews and listings that are spam, abusive or misleading. "
                "Anyone can report a review from its solution's page.",
            ],
        ),
        (
            "Orders",
            [
                "An order describes an app to generate from a solution. The generated code is "
                "delivered into the repository you choose, as a branch you review, and is yours. "
                "If generation fails, the order is refunded in the way it was paid.",
            ],
        ),
        (
            "ECE tokens",
            [
                "ECE tokens are credits for use inside AiXplore: paying for orders and showing "
                "your standing. They are not money, cannot be withdrawn, and have no value "
                "outside AiXplore.",
            ],
        ),
        (
            "Ending",
            [
                "You can export your data or delete your account at any time from Settings, "
                "Your data. We may suspend accounts that break these terms.",
            ],
        ),
    )


def privacy_page() -> rx.Component:
    """The privacy policy."""
    return _document(
        "Privacy policy",
        "What AiXplore keeps about you, why, and how to take it back.",
        (
            "What we keep",
            [
                "Your account: email address, display name and, unless you sign in through your "
                "organization, a password we cannot read back.",
                "What you create: listings, reviews, orders, events, organizations and the "
                "settings you choose.",
                "Your sessions: the device's browser and approximate network, so you can see "
                "where you are signed in and end any session.",
            ],
        ),
        (
            "Page statistics",
            [
                "Publishers see how often their solution pages are viewed. Visitors are counted "
                "with a code that changes every day and cannot be traced back to an address. If "
                "your browser sends Do Not Track or Global Privacy Control, nothing is counted.",
            ],
        ),
        (
            "Cookies",
            [
                "One cookie keeps you signed in; single sign-on and connecting GitHub set a "
                "short-lived one while they run. There are no advertising or third-party "
                "tracking cookies.",
            ],
        ),
        (
            "Your rights",
            [
                "Settings, Your data downloads everything we hold about you and deletes your "
                "account after a grace period you can cancel. Organization administrators keep "
                "an audit log of changes to their organization.",
            ],
        ),
    )


def contact_page() -> rx.Component:
    """How to reach the team."""
    return stacked_page(
        "Contact",
        rx.heading("Contact", as_="h1", size="8"),
        rx.text("Write to us at ", _mail(), ". A person reads every message."),
        rx.unordered_list(
            rx.list_item(
                "Your data: export it or delete your account yourself in ",
                rx.link("Settings, Your data", href="/settings/privacy", underline="always"),
                ".",
            ),
            rx.list_item(
                "A review or listing that breaks the rules: use 'Report' on the review, or "
                "write to us with the link."
            ),
            rx.list_item(
                "Security: write to us with 'Security' in the subject; we answer within two "
                "working days."
            ),
        ),
        align="start",
        column_width="760px",
    )
