"""The API keys page: /settings/api-keys (your own) and /orgs/[org_id]/keys (an org's)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.apikeys.models import RESOURCES
from aixplore.domain.apikeys.policy import ORG_RESOURCES
from aixplore.web import kit
from aixplore.web.apikeys.state import ApiKeysState as K
from aixplore.web.kit.forms import SELECT_STYLE
from aixplore.web.layout import settings_template

IN_ORG = K.org_id > 0
SCOPE_CHOICES = [
    ("none", "No access"),
    ("read", "Read"),
    ("write", "Write (and read)"),
    ("admin", "Admin (all)"),
]
KEY_STATES: dict[str, tuple[str, str]] = {
    "active": ("Active", "green"),
    "revoked": ("Revoked", "red"),
    "blocked": ("Refused by policy", "orange"),
    "suspended": ("Suspended by policy", "orange"),
}


def _scope_picker(resource: str, prefix: str = "scope", default: Any = None) -> rx.Component:
    # The policy's pickers share the page with the new key's: "Solutions limit" for them.
    suffix = [rx.el.span(" limit", class_name="sr-only")] if prefix == "allow" else []
    if default is None:
        default = "read" if resource == "solutions" else "none"
    return kit.native_select(
        rx.fragment(resource.capitalize(), *suffix),
        f"{prefix}_{resource}",
        SCOPE_CHOICES,
        select_id=f"{prefix}-{resource}",
        default_value=default,
    )


def _key_row(key: ObjectVar[dict[str, Any]]) -> rx.Component:
    state = key["state"]
    return kit.list_item(
        kit.item_text(
            kit.badges(
                rx.text(key["name"], weight="medium"),
                rx.code(key["prefix"]),
                kit.state_badge(state, KEY_STATES, ("Expired", "gray")),
            ),
            rx.text("Scopes: ", key["scopes"], size="2"),
            rx.cond(key["blocked"] != "", rx.text(key["blocked"], size="2")),
            (
                "Created ",
                key["created"],
                rx.cond(key["created_by"] != "", " by " + key["created_by"].to(str), ""),
                " · expires ",
                key["expires"],
                " · ",
                key["last_used"],
            ),
        ),
        rx.cond(
            (state == "active") | (state == "blocked") | (state == "suspended"),
            kit.action(
                "Revoke",
                K.revoke(key["id"].to(int)),
                tone="danger",
                aria_label="Revoke key " + key["prefix"].to(str),
            ),
        ),
    )


def _policy_card() -> rx.Component:
    """The organization's key policy; a form for its admins."""
    summary = rx.text(
        "Keys live at most ",
        K.max_days,
        " days",
        rx.cond(K.restricted, "; scopes are limited as below.", "; any scope but the audit log."),
        size="2",
    )
    return kit.section(
        "Key policy",
        summary,
        rx.cond(
            K.can_manage,
            kit.form(
                kit.field(
                    "Longest lifetime (days)",
                    "max_days",
                    type_="number",
                    max_length=5,
                    hint="0 uses the platform's limit. Shortening it also shortens existing keys.",
                    default_value=K.own_max_days,
                ),
                rx.text("Most a key may hold", weight="medium", size="2"),
                *[_scope_picker(r, "allow", K.ceilings[r]) for r in ORG_RESOURCES],
                on_submit=K.save_policy,
                submit="Save policy",
                error=K.policy_error,
                # Re-mount when the saved policy changes, so the fields show it.
                key=K.policy_key,
            ),
        ),
    )


def _expiry_picker() -> rx.Component:
    return rx.flex(
        rx.el.label("Expires after", html_for="key-expiry", min_width="100px"),
        rx.el.select(
            rx.foreach(K.expiry_options, lambda d: rx.el.option(d + " days", value=d)),
            # Re-mounted when the limit changes, to take its default.
            key=K.expiry_default + K.policy_key,
            id="key-expiry",
            name="expires_in_days",
            default_value=K.expiry_default,
            style=SELECT_STYLE,
        ),
        spacing="3",
        align="center",
    )


def _new_key_card() -> rx.Component:
    return kit.section(
        "New key",
        kit.form(
            kit.field("Name", "name", max_length=80, hint="What the key is for."),
            rx.text("Scopes", weight="medium", size="2"),
            *[_scope_picker(r) for r in ORG_RESOURCES],
            *[rx.cond(~IN_ORG, _scope_picker(r)) for r in RESOURCES if r not in ORG_RESOURCES],
            _expiry_picker(),
            on_submit=K.create,
            submit="Create key",
            error=K.error,
            reset=True,
        ),
    )


@settings_template("API keys", "/settings/api-keys", org_id=K.org_id)
def api_keys_page() -> rx.Component:
    """Create, list and revoke API keys (yours, or an organization's)."""
    return rx.cond(
        K.refusal != "",
        kit.refused("API keys", K.refusal),
        rx.vstack(
            kit.owned_title("API keys", K.org_id, K.org_name),
            rx.text(
                rx.cond(
                    IN_ORG,
                    "Organization keys let its scripts use the AiXplore API. A key acts "
                    "as the admin who created it, within the organization's policy, and "
                    "stops working when that person is no longer an admin here. ",
                    "Keys let scripts use the AiXplore API as you, limited to the scopes "
                    "you pick. ",
                ),
                rx.link(
                    "API documentation",
                    href="/api/docs",
                    is_external=True,
                    underline="always",
                ),
                size="2",
            ),
            rx.cond(IN_ORG, _policy_card()),
            kit.shown_once(
                "Copy your new key now: it will not be shown again.",
                K.new_key,
                "new-api-key",
                K.dismiss_key,
            ),
            rx.cond(K.can_manage, _new_key_card()),
            kit.section(
                rx.cond(IN_ORG, "The organization's keys", "Your keys"),
                kit.when_any(K.keys, kit.item_list(K.keys, _key_row), "No keys yet."),
            ),
            spacing="5",
            width="100%",
        ),
    )
