"""/events/new and /events/[id]/edit: the organizer's form."""

from __future__ import annotations

import reflex as rx

from aixplore.domain.events.models import MAX_CAPACITY, known_timezones
from aixplore.web import kit
from aixplore.web.events.state import EventFormState as F
from aixplore.web.layout import page


def _timezones() -> rx.Component:
    """The zones the time zone field suggests as one types."""
    zones = sorted(z for z in known_timezones() if "/" in z or z == "UTC")
    return rx.el.datalist(*[rx.el.option(value=z) for z in zones], id="timezones")


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
        kit.field(
            "Time zone",
            "timezone",
            max_length=64,
            default_value=f["timezone"],
            key=f["timezone"],  # shows the browser's zone once it is known
            list="timezones",
            hint="The start and end are in this zone, such as Europe/Berlin or America/New_York.",
        ),
        _timezones(),
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
            rx.cond(F.ready, _form(), kit.loading()),
            spacing="4",
            width="100%",
        ),
        max_width="760px",
    )
