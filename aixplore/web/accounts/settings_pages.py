"""The signed-in member's own pages in the settings layout: /profile, /settings/security and
/settings/sign-in."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.accounts.sign_in_methods import sign_in_methods_section
from aixplore.web.accounts.state import ProfileState, SecurityState
from aixplore.web.layout import settings_template
from aixplore.web.orgs.links import identity_links_card
from aixplore.web.wallet.pages import token_panel

P = ProfileState


def _profile_view() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.avatar(fallback=P.initial, size="6", radius="full"),
            rx.vstack(
                rx.heading(P.display_name, size="7", as_="h1"),
                kit.badges(
                    rx.badge(P.role, color_scheme="violet"),
                    kit.flag_badge(
                        P.email_verified,
                        ("Email confirmed", "green"),
                        ("Email not confirmed", "orange"),
                    ),
                ),
                spacing="1",
                align="start",
            ),
            spacing="4",
            align="center",
        ),
        rx.data_list.root(
            rx.data_list.item(rx.data_list.label("Email"), rx.data_list.value(P.email)),
            rx.data_list.item(
                rx.data_list.label("Member since"), rx.data_list.value(P.member_since)
            ),
            rx.data_list.item(
                rx.data_list.label("About"),
                rx.data_list.value(rx.cond(P.bio != "", P.bio, "Nothing here yet.")),
            ),
            orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
        ),
        kit.action("Edit profile", P.toggle_edit, size="2"),
        spacing="5",
        width="100%",
        align="start",
    )


def _profile_edit() -> rx.Component:
    return kit.form(
        rx.heading("Edit profile", size="6", as_="h1"),
        kit.form_error(P.error),
        kit.field("Display name", "display_name", max_length=80, default_value=P.display_name),
        kit.text_area_field(
            "About you",
            "bio",
            max_length=500,
            hint="Shown on your publisher page, if you publish. 500 characters at most.",
            default_value=P.bio,
        ),
        on_submit=P.save,
        submit=kit.actions(
            kit.submit_button("Save"),
            kit.action("Cancel", P.toggle_edit, size="2", color_scheme="gray", type="button"),
        ),
        spacing="4",
        max_width="560px",
        width="100%",
    )


@settings_template("Profile", "/profile")
def profile_page() -> rx.Component:
    """The signed-in user's profile."""
    return rx.fragment(
        rx.card(rx.cond(P.editing, _profile_edit(), _profile_view()), size="3", width="100%"),
        rx.card(
            rx.heading("ECE token", size="4", as_="h2"),
            token_panel(height="260px"),
            rx.link("Open the token page", href="/token", size="2"),
            size="3",
            margin_top="1em",
            width="100%",
        ),
    )


def _session_row(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.list_item(
        kit.item_text(
            kit.badges(
                rx.text(item["device"], size="2", weight="medium"),
                kit.flag_badge(item["current"], ("This device", "green")),
            ),
            (
                "Signed in with ",
                item["provider"],
                " · IP ",
                item["ip"],
                " · last active ",
                item["last_seen"],
            ),
        ),
        kit.action(
            rx.cond(item["current"], "Sign out", "End session"),
            SecurityState.revoke(item["id"].to(int)),
            tone="danger",
        ),
    )


@settings_template("Security", "/settings/security")
def security_page() -> rx.Component:
    """Change password and manage sessions."""
    return rx.vstack(
        kit.page_header("Security and sessions"),
        kit.section(
            "Change password",
            kit.form(
                kit.password_field("Current password", "current_password"),
                kit.password_field(
                    "New password",
                    "new_password",
                    new=True,
                    hint="At least 10 characters. Your other sessions will be signed out.",
                ),
                kit.password_field("Repeat the new password", "confirm", new=True),
                on_submit=SecurityState.change_password,
                submit="Change password",
                error=SecurityState.error,
            ),
        ),
        kit.section("Where you are signed in", kit.item_list(SecurityState.sessions, _session_row)),
        identity_links_card(),
        spacing="5",
        width="100%",
    )


@settings_template("Sign-in methods", "/settings/sign-in")
def sign_in_methods_page() -> rx.Component:
    """The password and the providers that sign the member in."""
    return rx.vstack(
        kit.page_header("Sign-in methods"), sign_in_methods_section(), spacing="5", width="100%"
    )
