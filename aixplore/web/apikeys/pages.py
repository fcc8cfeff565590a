"""The API keys page: /settings/api-keys (your own) and /orgs/[org_id]/keys (an org's)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.apikeys.models import RESOURCES
from aixplore.domain.apikeys.policy import ORG_RESOURCES
from aixplore.web.apikeys.state import ApiKeysState
from aixplore.web.components import (
    field,
    form_error,
    owner_heading,
    refused,
    shown_once,
)
from aixplore.web.layout import page

IN_ORG = ApiKeysState.org_id > 0


def _scope_picker(
    resource: str, prefix: str = "scope", default: str | rx.Var[str] | None = None
) -> rx.Component:
    select_id = f"{prefix}-{resource}"
    # The policy's pickers share the page with the new key's: "Solutions limit" for them.
    suffix = [rx.el.span(" limit", class_name="sr-only")] if prefix == "allow" else []
    return rx.flex(
        rx.el.label(resource.capitalize(), *suffix, html_for=select_id, min_width="100px"),
        rx.el.select(
            rx.el.option("No access", value="none"),
            rx.el.option("Read", value="read"),
            rx.el.option("Write (and read)", value="write"),
            rx.el.option("Admin (all)", value="admin"),
            id=select_id,
            name=f"{prefix}_{resource}",
            default_value=default
            if default is not None
            else "read"
            if resource == "solutions"
            else "none",
            style={
                "padding": "4px 8px",
                "border": "1px solid var(--gray-7)",
                "borderRadius": "6px",
            },
        ),
        spacing="3",
        align="center",
    )


def _key_row(key: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(key["name"], weight="medium"),
                    rx.code(key["prefix"]),
                    rx.match(
                        key["state"],
                        ("active", rx.badge("Active", color_scheme="green")),
                        ("revoked", rx.badge("Revoked", color_scheme="red")),
                        ("blocked", rx.badge("Refused by policy", color_scheme="orange")),
                        ("suspended", rx.badge("Suspended by policy", color_scheme="orange")),
                        rx.badge("Expired", color_scheme="gray"),
                    ),
                    wrap="wrap",
                    align="center",
                ),
                rx.text("Scopes: ", key["scopes"], size="2"),
                rx.cond(key["blocked"] != "", rx.text(key["blocked"], size="2")),
                rx.text(
                    "Created ",
                    key["created"],
                    rx.cond(key["created_by"] != "", " by " + key["created_by"].to(str), ""),
                    " · expires ",
                    key["expires"],
                    " · ",
                    key["last_used"],
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
                align="start",
            ),
            rx.cond(
                (key["state"] == "active")
                | (key["state"] == "blocked")
                | (key["state"] == "suspended"),
                rx.button(
                    "Revoke",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=ApiKeysState.revoke(key["id"].to(int)),
                    aria_label="Revoke key " + key["prefix"].to(str),
                ),
            ),
            justify="between",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        list_style="none",
        padding_y="10px",
        border_bottom="1px solid var(--gray-5)",
    )


def _policy_card() -> rx.Component:
    """The organization's key policy; a form for its admins."""
    summary = rx.text(
        "Keys live at most ",
        ApiKeysState.max_days,
        " days",
        rx.cond(
            ApiKeysState.restricted,
            "; scopes are limited as below.",
            "; any scope but the audit log.",
        ),
        size="2",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Key policy", size="4", as_="h2"),
            summary,
            rx.cond(
                ApiKeysState.can_manage,
                rx.form(
                    rx.vstack(
                        form_error(ApiKeysState.policy_error),
                        field(
                            "Longest lifetime (days)",
                            "max_days",
                            type_="number",
                            max_length=5,
                            hint="0 uses the platform's limit. Shortening it also shortens "
                            "existing keys.",
                            default_value=ApiKeysState.own_max_days,
                        ),
                        rx.text("Most a key may hold", weight="medium", size="2"),
                        *[
                            _scope_picker(r, "allow", ApiKeysState.ceilings[r])
                            for r in ORG_RESOURCES
                        ],
                        rx.button("Save policy", type="submit"),
                        spacing="3",
                        width="100%",
                        max_width="480px",
                        align="start",
                    ),
                    on_submit=ApiKeysState.save_policy,
                    reset_on_submit=False,
                    # Re-mount when the saved policy changes, so the fields show it.
                    key=ApiKeysState.policy_key,
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def api_keys_page() -> rx.Component:
    """Create, list and revoke API keys (yours, or an organization's)."""
    return page(
        "API keys",
        rx.cond(
            ApiKeysState.refusal != "",
            refused("API keys", ApiKeysState.refusal),
            rx.vstack(
                owner_heading("API keys", ApiKeysState.org_id, ApiKeysState.org_name),
                rx.text(
                    rx.cond(
                        IN_ORG,
                        "Organization keys let its scripts use the AiXplore API. A key acts as the "
                        "admin who created it, within the organization's policy, and stops working "
                        "when that person is no longer an admin here. ",
                        "Keys let scripts use the AiXplore API as you, limited to the scopes you "
                        "pick. ",
                    ),
                    rx.link(
                        "API documentation", href="/api/docs", is_external=True, underline="always"
                    ),
                    size="2",
                ),
                rx.cond(IN_ORG, _policy_card()),
                shown_once(
                    "Copy your new key now: it will not be shown again.",
                    ApiKeysState.new_key,
                    "new-api-key",
                    ApiKeysState.dismiss_key,
                ),
                rx.cond(
                    ApiKeysState.can_manage,
                    rx.card(
                        rx.form(
                            rx.vstack(
                                rx.heading("New key", size="4", as_="h2"),
                                form_error(ApiKeysState.error),
                                field("Name", "name", max_length=80, hint="What the key is for."),
                                rx.text("Scopes", weight="medium", size="2"),
                                *[_scope_picker(r) for r in ORG_RESOURCES],
                                *[
                                    rx.cond(~IN_ORG, _scope_picker(r))
                                    for r in RESOURCES
                                    if r not in ORG_RESOURCES
                                ],
                                rx.flex(
                                    rx.el.label(
                                        "Expires after", html_for="key-expiry", min_width="100px"
                                    ),
                                    rx.el.select(
                                        rx.foreach(
                                            ApiKeysState.expiry_options,
                                            lambda d: rx.el.option(d + " days", value=d),
                                        ),
                                        # Re-mounted when the limit changes, to take its default.
                                        key=ApiKeysState.expiry_default + ApiKeysState.policy_key,
                                        id="key-expiry",
                                        name="expires_in_days",
                                        default_value=ApiKeysState.expiry_default,
                                        style={
                                            "padding": "4px 8px",
                                            "border": "1px solid var(--gray-7)",
                                            "borderRadius": "6px",
                                        },
                                    ),
                                    spacing="3",
                                    align="center",
                                ),
                                rx.button("Create key", type="submit"),
                                spacing="3",
                                width="100%",
                                max_width="480px",
                                align="start",
                            ),
                            on_submit=ApiKeysState.create,
                            reset_on_submit=True,
                        ),
                        size="3",
                        width="100%",
                    ),
                ),
                rx.card(
                    rx.vstack(
                        rx.heading(
                            rx.cond(IN_ORG, "The organization's keys", "Your keys"),
                            size="4",
                            as_="h2",
                        ),
                        rx.cond(
                            ApiKeysState.keys.length() > 0,  # type: ignore[attr-defined]
                            rx.el.ul(
                                rx.foreach(ApiKeysState.keys, _key_row),
                                padding="0",
                                margin="0",
                                width="100%",
                            ),
                            rx.text("No keys yet.", size="2", color_scheme="gray"),
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    size="3",
                    width="100%",
                ),
                spacing="5",
                width="100%",
                max_width="760px",
            ),
        ),
    )
