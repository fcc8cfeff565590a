"""The webhooks page: /settings/webhooks (yours) and /orgs/[org_id]/webhooks (an org's)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.domain.webhooks.models import EVENT_TYPES, ORG_EVENT_TYPES
from aixplore.web import kit
from aixplore.web.layout import settings_template
from aixplore.web.webhooks.state import WebhooksState as W

IN_ORG = W.org_id > 0
DELIVERY_STATES = {"succeeded": ("Succeeded", "green"), "failed": ("Failed", "red")}


def _endpoint(endpoint: ObjectVar[dict[str, Any]]) -> rx.Component:
    eid = endpoint["id"].to(int)
    return rx.el.li(
        rx.vstack(
            kit.item_text(
                kit.badges(
                    rx.text(endpoint["url"], weight="medium", class_name="break-all"),
                    kit.flag_badge(endpoint["enabled"], ("On", "green"), ("Off", "red")),
                    kit.flag_badge(endpoint["rotating"], ("Secret rotating", "orange")),
                ),
                rx.text("Events: ", endpoint["events"], size="2"),
                rx.cond(endpoint["reason"] != "", rx.text(endpoint["reason"], size="2")),
            ),
            kit.actions(
                kit.action("Deliveries", W.select(eid)),
                kit.action("Send test", W.ping(eid)),
                kit.action("Rotate secret", W.rotate(eid)),
                kit.toggle(
                    endpoint["enabled"],
                    kit.action("Turn off", W.set_enabled(eid, False)),
                    kit.action("Turn on", W.set_enabled(eid, True), tone="positive"),
                ),
                kit.action("Remove", W.delete(eid), tone="danger"),
            ),
            spacing="2",
            width="100%",
        ),
        class_name="item",
    )


DELIVERY_COLUMNS = [
    kit.column("Time (UTC)", "when", label_on_phone=False, nowrap=True),
    kit.column("Event", lambda r: rx.code(r["event"])),
    kit.column(
        "Status", lambda r: kit.state_badge(r["status"], DELIVERY_STATES, ("Pending", "orange"))
    ),
    kit.column("Code", "code"),
    kit.column("Took", "ms", nowrap=True),
    kit.column("Tries", "attempts"),
    kit.column("Error", lambda r: rx.text(r["error"], size="1", overflow_wrap="anywhere")),
    kit.column("Action", lambda r: kit.action("Replay", W.replay(r["id"].to(int)))),
]


def _event_choice(event_type: str) -> rx.Component:
    choice = kit.checkbox(event_type, f"event_{event_type}", checked=event_type == "ping")
    # An organization's endpoints receive only what happens in the organization.
    return choice if event_type in ORG_EVENT_TYPES else rx.cond(~IN_ORG, choice)


def _new_endpoint() -> rx.Component:
    return kit.section(
        "Add an endpoint",
        kit.form(
            kit.field("URL", "url", type_="url", max_length=500),
            kit.field("Description", "description", max_length=200, required=False),
            kit.checkbox_group("Events", *[_event_choice(t) for t in EVENT_TYPES]),
            on_submit=W.create,
            submit="Add endpoint",
            error=W.error,
            reset=True,
            max_width="560px",
            width="100%",
        ),
    )


def _deliveries() -> rx.Component:
    return kit.section(
        "Recent deliveries",
        kit.data_table(W.deliveries, DELIVERY_COLUMNS),
        actions=kit.action("Refresh", W.refresh),
    )


@settings_template("Webhooks", "/settings/webhooks", org_id=W.org_id)
def webhooks_page() -> rx.Component:
    """Manage outbound webhooks (yours, or an organization's)."""
    return rx.cond(
        W.refusal != "",
        kit.refused("Webhooks", W.refusal),
        rx.vstack(
            kit.owned_title("Webhooks", W.org_id, W.org_name),
            rx.text(
                rx.cond(
                    IN_ORG,
                    "We POST signed JSON to the organization's endpoints when members "
                    "join, leave or change role. ",
                    "We POST signed JSON to your endpoints when things happen. ",
                ),
                "How to verify the signature: ",
                rx.link("API documentation", href="/api/docs#webhooks", underline="always"),
                size="2",
            ),
            kit.shown_once(
                "Signing secret (shown once):",
                W.new_secret,
                "webhook-secret",
                W.dismiss_secret,
            ),
            _new_endpoint(),
            kit.section(
                rx.cond(IN_ORG, "The organization's endpoints", "Your endpoints"),
                kit.item_list(W.endpoints, _endpoint),
            ),
            rx.cond(W.selected > 0, _deliveries()),
            spacing="5",
            width="100%",
        ),
    )
