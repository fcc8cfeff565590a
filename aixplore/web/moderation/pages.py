"""/moderation-log (public) and /moderation/appeal/<id> (the affected person)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.layout import found_page, stacked_page
from aixplore.web.moderation.state import AppealState, ModerationLogState

GRAY = rx.color("gray", 11)
L, A = ModerationLogState, AppealState


def _entry(e: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        kit.tile(
            kit.actions(
                rx.badge(e["action_label"], color_scheme="violet"),
                rx.text(e["subject"], weight="medium", size="2"),
                spacing="2",
            ),
            rx.text(
                "Reason: ",
                e["reason_label"],
                rx.cond(e["note"] != "", rx.text.span(" · ", e["note"])),
                size="2",
            ),
            rx.text(
                rx.el.time(e["when"], date_time=e["created_at"].to(str)),
                rx.cond(e["until"] != "", rx.text.span(" · until ", e["until"])),
                size="1",
                color=GRAY,
            ),
            spacing="1",
        ),
        id=e["anchor"].to(str),
        style={"listStyle": "none"},
    )


def moderation_log_page() -> rx.Component:
    """The public moderation log: what was acted on and why, with nobody named."""
    return stacked_page(
        "Moderation log",
        kit.page_header(
            "Moderation log",
            subtitle="What the moderators acted on and why. People are not named here.",
        ),
        kit.when_any(
            L.entries,
            rx.el.ul(
                rx.foreach(L.entries, _entry),
                style={"padding": 0, "display": "grid", "gap": "0.75em"},
            ),
            "No moderation decisions yet.",
        ),
        rx.cond(L.next_before > 0, rx.button("Show older", on_click=L.more, variant="soft")),
        max_width="860px",
    )


def _decision() -> rx.Component:
    c = A.case
    return rx.card(
        rx.vstack(
            rx.heading(c["action_label"], ": ", c["subject"], as_="h2", size="4"),
            rx.text("Reason: ", c["reason_label"], size="2"),
            rx.cond(c["note"] != "", rx.text(c["note"], size="2")),
            rx.text(
                "Decided ",
                c["when"],
                rx.cond(c["until"] != "", rx.text.span(" · until ", c["until"])),
                size="1",
                color=GRAY,
            ),
            spacing="2",
        ),
        width="100%",
    )


def _form() -> rx.Component:
    c = A.case
    return rx.cond(
        c["appealable"].to(bool),
        kit.form(
            kit.text_area_field(
                "Why should the moderators change this decision?",
                "body",
                rows=5,
                max_length=2000,
                required=True,
            ),
            on_submit=A.appeal,
            error=A.error,
            submit=kit.submit_button("Send appeal"),
        ),
        rx.cond(
            c["appeal_status"].to(str) != "",
            rx.callout(
                rx.match(
                    c["appeal_status"].to(str),
                    ("open", "Your appeal waits for a moderator."),
                    ("upheld", "Your appeal was declined: the decision stands."),
                    "Your appeal was accepted: the decision is undone.",
                ),
                icon="scale",
                width="100%",
            ),
            rx.text("This decision cannot be appealed.", color=GRAY),
        ),
    )


def appeal_page() -> rx.Component:
    """A moderation decision and the form to appeal it."""
    return found_page(
        "Appeal",
        A.found,
        kit.refused("Decision not available", A.refusal),
        kit.page_header("Appeal a moderation decision"),
        _decision(),
        _form(),
        max_width="760px",
    )
