"""The /settings/webhooks page."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.webhooks.models import EVENT_TYPES, ORG_EVENT_TYPES
from aixplore.web.components import (
    field,
    form_error,
    owner_heading,
    refused,
    shown_once,
)
from aixplore.web.layout import page
from aixplore.web.webhooks.state import WebhooksState


def _endpoint(endpoint: ObjectVar[dict[str, Any]]) -> rx.Component:
    eid = endpoint["id"].to(int)
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(endpoint["url"], weight="medium", class_name="break-all"),
                rx.cond(
                    endpoint["enabled"],
                    rx.badge("On", color_scheme="green"),
                    rx.badge("Off", color_scheme="red"),
                ),
                rx.cond(endpoint["rotating"], rx.badge("Secret rotating", color_scheme="orange")),
                wrap="wrap",
                align="center",
            ),
            rx.text("Events: ", endpoint["events"], size="2"),
            rx.cond(endpoint["reason"] != "", rx.text(endpoint["reason"], size="2")),
            rx.hstack(
                rx.button(
                    "Deliveries", size="1", variant="soft", on_click=WebhooksState.select(eid)
                ),
                rx.button("Send test", size="1", variant="soft", on_click=WebhooksState.ping(eid)),
                rx.button(
                    "Rotate secret", size="1", variant="soft", on_click=WebhooksState.rotate(eid)
                ),
                rx.cond(
                    endpoint["enabled"],
                    rx.button(
                        "Turn off",
                        size="1",
                        variant="soft",
                        on_click=WebhooksState.set_enabled(eid, False),
                    ),
                    rx.button(
                        "Turn on",
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=WebhooksState.set_enabled(eid, True),
                    ),
                ),
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=WebhooksState.delete(eid),
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        list_style="none",
        padding_y="10px",
        border_bottom="1px solid var(--gray-5)",
    )


def _delivery(row: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["when"], white_space="nowrap"),
        rx.table.cell(rx.code(row["event"])),
        rx.table.cell(
            rx.match(
                row["status"],
                ("succeeded", rx.badge("Succeeded", color_scheme="green")),
                ("failed", rx.badge("Failed", color_scheme="red")),
                rx.badge("Pending", color_scheme="orange"),
            )
        ),
        rx.table.cell(row["code"]),
        rx.table.cell(row["ms"], white_space="nowrap"),
        rx.table.cell(row["attempts"]),
        rx.table.cell(rx.text(row["error"], size="1")),
        rx.table.cell(
            rx.button(
                "Replay",
                size="1",
                variant="soft",
                on_click=WebhooksState.replay(row["id"].to(int)),
            )
        ),
    )


def _event_choice(event_type: str, in_org: Any) -> rx.Component:
    choice = rx.el.label(
        rx.el.input(
            type="checkbox", name=f"event_{event_type}", default_checked=event_type == "ping"
        ),
        " ",
        event_type,
        style={"display": "flex", "gap": "6px", "alignItems": "center"},
    )
    # An organization's endpoints receive only what happens in the organization.
    return choice if event_type in ORG_EVENT_TYPES else rx.cond(~in_org, choice)


def webhooks_page() -> rx.Component:
    """Manage outbound webhooks (yours, or an organization's)."""
    in_org = WebhooksState.org_id > 0
    return page(
        "Webhooks",
        rx.cond(
            WebhooksState.refusal != "",
            refused("Webhooks", WebhooksState.refusal),
            rx.vstack(
                owner_heading("Webhooks", WebhooksState.org_id, WebhooksState.org_name),
                rx.text(
                    rx.cond(
                        in_org,
                        "We POST signed JSON to the organization's endpoints when members join, "
                        "leave or change role. ",
                        "We POST signed JSON to your endpoints when things happen. ",
                    ),
                    "How to verify the signature: ",
                    rx.link("API documentation", href="/api/docs#webhooks", underline="always"),
                    size="2",
                ),
                shown_once(
                    "Signing secret (shown once):",
                    WebhooksState.new_secret,
                    "webhook-secret",
                    WebhooksState.dismiss_secret,
                ),
                rx.card(
                    rx.form(
                        rx.vstack(
                            rx.heading("Add an endpoint", size="4", as_="h2"),
                            form_error(WebhooksState.error),
                            field("URL", "url", type_="url", max_length=500),
                            field("Description", "description", max_length=200, required=False),
                            rx.el.fieldset(
                                rx.el.legend(
                                    "Events", style={"fontWeight": "500", "fontSize": "14px"}
                                ),
                                rx.flex(
                                    *[_event_choice(t, in_org) for t in EVENT_TYPES],
                                    spacing="3",
                                    wrap="wrap",
                                ),
                                style={"border": "none", "padding": "0", "margin": "0"},
                            ),
                            rx.button("Add endpoint", type="submit"),
                            spacing="3",
                            width="100%",
                            max_width="560px",
                            align="start",
                        ),
                        on_submit=WebhooksState.create,
                        reset_on_submit=True,
                    ),
                    size="3",
                    width="100%",
                ),
                rx.card(
                    rx.vstack(
                        rx.heading(
                            rx.cond(in_org, "The organization's endpoints", "Your endpoints"),
                            size="4",
                            as_="h2",
                        ),
                        rx.el.ul(
                            rx.foreach(WebhooksState.endpoints, _endpoint),
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
                rx.cond(
                    WebhooksState.selected > 0,
                    rx.card(
                        rx.vstack(
                            rx.hstack(
                                rx.heading("Recent deliveries", size="4", as_="h2"),
                                rx.button(
                                    "Refresh",
                                    size="1",
                                    variant="soft",
                                    on_click=WebhooksState.refresh,
                                ),
                                align="center",
                                spacing="3",
                            ),
                            rx.box(
                                rx.table.root(
                                    rx.table.header(
                                        rx.table.row(
                                            *[
                                                rx.table.column_header_cell(h)
                                                for h in (
                                                    "Time (UTC)",
                                                    "Event",
                                                    "Status",
                                                    "Code",
                                                    "Took",
                                                    "Tries",
                                                    "Error",
                                                    "Action",
                                                )
                                            ]
                                        )
                                    ),
                                    rx.table.body(rx.foreach(WebhooksState.deliveries, _delivery)),
                                    width="100%",
                                ),
                                overflow_x="auto",
                                width="100%",
                            ),
                            spacing="3",
                            width="100%",
                        ),
                        size="3",
                        width="100%",
                    ),
                ),
                spacing="5",
                width="100%",
                max_width="900px",
            ),
        ),
    )
