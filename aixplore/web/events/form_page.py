"""/events/new and /events/[id]/edit: the organizer's form."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.domain.events.models import MAX_CAPACITY, known_timezones
from aixplore.web.components import field, form_error
from aixplore.web.events.pages import GRAY
from aixplore.web.events.state import EventFormState as F
from aixplore.web.layout import page


def _timezone_field(value: Any) -> rx.Component:
    zones = sorted(z for z in known_timezones() if "/" in z or z == "UTC")
    return rx.vstack(
        rx.el.label("Time zone", html_for="field-timezone", class_name="field-label"),
        rx.input(
            id="field-timezone",
            name="timezone",
            list="timezones",
            default_value=value,
            key=value,  # shows the browser's zone once it is known
            max_length=64,
            required=True,
            auto_complete="off",
            size="3",
            width="100%",
        ),
        rx.el.datalist(*[rx.el.option(value=z) for z in zones], id="timezones"),
        rx.text(
            "The start and end are in this zone, such as Europe/Berlin or America/New_York.",
            size="1",
            color=GRAY,
        ),
        spacing="1",
        width="100%",
    )


def _capacity_field(value: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label("Capacity", html_for="field-capacity", class_name="field-label"),
        rx.input(
            id="field-capacity",
            name="capacity",
            type="number",
            min=1,
            max=MAX_CAPACITY,
            step=1,
            default_value=value,
            required=True,
            size="3",
            width="100%",
        ),
        rx.text("Seats; people beyond them join a waitlist.", size="1", color=GRAY),
        spacing="1",
        width="100%",
    )


def _solution_field(value: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label("Solution", html_for="field-solution", class_name="field-label"),
        rx.select.root(
            rx.select.trigger(id="field-solution", width="100%"),
            rx.select.content(
                rx.foreach(F.solution_options, lambda o: rx.select.item(o[1], value=o[0]))
            ),
            name="solution",
            default_value=value,
        ),
        rx.text("Tie the event to one of your published solutions.", size="1", color=GRAY),
        spacing="1",
        width="100%",
    )


def _form() -> rx.Component:
    f = F.form
    return rx.form(
        rx.vstack(
            form_error(F.error),
            field("Title", "title", max_length=120, default_value=f["title"]),
            rx.vstack(
                rx.el.label(
                    "Description (Markdown)", html_for="field-description", class_name="field-label"
                ),
                rx.text_area(
                    id="field-description",
                    name="description",
                    default_value=f["description"],
                    rows="8",
                    max_length=20000,
                    width="100%",
                ),
                rx.text(
                    "Agenda, speakers, what to bring. Links and lists are kept; HTML is not.",
                    size="1",
                    color=GRAY,
                ),
                spacing="1",
                width="100%",
            ),
            rx.grid(
                field("Starts", "starts_at", type_="datetime-local", default_value=f["starts_at"]),
                field("Ends", "ends_at", type_="datetime-local", default_value=f["ends_at"]),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            _timezone_field(f["timezone"]),
            rx.grid(
                field(
                    "Online link",
                    "online_url",
                    type_="url",
                    required=False,
                    max_length=500,
                    default_value=f["online_url"],
                    hint="Shown only to the people going.",
                ),
                field(
                    "Place",
                    "location",
                    required=False,
                    max_length=200,
                    default_value=f["location"],
                    hint="An address, or leave empty for an online event.",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.grid(
                _capacity_field(f["capacity"]),
                rx.cond(F.my_solutions.length() > 0, _solution_field(f["solution"])),  # type: ignore[attr-defined]
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.button(rx.cond(F.editing, "Save changes", "Publish event"), type="submit", size="3"),
            spacing="4",
            width="100%",
        ),
        on_submit=F.save,
        reset_on_submit=False,
        key=F.form_key,
        width="100%",
    )


def event_form_page() -> rx.Component:
    """Organize an event, or edit one."""
    return page(
        "Organize an event",
        rx.vstack(
            rx.heading(rx.cond(F.editing, "Edit event", "Organize an event"), as_="h1", size="7"),
            rx.text(
                "Any member can organize one; people RSVP, and a waitlist opens when it is full.",
                color=GRAY,
            ),
            rx.cond(F.ready, _form(), rx.center(rx.spinner(size="3"), padding="3em")),
            spacing="4",
            width="100%",
        ),
        max_width="760px",
    )
