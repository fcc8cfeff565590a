"""/events/new and /events/[id]/edit: the organizer's form."""

from __future__ import annotations

import reflex as rx

from aixplore.domain.events.models import MAX_CAPACITY, known_timezones
from aixplore.web import kit
from aixplore.web.events.state import EventFormState as F
from aixplore.web.kit.forms import COMMON_ZONES
from aixplore.web.layout import page


def _timezone_field() -> rx.Component:
    """The event's zone: a native select of every IANA zone, the common ones first (a native
    select: its type-ahead finds a zone among six hundred, and phones show their own picker)."""
    f = F.form
    common = [z for z in COMMON_ZONES if z in known_timezones()]
    return rx.vstack(
        rx.el.label("Time zone", html_for="field-timezone", class_name="field-label"),
        rx.el.select(
            rx.cond(
                f["timezone"] == "",
                rx.el.option("Choose a time zone", value="", disabled=True),
            ),
            rx.el.optgroup(*[rx.el.option(z, value=z) for z in common], label="Common zones"),
            rx.el.optgroup(
                *[rx.el.option(z, value=z) for z in sorted(known_timezones())], label="All zones"
            ),
            id="field-timezone",
            name="timezone",
            required=True,
            default_value=f["timezone"],
            key=f["timezone"],  # shows the browser's zone once it is known
            aria_describedby="field-timezone-hint",
            class_name="event-zone-select",
        ),
        rx.text(
            "The start and end are in this zone; it starts as yours.",
            id="field-timezone-hint",
            size="1",
            color=rx.color("gray", 11),
        ),
        spacing="1",
        width="100%",
        align="start",
    )


def _form() -> rx.Component:
    f = F.form
    return kit.form(
        kit.form_error(F.error),
        kit.field("Title", "title", max_length=120, default_value=f["title"]),
        kit.text_area_field(
            "Description (Markdown)",
            "description",
            rows=8,
            max_length=20000,
            default_value=f["description"],
            hint="Agenda, speakers, what to bring. Links and lists are kept; HTML is not.",
        ),
        kit.two_columns(
            kit.field("Starts", "starts_at", type_="datetime-local", default_value=f["starts_at"]),
            kit.field("Ends", "ends_at", type_="datetime-local", default_value=f["ends_at"]),
        ),
        _timezone_field(),
        kit.two_columns(
            kit.field(
                "Online link",
                "online_url",
                type_="url",
                required=False,
                max_length=500,
                default_value=f["online_url"],
                hint="Shown only to the people going.",
            ),
            kit.field(
                "Place",
                "location",
                required=False,
                max_length=200,
                default_value=f["location"],
                hint="An address, or leave empty for an online event.",
            ),
        ),
        kit.two_columns(
            kit.field(
                "Capacity",
                "capacity",
                type_="number",
                default_value=f["capacity"],
                min=1,
                max=MAX_CAPACITY,
                step=1,
                hint="Seats; people beyond them join a waitlist.",
            ),
            rx.cond(
                F.my_solutions.length() > 0,  # type: ignore[attr-defined]
                kit.select_field(
                    "Solution",
                    "solution",
                    F.solution_options,
                    value=f["solution"],
                    required=False,
                    hint="Tie the event to one of your published solutions.",
                ),
            ),
        ),
        on_submit=F.save,
        submit=rx.button(
            rx.cond(F.editing, "Save changes", "Publish event"), type="submit", size="3"
        ),
        spacing="4",
        max_width=None,
        key=F.form_key,
        width="100%",
    )


def event_form_page() -> rx.Component:
    """Organize an event, or edit one."""
    return page(
        "Organize an event",
        rx.vstack(
            kit.page_header(
                rx.cond(F.editing, "Edit event", "Organize an event"),
                subtitle="Any member can organize one; people RSVP, and a waitlist opens when "
                "it is full.",
            ),
            rx.cond(
                ~F.editing & (F.group != ""),
                kit.note("Hosted by the group ", rx.text.strong(F.group), "."),
            ),
            rx.cond(F.ready, _form(), kit.loading()),
            spacing="4",
            width="100%",
        ),
        max_width="760px",
    )
