"""Settings pages for third-party apps: /settings/apps and /settings/authorized-apps."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.layout import settings_template
from aixplore.web.oauth.state import APPS_PATH, GRANTS_PATH
from aixplore.web.oauth.state import AuthorizedAppsState as G
from aixplore.web.oauth.state import OAuthAppsState as A

APP_KINDS = [
    ("confidential", "Confidential (a server that keeps a secret)"),
    ("public", "Public (a browser or phone app; PKCE)"),
]


def app_row(app: ObjectVar[dict[str, Any]], state: Any = A) -> rx.Component:
    """One registered app with its actions (``state``: the page's apps state)."""
    return kit.list_item(
        kit.item_text(
            kit.badges(rx.text(app["name"], weight="medium"), rx.badge(app["kind"])),
            ("Client ID: ", app["client_id"]),
            ("Redirects to ", app["redirect_uris"]),
            ("Registered ", app["created"]),
        ),
        kit.actions(
            rx.cond(
                app["confidential"].to(bool),
                kit.action(
                    "New secret",
                    state.new_app_secret(app["id"].to(int)),
                    aria_label="New secret for " + app["name"].to(str),
                ),
            ),
            kit.confirm(
                kit.action("Delete", tone="danger", aria_label="Delete " + app["name"].to(str)),
                title="Delete this app?",
                description="Everyone who authorized it loses it: its tokens stop working.",
                confirm_label="Delete the app",
                on_confirm=state.delete(app["id"].to(int)),
            ),
        ),
    )


def app_form(state: Any = A, select_id: str = "app-kind") -> rx.Component:
    """The registration form (``state``: the page's apps state) and the secret shown once."""
    return rx.fragment(
        rx.cond(
            state.new_client_id != "",
            rx.text("Client ID: ", rx.code(state.new_client_id, id="new-client-id"), size="2"),
        ),
        kit.shown_once(
            "Copy the app's secret now: it will not be shown again.",
            state.new_secret,
            "new-app-secret",
            state.dismiss_secret,
        ),
        kit.form(
            # Not "name": the organization's page has a "name" field of its own (one id each).
            kit.field("Name", "app_name", max_length=80, hint="Members see it when they consent."),
            kit.field(
                "Logo URL",
                "logo_url",
                max_length=500,
                required=False,
                hint="An https address of a square image (optional).",
            ),
            kit.text_area_field(
                "Redirect URIs",
                "redirect_uris",
                rows=3,
                max_length=2600,
                required=True,
                hint="One per line: https, or http on localhost. At most five.",
            ),
            kit.native_select(
                "Type", "kind", APP_KINDS, select_id=select_id, default_value="confidential"
            ),
            on_submit=state.register,
            submit="Register app",
            error=state.error,
            reset=True,
        ),
    )


@settings_template("Your apps", APPS_PATH)
def oauth_apps_page() -> rx.Component:
    """Register third-party apps that act for AiXplore members through OAuth."""
    return rx.vstack(
        kit.page_header("Your apps"),
        rx.text(
            "Register an app to let AiXplore members authorize it to use the API for them "
            "(OAuth 2.0 with PKCE). Redirect addresses must match exactly. ",
            rx.link(
                "Server metadata",
                href="/.well-known/oauth-authorization-server",
                underline="always",
            ),
            size="2",
        ),
        kit.section("Register an app", app_form()),
        kit.section(
            "Registered apps",
            kit.when_any(A.apps, kit.item_list(A.apps, lambda app: app_row(app)), "No apps yet."),
        ),
        spacing="5",
        width="100%",
    )


def _grant_row(grant: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.list_item(
        kit.item_text(
            rx.text(grant["app_name"], weight="medium"),
            ("Can: ", grant["scopes"]),
            ("Authorized ", grant["created"], " · last used ", grant["last_used"]),
        ),
        kit.action(
            "Revoke",
            G.revoke(grant["id"].to(int)),
            tone="danger",
            aria_label="Revoke access of " + grant["app_name"].to(str),
        ),
    )


@settings_template("Authorized apps", GRANTS_PATH)
def authorized_apps_page() -> rx.Component:
    """The apps the member let act for them, each revocable."""
    return rx.vstack(
        kit.page_header("Authorized apps"),
        rx.text(
            "These apps may use AiXplore for you within what you allowed. Revoking one "
            "stops its access at once.",
            size="2",
        ),
        kit.section(
            "Apps with access",
            kit.when_any(
                G.grants, kit.item_list(G.grants, _grant_row), "You have not authorized any app."
            ),
        ),
        spacing="5",
        width="100%",
    )
