"""Signing in and up: sign-up, sign-in, email verification and password reset.

The signed-in member's profile and security pages are in ``settings_pages.py``.
"""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.accounts.sign_in_methods import social_buttons
from aixplore.web.accounts.state import (
    ForgotPasswordState,
    LoginState,
    ResetPasswordState,
    SignUpState,
    VerifyState,
)
from aixplore.web.layout import card_page


def _email(autocomplete: str = "email") -> rx.Component:
    return kit.field("Email", "email", type_="email", autocomplete=autocomplete)


def signup_page() -> rx.Component:
    """Create an account."""
    return card_page(
        "Create your account",
        "Discover AI solutions, review them and order custom apps.",
        rx.cond(~SignUpState.done, social_buttons()),
        rx.cond(
            SignUpState.done,
            kit.done_callout(
                "Almost there: we have sent a confirmation link to your email address. "
                "Open it to finish signing up.",
                icon="mail",
            ),
            kit.form(
                kit.field("Display name", "display_name", autocomplete="nickname", max_length=80),
                _email(),
                kit.password_field(
                    "Password", "password", new=True, hint="At least 10 characters."
                ),
                on_submit=SignUpState.submit,
                submit=kit.submit_button("Create account", SignUpState.busy, full_width=True),
                error=SignUpState.error,
                spacing="4",
                max_width=None,
                width="100%",
            ),
        ),
        rx.text(
            "Already have an account? ",
            rx.link("Sign in", href="/login", underline="always"),
            size="2",
        ),
    )


def login_page() -> rx.Component:
    """Sign in with email and password."""
    return card_page(
        "Sign in",
        "Welcome back to AiXplore.",
        social_buttons(),
        kit.form(
            _email("username"),
            kit.password_field("Password", "password"),
            on_submit=LoginState.submit,
            submit=kit.submit_button("Sign in", LoginState.busy, full_width=True),
            error=LoginState.error,
            spacing="4",
            max_width=None,
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
    )


def verify_page() -> rx.Component:
    """The page a verification link opens."""
    failed = rx.vstack(
        rx.callout(VerifyState.message, icon="triangle_alert", color_scheme="red", role="alert"),
        kit.form(
            _email(),
            on_submit=VerifyState.resend,
            submit=rx.button("Send a new link", type="submit", variant="soft"),
            max_width=None,
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
    return card_page(
        "Confirm your email",
        "",
        rx.match(
            VerifyState.status,
            ("ok", _done_then_sign_in(VerifyState.message)),
            ("failed", failed),
            rx.hstack(rx.spinner(), rx.text(VerifyState.message)),
        ),
    )


def _done_then_sign_in(message: rx.Var | str) -> rx.Component:
    return rx.vstack(
        kit.done_callout(message), kit.link_button("Sign in", "/login", size="3"), spacing="3"
    )


def forgot_password_page() -> rx.Component:
    """Ask for a reset link."""
    return card_page(
        "Reset your password",
        "We will mail you a link to choose a new password.",
        rx.cond(
            ForgotPasswordState.sent,
            kit.done_callout(
                "If an account uses that address, a reset link is on its way.", icon="mail"
            ),
            kit.form(
                _email(),
                on_submit=ForgotPasswordState.submit,
                submit=kit.submit_button("Send reset link", full_width=True),
                error=ForgotPasswordState.error,
                spacing="4",
                max_width=None,
                width="100%",
            ),
        ),
        rx.link("Back to sign in", href="/login", size="2"),
    )


def reset_password_page() -> rx.Component:
    """Choose a new password."""
    return card_page(
        "Choose a new password",
        "Your other sessions will be signed out.",
        rx.cond(
            ResetPasswordState.done,
            _done_then_sign_in("Your password is changed. Sign in with it now."),
            kit.form(
                kit.password_field(
                    "New password", "password", new=True, hint="At least 10 characters."
                ),
                kit.password_field("Repeat the new password", "confirm", new=True),
                on_submit=ResetPasswordState.submit,
                submit=kit.submit_button("Save password", full_width=True),
                error=ResetPasswordState.error,
                spacing="4",
                max_width=None,
                width="100%",
            ),
        ),
    )
