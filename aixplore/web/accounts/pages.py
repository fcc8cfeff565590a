"""Account pages: sign-up, sign-in, verification, password reset, profile, security."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web.accounts.state import (
    ForgotPasswordState,
    LoginState,
    ProfileState,
    ResetPasswordState,
    SecurityState,
    SignUpState,
    VerifyState,
)
from aixplore.web.components import card_form, field, form_error, link_button, submit_button
from aixplore.web.layout import page
from aixplore.web.orgs.links import identity_links_card
from aixplore.web.wallet.pages import token_panel


def signup_page() -> rx.Component:
    """Create an account."""
    return page(
        "Sign up",
        card_form(
            "Create your account",
            "Discover AI solutions, review them and order custom apps.",
            rx.cond(
                SignUpState.done,
                rx.callout(
                    "Almost there: we have sent a confirmation link to your email address. "
                    "Open it to finish signing up.",
                    icon="mail",
                    color_scheme="green",
                    role="status",
                ),
                rx.form(
                    rx.vstack(
                        form_error(SignUpState.error),
                        field(
                            "Display name", "display_name", autocomplete="nickname", max_length=80
                        ),
                        field("Email", "email", type_="email", autocomplete="email"),
                        field(
                            "Password",
                            "password",
                            type_="password",
                            autocomplete="new-password",
                            max_length=256,
                            hint="At least 10 characters.",
                        ),
                        submit_button("Create account", SignUpState.busy),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=SignUpState.submit,
                    width="100%",
                ),
            ),
            rx.text(
                "Already have an account? ",
                rx.link("Sign in", href="/login", underline="always"),
                size="2",
            ),
        ),
    )


def login_page() -> rx.Component:
    """Sign in with email and password."""
    return page(
        "Sign in",
        card_form(
            "Sign in",
            "Welcome back to AiXplore.",
            rx.form(
                rx.vstack(
                    form_error(LoginState.error),
                    field("Email", "email", type_="email", autocomplete="username"),
                    field(
                        "Password",
                        "password",
                        type_="password",
                        autocomplete="current-password",
                        max_length=256,
                    ),
                    submit_button("Sign in", LoginState.busy),
                    spacing="4",
                    width="100%",
                ),
                on_submit=LoginState.submit,
                width="100%",
            ),
            rx.flex(
                rx.link("Forgot password?", href="/forgot-password", size="2"),
                rx.link("Sign in with single sign-on", href="/sso", size="2"),
                rx.spacer(),
                rx.text(
                    "New here? ",
                    rx.link("Create an account", href="/signup", underline="always"),
                    size="2",
                ),
                wrap="wrap",
                spacing="2",
                width="100%",
            ),
        ),
    )


def verify_page() -> rx.Component:
    """The page a verification link opens."""
    return page(
        "Confirm email",
        card_form(
            "Confirm your email",
            "",
            rx.match(
                VerifyState.status,
                (
                    "ok",
                    rx.vstack(
                        rx.callout(
                            VerifyState.message,
                            icon="circle_check",
                            color_scheme="green",
                            role="status",
                        ),
                        link_button("Sign in", "/login", size="3"),
                        spacing="3",
                    ),
                ),
                (
                    "failed",
                    rx.vstack(
                        rx.callout(
                            VerifyState.message,
                            icon="triangle_alert",
                            color_scheme="red",
                            role="alert",
                        ),
                        rx.form(
                            rx.vstack(
                                field("Email", "email", type_="email", autocomplete="email"),
                                rx.button("Send a new link", type="submit", variant="soft"),
                                spacing="3",
                                width="100%",
                            ),
                            on_submit=VerifyState.resend,
                            width="100%",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.hstack(rx.spinner(), rx.text(VerifyState.message)),
            ),
        ),
    )


def forgot_password_page() -> rx.Component:
    """Ask for a reset link."""
    return page(
        "Forgot password",
        card_form(
            "Reset your password",
            "We will mail you a link to choose a new password.",
            rx.cond(
                ForgotPasswordState.sent,
                rx.callout(
                    "If an account uses that address, a reset link is on its way.",
                    icon="mail",
                    color_scheme="green",
                    role="status",
                ),
                rx.form(
                    rx.vstack(
                        form_error(ForgotPasswordState.error),
                        field("Email", "email", type_="email", autocomplete="email"),
                        rx.button("Send reset link", type="submit", size="3", width="100%"),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=ForgotPasswordState.submit,
                    width="100%",
                ),
            ),
            rx.link("Back to sign in", href="/login", size="2"),
        ),
    )


def reset_password_page() -> rx.Component:
    """Choose a new password."""
    return page(
        "Choose a new password",
        card_form(
            "Choose a new password",
            "Your other sessions will be signed out.",
            rx.cond(
                ResetPasswordState.done,
                rx.vstack(
                    rx.callout(
                        "Your password is changed. Sign in with it now.",
                        icon="circle_check",
                        color_scheme="green",
                        role="status",
                    ),
                    link_button("Sign in", "/login", size="3"),
                    spacing="3",
                ),
                rx.form(
                    rx.vstack(
                        form_error(ResetPasswordState.error),
                        field(
                            "New password",
                            "password",
                            type_="password",
                            autocomplete="new-password",
                            max_length=256,
                            hint="At least 10 characters.",
                        ),
                        field(
                            "Repeat the new password",
                            "confirm",
                            type_="password",
                            autocomplete="new-password",
                            max_length=256,
                        ),
                        rx.button("Save password", type="submit", size="3", width="100%"),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=ResetPasswordState.submit,
                    width="100%",
                ),
            ),
        ),
    )


def _profile_view() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.avatar(fallback=ProfileState.initial, size="6", radius="full"),
            rx.vstack(
                rx.heading(ProfileState.display_name, size="7", as_="h1"),
                rx.hstack(
                    rx.badge(ProfileState.role, color_scheme="violet"),
                    rx.cond(
                        ProfileState.email_verified,
                        rx.badge("Email confirmed", color_scheme="green"),
                        rx.badge("Email not confirmed", color_scheme="orange"),
                    ),
                    wrap="wrap",
                ),
                spacing="1",
                align="start",
            ),
            spacing="4",
            align="center",
        ),
        rx.data_list.root(
            rx.data_list.item(rx.data_list.label("Email"), rx.data_list.value(ProfileState.email)),
            rx.data_list.item(
                rx.data_list.label("Member since"), rx.data_list.value(ProfileState.member_since)
            ),
            rx.data_list.item(
                rx.data_list.label("About"),
                rx.data_list.value(
                    rx.cond(ProfileState.bio != "", ProfileState.bio, "Nothing here yet.")
                ),
            ),
            orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
        ),
        rx.hstack(
            rx.button("Edit profile", on_click=ProfileState.toggle_edit, variant="soft"),
            link_button("Security and sessions", "/settings/security", variant="outline"),
            wrap="wrap",
        ),
        spacing="5",
        width="100%",
        align="start",
    )


def _profile_edit() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Edit profile", size="6", as_="h1"),
            form_error(ProfileState.error),
            field(
                "Display name",
                "display_name",
                max_length=80,
                default_value=ProfileState.display_name,
            ),
            rx.vstack(
                rx.el.label("About you", html_for="field-bio", class_name="field-label"),
                rx.text_area(
                    id="field-bio",
                    name="bio",
                    default_value=ProfileState.bio,
                    max_length=500,
                    rows="4",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                rx.button("Save", type="submit"),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=ProfileState.toggle_edit,
                ),
            ),
            spacing="4",
            width="100%",
            max_width="560px",
            align="start",
        ),
        on_submit=ProfileState.save,
        width="100%",
    )


def profile_page() -> rx.Component:
    """The signed-in user's profile."""
    return page(
        "Profile",
        rx.card(rx.cond(ProfileState.editing, _profile_edit(), _profile_view()), size="3"),
        rx.card(
            rx.heading("ECE token", size="4", as_="h2"),
            token_panel(height="260px"),
            rx.link("Open the token page", href="/token", size="2"),
            size="3",
            margin_top="1em",
        ),
    )


def _session_row(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(item["device"], size="2", weight="medium"),
                    rx.cond(item["current"], rx.badge("This device", color_scheme="green")),
                    wrap="wrap",
                    align="center",
                ),
                rx.text(
                    "Signed in with ",
                    item["provider"],
                    " · IP ",
                    item["ip"],
                    " · last active ",
                    item["last_seen"],
                    size="1",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.button(
                rx.cond(item["current"], "Sign out", "End session"),
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=SecurityState.revoke(item["id"].to(int)),
            ),
            spacing="3",
            align="center",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
            padding_y="0.75em",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        ),
        list_style="none",
        width="100%",
    )


def security_page() -> rx.Component:
    """Change password and manage sessions."""
    return page(
        "Security",
        rx.vstack(
            rx.heading("Security and sessions", size="7", as_="h1"),
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading("Change password", size="4", as_="h2"),
                        form_error(SecurityState.error),
                        field(
                            "Current password",
                            "current_password",
                            type_="password",
                            autocomplete="current-password",
                            max_length=256,
                        ),
                        field(
                            "New password",
                            "new_password",
                            type_="password",
                            autocomplete="new-password",
                            max_length=256,
                            hint="At least 10 characters. Your other sessions will be signed out.",
                        ),
                        field(
                            "Repeat the new password",
                            "confirm",
                            type_="password",
                            autocomplete="new-password",
                            max_length=256,
                        ),
                        rx.button("Change password", type="submit"),
                        spacing="3",
                        width="100%",
                        max_width="480px",
                        align="start",
                    ),
                    on_submit=SecurityState.change_password,
                    reset_on_submit=False,
                ),
                size="3",
                width="100%",
            ),
            rx.card(
                rx.vstack(
                    rx.heading("Where you are signed in", size="4", as_="h2"),
                    rx.el.ul(
                        rx.foreach(SecurityState.sessions, _session_row),
                        padding="0",
                        margin="0",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                size="3",
                width="100%",
            ),
            identity_links_card(),
            spacing="5",
            width="100%",
        ),
    )


__all__ = [
    "forgot_password_page",
    "login_page",
    "profile_page",
    "reset_password_page",
    "security_page",
    "signup_page",
    "verify_page",
]
